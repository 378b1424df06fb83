/**
 * `--dry-run`'s "per 1M pages" column prices a million URLs as a million would be chunked, not at
 * the small chunks of the list at hand (a 302-URL list gets 10-URL chunks, and a worker with only
 * 10 URLs cannot keep 64 fetches in flight, so it priced a million at six times the real figure).
 */
import { describeDryRun, PRICED_MEMORY_MB } from '../../cli/dry-run';
import type { UrlList } from '../../orchestrator';
import { estimateCost } from '../../report/cost-model';
import { runCli } from './run-cli';

function list(n: number): UrlList {
  const urls = Array.from({ length: n }, (_, i) => `http://h${i % 3}.test/p/${i}`);
  return { urls, invalid: [], counts: { lines: n, valid: n, duplicates: 0, invalid: 0, skipped: 0 } };
}

/** The last column of each memory row, and the note under the table. */
function perMillion(lines: string[]): { column: string[]; note: string | undefined } {
  const rows = lines.filter((line) => /^ {2}\d+ MB /.test(line));
  return { column: rows.map((row) => row.trim().split(/\s+/)[6]!), note: lines.find((line) => line.startsWith('Per 1M pages:')) };
}

const usd = (value: number) => `$${value.toFixed(value < 1 ? 4 : 2)}`;

describe('--dry-run per 1M pages', () => {
  test.each([
    ['a 302-URL list on lambda', 302, { mode: 'lambda', concurrency: 64 }, 250],
    ['a 302-URL list on local', 302, { mode: 'local', concurrency: 64 }, 250],
    ['a 200,000-URL list', 200_000, { mode: 'lambda', concurrency: 64 }, 250],
    ['an explicit --chunk-size', 302, { mode: 'lambda', concurrency: 64, chunkSize: 50 }, 50],
  ] as const)('%s: a million URLs priced in their own chunks', (_name, n, flags, chunkSize) => {
    const { column, note } = perMillion(describeDryRun('urls.txt', list(n), flags));
    const expected = PRICED_MEMORY_MB.map((memoryMb) => usd(estimateCost({ pages: 1_000_000, chunkSize, memoryMb, concurrency: 64 }).totalUsd));
    expect(column).toStrictEqual(expected);
    expect(note).toBe(`Per 1M pages: a million URLs in ${1_000_000 / chunkSize} invocations of ${chunkSize} URLs, as a run of that size is chunked.`);
  });

  test('the stack default prices a million pages near the README figure (about $0.20), whatever the list size', async () => {
    const input = Array.from({ length: 302 }, (_, i) => `http://h.test/p/${i}`).join('\n');
    const { code, stdout } = await runCli(['run', '-', '--dry-run', '--mode', 'lambda'], { input });
    expect(code).toBe(0);
    const row = stdout.split('\n').find((line) => line.startsWith('  1769 MB'));
    expect(row?.trim().split(/\s+/)[6]).toBe('$0.1836');
  });
});
