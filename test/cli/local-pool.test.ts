/**
 * The local pool when `--workers` is not given (cli/local-pool.ts): one worker per 5,000 URLs up to
 * one per CPU, the CPUs' share of `--concurrency` when the pool is smaller, and the user's flags kept.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { MAX_POOLED_CONCURRENCY, URLS_PER_LOCAL_WORKER, countListLines, localPool, sizeLocalPool } from '../../cli/local-pool';
import { runCli } from './run-cli';

describe('localPool', () => {
  test.each([
    // urls, given, cpus -> workers, concurrency
    [1, {}, 2, 1, 128],
    [URLS_PER_LOCAL_WORKER, {}, 2, 1, 128],
    [URLS_PER_LOCAL_WORKER + 1, {}, 2, 2, 64],
    [1_000_000, {}, 2, 2, 64],
    [undefined, {}, 2, 2, 64],
    [12_000, {}, 16, 3, 256],
    [1, {}, 1, 1, 64],
    [1, { workers: 4 }, 2, 4, 64],
    [1, { concurrency: 10 }, 2, 1, 10],
    [1_000_000, { workers: 1, concurrency: 500 }, 8, 1, 500],
  ])('%p URLs, flags %j, %i CPUs: %i workers of %i', (urls, given, cpus, workers, concurrency) => {
    expect(localPool(urls, given, 64, cpus)).toStrictEqual({ workers, concurrency });
  });

  test('a smaller pool never runs fewer requests at once than one worker would by default', () => {
    for (let cpus = 1; cpus <= 64; cpus++) {
      for (const urls of [1, 4_999, 5_001, 20_000, 10_000_000]) {
        const pool = localPool(urls, {}, 64, cpus);
        expect(pool.workers).toBeGreaterThanOrEqual(1);
        expect(pool.workers).toBeLessThanOrEqual(cpus);
        expect(pool.concurrency).toBeGreaterThanOrEqual(64);
        expect(pool.concurrency).toBeLessThanOrEqual(Math.max(64, MAX_POOLED_CONCURRENCY));
      }
    }
  });
});

describe('countListLines', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'fanout-pool-'));
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
  const file = (name: string, text: string | Buffer) => {
    const at = path.join(dir, name);
    fs.writeFileSync(at, text);
    return at;
  };

  test('counts lines, a last one without a newline included', () => {
    expect(countListLines(file('a.txt', 'http://a.test/1\nhttp://a.test/2\n'), 100)).toBe(2);
    expect(countListLines(file('b.txt', 'http://a.test/1\nhttp://a.test/2'), 100)).toBe(2);
    expect(countListLines(file('empty.txt', ''), 100)).toBe(0);
  });

  test('reads a list larger than its buffer, and stops once it has seen enough', () => {
    const lines = 300_000; // ~7 MB: several reads
    const big = file('big.txt', Buffer.from('http://a.test/page\n'.repeat(lines)));
    expect(countListLines(big, lines * 2)).toBe(lines);
    const partial = countListLines(big, 1_000)!;
    expect(partial).toBeGreaterThan(1_000);
    expect(partial).toBeLessThan(lines);
  });

  test('stdin, a missing file or a folder: not known', () => {
    expect(countListLines('-', 100)).toBeUndefined();
    expect(countListLines(path.join(dir, 'missing.txt'), 100)).toBeUndefined();
    expect(countListLines(dir, 100)).toBeUndefined();
  });
});

describe('sizeLocalPool', () => {
  test('lambda mode is left alone', () => {
    const flags = { mode: 'lambda', concurrency: 64 };
    sizeLocalPool(flags, '/nonexistent', false, 2);
    expect(flags).toStrictEqual({ mode: 'lambda', concurrency: 64 });
  });

  test('a list that cannot be counted gets one worker per CPU', () => {
    const flags = { mode: 'local', concurrency: 64 };
    sizeLocalPool(flags, '-', false, 2);
    expect(flags).toStrictEqual({ mode: 'local', workers: 2, concurrency: 64 });
  });
});

describe('fanout run --dry-run shows the pool it would run', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'fanout-pool-cli-'));
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  test('a short list: one worker; --workers is kept', async () => {
    const list = path.join(dir, 'urls.txt');
    fs.writeFileSync(list, Array.from({ length: 50 }, (_, i) => `https://example.test/${i}`).join('\n'));
    const short = await runCli(['run', list, '--dry-run']);
    expect(short.code).toBe(0);
    expect(short.stdout).toContain('for 1 local worker\n');
    const given = await runCli(['run', list, '--dry-run', '--workers', '3']);
    expect(given.stdout).toContain('for 3 local workers');
  });
});
