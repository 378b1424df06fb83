/**
 * The real `fanout` bin, spawned as a user runs it, against loopback servers: Ctrl-C / SIGTERM
 * leave a valid output and exit 130; --grace-ms bounds the wait; --resume finishes the run with
 * one record per URL; `fanout retry` replaces retryable records and keeps the rest byte for byte.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { OutcomeSchema, type Outcome } from '../../core/contract';
import { startDemoSite, type DemoSite } from '../../demo/site';
import { BIN, ROOT } from '../cli/run-cli';
import { startServer, type TestServer } from '../helpers/http-server';
import { startLambdaEmulator, type LambdaEmulator } from '../helpers/lambda-emulator';

interface Spawned {
  pid: number;
  stderr: () => string;
  exit: Promise<number | null>;
}

/** Starts the CLI in its own process group, as a shell does, so a signal can reach the group. */
function startCli(args: string[], env: NodeJS.ProcessEnv = {}): Spawned {
  const child = spawn(process.execPath, [BIN, ...args], { cwd: ROOT, env: { ...process.env, ...env }, stdio: ['ignore', 'ignore', 'pipe'], detached: true });
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  const exit = new Promise<number | null>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) => resolve(code));
  });
  return { pid: child.pid!, stderr: () => stderr, exit };
}

async function until(what: string, check: () => boolean, ms = 20_000): Promise<void> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

const lines = (file: string) =>
  fs.existsSync(file)
    ? fs
        .readFileSync(file, 'utf8')
        .split('\n')
        .filter((l) => l !== '')
    : [];
/** Every line is one whole record (parsing throws on a torn one). */
const records = (file: string): Outcome[] => lines(file).map((l) => OutcomeSchema.parse(JSON.parse(l)));

let dir: string;
let slow: DemoSite;
let fast: DemoSite;
beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'fanout-stop-'));
  [slow, fast] = await Promise.all([startDemoSite({ pages: 100, latencyMs: 200 }), startDemoSite({ pages: 100 })]);
});
afterAll(async () => {
  await Promise.all([slow.close(), fast.close()]);
  fs.rmSync(dir, { recursive: true, force: true });
});

function list(name: string, urls: string[]): string {
  const file = path.join(dir, name);
  fs.writeFileSync(file, `${urls.join('\n')}\n`);
  return file;
}

/** URLs of the slow runs: 2 workers x 2 requests at 200 ms a page take about 1.2 s for them. */
const N = 24;
const SLOW_RUN = ['--allow-private', '--robots', 'ignore', '--workers', '2', '--chunk-size', '4', '--concurrency', '2'];

