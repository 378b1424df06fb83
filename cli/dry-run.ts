/**
 * `fanout run --dry-run`: what a run of this list would do and cost, without fetching anything.
 * Reads, normalises and de-duplicates the list, sizes the chunks as a real run would, and prices
 * the run on Lambda with the benchmark's cost model (report/cost-model.ts).
 */
import { DEFAULT_WORKER_MEMORY_MB } from '../core/deploy';
import os from 'node:os';
import { defaultChunkSize, type UrlList } from '../orchestrator';
import { DEFAULT_COST_PROFILE, estimateCost } from '../report/cost-model';
import { DEFAULT_LAMBDA_CONCURRENCY } from '../core/run-control';
import { hostOf } from '../core/normalise-url';

/** Dollars with cents, or four decimals under a dollar, so a column of estimates lines up. */
function usd(value: number): string {
  return `$${value.toFixed(value < 1 ? 4 : 2)}`;
}

const MILLION = 1_000_000;

/** Memory sizes priced: a cheap one, the stack's default (one full vCPU), a large one. */
export const PRICED_MEMORY_MB = [1024, DEFAULT_WORKER_MEMORY_MB, 3008] as const;

export interface DryRunFlags {
  mode: 'local' | 'lambda';
  workers?: number;
  chunkSize?: number;
  concurrency: number;
}

/** The dry run's report, as text lines (pure: the caller prints them). */
export function describeDryRun(source: string, input: UrlList, flags: DryRunFlags): string[] {
  const pages = input.urls.length;
  const hosts = new Map<string, number>();
  for (const url of input.urls) {
    const host = hostOf(url);
    hosts.set(host, (hosts.get(host) ?? 0) + 1);
  }
  const [topHost, topCount] = [...hosts].reduce<[string, number]>((best, entry) => (entry[1] > best[1] ? entry : best), ['', 0]);
  const workers = flags.workers ?? (flags.mode === 'lambda' ? DEFAULT_LAMBDA_CONCURRENCY : os.availableParallelism());
  const chunkSize = flags.chunkSize ?? defaultChunkSize(pages, workers);
  const lambdaWorkers = flags.mode === 'lambda' ? workers : (flags.workers ?? DEFAULT_LAMBDA_CONCURRENCY);
  const lambdaChunk = flags.chunkSize ?? defaultChunkSize(pages, lambdaWorkers);
  const { counts } = input;

  const lines = [
    `fanout dry run of ${source}: nothing was fetched`,
    `  input     ${counts.lines - counts.skipped} read, ${counts.valid} valid (${counts.duplicates} duplicate), ${counts.invalid} invalid`,
    `  pages     ${pages} to fetch on ${hosts.size} ${hosts.size === 1 ? 'host' : 'hosts'}${topCount > 0 ? ` (most: ${topHost} with ${topCount})` : ''}`,
    `  chunks    ${Math.ceil(pages / chunkSize)} of up to ${chunkSize} URLs for ${workers} ${flags.mode} worker${workers === 1 ? '' : 's'}`,
  ];
  if (pages === 0) return lines;
  lines.push(
    '',
    `Lambda estimate (arm64, ${Math.ceil(pages / lambdaChunk)} invocation(s) of up to ${lambdaChunk} URLs; assumes ${DEFAULT_COST_PROFILE.latencyMs} ms per fetch,`,
    `${flags.concurrency} fetches in flight per worker, ${DEFAULT_COST_PROFILE.cpuMsPerPage} CPU ms per page as measured by npm run bench):`,
    '  memory     GB-s         compute    requests   total      per 1M pages',
  );
  // A million URLs get chunks of their own size (250 by default, where a small list gets 10):
  // scaling this list's cost up would price a million pages at the small list's chunking.
  const millionChunk = flags.chunkSize ?? defaultChunkSize(MILLION, lambdaWorkers);
  for (const memoryMb of PRICED_MEMORY_MB) {
    const e = estimateCost({ pages, chunkSize: lambdaChunk, memoryMb, concurrency: flags.concurrency });
    const million = estimateCost({ pages: MILLION, chunkSize: millionChunk, memoryMb, concurrency: flags.concurrency });
    const note = memoryMb === DEFAULT_WORKER_MEMORY_MB ? '  (the stack default: one vCPU)' : '';
    lines.push(
      `  ${`${memoryMb} MB`.padEnd(10)} ${e.gbSeconds.toFixed(1).padEnd(12)} ${usd(e.computeUsd).padEnd(10)} ${usd(e.requestUsd).padEnd(10)} ${usd(e.totalUsd).padEnd(10)} ${usd(million.totalUsd)}${note}`,
    );
  }
  lines.push(
    `Per 1M pages: a million URLs in ${Math.ceil(MILLION / millionChunk)} invocations of ${millionChunk} URLs, as a run of that size is chunked.`,
    'Free tier not deducted; data transfer and CloudWatch Logs are extra.',
  );
  return lines;
}