describe('Ctrl-C and SIGTERM', () => {
  test('SIGINT to the process group: in-flight chunks finish, whole JSONL lines, exit 130; --resume then does only the rest', async () => {
    const urls = slow.urls(N);
    const listFile = list('n.txt', urls);
    const out = path.join(dir, 'n.jsonl');
    const cli = startCli(['run', listFile, '-o', out, ...SLOW_RUN]);
    await until('the first chunk', () => lines(out).length >= 4);
    const atSignal = lines(out).length;
    process.kill(-cli.pid, 'SIGINT'); // as a terminal does: the CLI and its worker processes

    expect(await cli.exit).toBe(130);
    const first = records(out);
    expect(cli.stderr()).toMatch(/SIGINT: finishing the chunks in flight \(up to 10 s\)/);
    // The worker processes got the SIGINT too, and still finished the chunks they were running.
    expect(first.length).toBeGreaterThan(atSignal);
    expect(first.length).toBeLessThan(N);
    expect(new Set(first.map((r) => r.url)).size).toBe(first.length);
    expect(first.every((r) => r.ok)).toBe(true);

    const resumed = startCli(['run', listFile, '-o', out, '--resume', ...SLOW_RUN]);
    expect(await resumed.exit).toBe(0);
    expect(resumed.stderr()).toContain(`resuming ${out}: ${first.length} records there, ${N - first.length} left to do`);
    const all = records(out);
    expect(all.map((r) => r.url).sort()).toStrictEqual([...urls].sort());
    expect(all.slice(0, first.length)).toStrictEqual(first); // appended, not rewritten
  });

  test('SIGTERM with --format json: the array is closed and parses, exit 130', async () => {
    const out = path.join(dir, 'term.json');
    const cli = startCli(['run', list('term.txt', slow.urls(N)), '-o', out, '--format', 'json', ...SLOW_RUN]);
    await until('the first record', () => fs.existsSync(out) && fs.statSync(out).size > 2);
    process.kill(cli.pid, 'SIGTERM');
    expect(await cli.exit).toBe(130);
    const parsed = JSON.parse(fs.readFileSync(out, 'utf8')) as Outcome[];
    expect(parsed.length).toBeGreaterThan(0);
    expect(parsed.length).toBeLessThan(N);
    expect(new Set(parsed.map((r) => r.url)).size).toBe(parsed.length);
  });

  describe('chunks that never finish', () => {
    let hang: TestServer;
    beforeAll(async () => {
      hang = await startServer((req, res) => {
        if (req.url?.startsWith('/hang')) return; // never answers; closeAllConnections ends it
        res.writeHead(200, { 'content-type': 'text/html' }).end('<title>ok</title>');
      });
    });
    afterAll(() => hang.close());

    test.each([
      ['after --grace-ms', ['--grace-ms', '300'], 1],
      ['on a second signal', ['--grace-ms', '600000'], 2],
    ])('are cancelled %s: exit 130, a closed JSON array, and the records already received kept', async (_when, flags, signals) => {
      const before = hang.requests.length;
      const urls = [`${hang.origin}/hang1`, `${hang.origin}/hang2`, ...Array.from({ length: 6 }, (_, i) => `${hang.origin}/ok${i}`)];
      const out = path.join(dir, `hang-${signals}.json`);
      const cli = startCli([
        'run',
        list(`hang-${signals}.txt`, urls),
        '-o',
        out,
        '--format',
        'json',
        '--allow-private',
        '--robots',
        'ignore',
        // One worker runs two chunks at once: the two that start first.
        '--workers',
        '1',
        '--chunk-size',
        '2',
        '--timeout-ms',
        '600000',
        '--retries',
        '0',
        ...flags,
      ]);
      // Round-robin dealing puts one /hang URL in each of the two chunks that start first.
      await until('both hanging requests', () => hang.requests.slice(before).filter((r) => r.path.startsWith('/hang')).length === 2);
      for (let i = 0; i < signals; i++) {
        process.kill(-cli.pid, 'SIGINT');
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      expect(await cli.exit).toBe(130);
      // Each chunk in flight had one /ok URL besides its /hang one: the worker streamed that record
      // as soon as the page ended, so the cancel that cut its chunk short does not lose it.
      const served = hang.requests
        .slice(before)
        .filter((r) => r.path.startsWith('/ok'))
        .map((r) => `${hang.origin}${r.path}`);
      const records = JSON.parse(fs.readFileSync(out, 'utf8')) as { url: string; ok: boolean }[];
      expect(served.length).toBe(2);
      expect(records.map((r) => [r.url, r.ok]).sort()).toStrictEqual(served.sort().map((url) => [url, true]));
    });
  });
});

describe('fanout retry', () => {
  const ok = (url: string, title: string): Outcome => ({
    url,
    ok: true,
    finalUrl: url,
    status: 200,
    contentType: 'text/html',
    bytes: 1,
    ms: 1,
    title,
    description: null,
    links: [],
    attempts: 1,
  });
  const failed = (url: string, kind: string, status?: number): Outcome =>
    ({ url, ok: false, error: { kind, message: `old ${kind}`, ...(status ? { status } : {}) }, attempts: 1 }) as Outcome;

  /** A results file with every case: kept, retryable, duplicates, and a last line cut short. */
  function results(name: string): { file: string; urls: string[]; text: string } {
    const u = fast.urls(6);
    const recs = [
      ok(u[0]!, 'OLD'),
      failed(u[1]!, 'dns'),
      failed(u[2]!, 'worker-failed'),
      failed(u[3]!, 'http', 503),
      failed(u[4]!, 'http', 404),
      failed('not a url', 'invalid-url'),
      failed(u[0]!, 'timeout'), // a duplicate: the earlier ok record stands
      failed(u[5]!, 'timeout'),
      ok(u[5]!, 'KEPT'), // a final record wins over an earlier retryable one
    ];
    const text = recs.map((r) => `${JSON.stringify(r)}\n`).join('') + '{"url":"http://cut';
    const file = path.join(dir, name);
    fs.writeFileSync(file, text);
    return { file, urls: [...u, 'not a url'], text };
  }

  test('reruns dns / worker-failed / 5xx records, keeps the rest byte for byte, one record per URL, no temp file left', async () => {
    const { file, urls, text } = results('retry.jsonl');
    const cli = startCli(['retry', file, '--allow-private', '--robots', 'ignore', '--workers', '1']);
    expect(await cli.exit).toBe(0);
    const after = records(file);
    expect(after.map((r) => r.url).sort()).toStrictEqual([...urls].sort());
    const byUrl = new Map(after.map((r) => [r.url, r]));
    for (const n of [1, 2, 3]) expect(byUrl.get(urls[n]!)).toMatchObject({ ok: true, title: `Page ${n}` });
    const oldLines = text.split('\n');
    for (const kept of [0, 4, 5, 8]) expect(lines(file)).toContain(oldLines[kept]);
    expect(cli.stderr()).toContain('4 records kept, 3 to retry');
    expect(fs.readdirSync(dir).filter((f) => f.includes('.retry-'))).toStrictEqual([]);
  });

  describe('when the run cannot start', () => {
    let emulator: LambdaEmulator;
    beforeAll(async () => (emulator = await startLambdaEmulator({ functions: {} })));
    afterAll(() => emulator.close());

    test('a Lambda setup error stops at once with exit 1; the retryable URLs keep their old records', async () => {
      const { file, urls, text } = results('retry-setup.jsonl');
      const cli = startCli(['retry', file, '--mode', 'lambda', '--endpoint', emulator.endpoint, '--function', 'nope', '--region', 'us-east-1', '--quiet'], {
        AWS_ACCESS_KEY_ID: 'test',
        AWS_SECRET_ACCESS_KEY: 'test',
      });
      expect(await cli.exit).toBe(1);
      expect(cli.stderr()).toMatch(/fanout: run stopped: cannot invoke nope: ResourceNotFoundException/);
      expect(emulator.log.length).toBeLessThanOrEqual(1); // not retried per chunk
      const after = lines(file);
      expect(after.map((l) => (JSON.parse(l) as Outcome).url).sort()).toStrictEqual([...urls].sort());
      // The first record of each URL, as it was (the timeout of u[5] gave way to its ok record).
      const oldLines = text.split('\n');
      expect([...after].sort()).toStrictEqual([0, 1, 2, 3, 4, 5, 8].map((i) => oldLines[i]!).sort());
    });
  });
});
