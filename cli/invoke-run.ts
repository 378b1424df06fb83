/**
 * The invoking part of `fanout run`: the invoker for `--mode`, Ctrl-C / SIGTERM trapped for the
 * run's length, `--verbose` lines, and the Lambda usage for the cost estimate, around the engine's
 * runUrls. The flags stop here: the engine gets typed options.
 */
import type { Outcome, ScrapeOptions } from '../core/contract';
import { LambdaUsageMeter, runUrls, type ChunkErrorInfo, type LambdaUsage, type RunUrlsResult } from '../orchestrator';
import { robotsProxySettings } from './proxy-flags';
import { chunkScrape, createInvoker, type RunFlags } from './run-flags';
import { trapSignals } from './signals';

/** How the invoking went, for the summary and the exit code. */
export interface InvokeRunResult extends Omit<RunUrlsResult, 'progress'> {
  /** In Lambda mode, what the workers used, for the cost estimate. */
  lambda: LambdaUsage | undefined;
  /** Speculative copies of straggling chunks (see orchestrator/stragglers.ts). */
  speculativeInvocations: number;
}

/** The `--verbose` line for a failed chunk invocation. */
function formatChunkError(info: ChunkErrorInfo): string {
  const why = info.error instanceof Error ? info.error.message : String(info.error);
  const next = info.willRetry ? ', retrying' : info.willSplit ? ', splitting it in halves to find the URL that kills its worker' : '';
  return `\nfanout: ${info.chunkId} failed (${why})${next}\n`;
}

/** Runs `urls` on the invoker `flags` ask for, recording every outcome; the invoker is closed either way. */
export async function invokeRun(
  urls: string[],
  flags: RunFlags,
  scrape: ScrapeOptions,
  record: (outcome: Outcome) => Promise<void>,
  tick: () => void,
): Promise<InvokeRunResult> {
  const { invoker, lambdaFunction } = createInvoker(flags);
  const usage = lambdaFunction === undefined ? undefined : new LambdaUsageMeter();
  const signals = trapSignals(flags.quiet ?? false, flags.graceMs);
  try {
    const ran = await runUrls(
      urls,
      {
        invoker,
        scrape: chunkScrape(flags, scrape),
        robots: flags.robots,
        robotsProxy: robotsProxySettings(flags),
        chunkSize: flags.chunkSize,
        concurrency: flags.mode === 'lambda' ? (flags.workers ?? invoker.capacity) : undefined,
        chunkRetries: flags.chunkRetries,
        maxSpeculativeCopies: flags.speculativeCopies ?? (flags.mode === 'lambda' ? undefined : 0),
        stopSignal: signals.stopSignal,
        signal: signals.signal,
        stopGraceMs: flags.graceMs,
        onPoliteness: (polite) => {
          if (flags.verbose && polite.robots.fetches > 0) {
            process.stderr.write(
              `fanout: robots.txt fetched for ${polite.robots.fetches} origins; ${polite.disallowed.length} URLs disallowed; ${polite.robots.crawlDelayMs.size} hosts with a Crawl-delay\n`,
            );
          }
        },
        onResult: usage && ((result) => usage.add(result)),
        onChunkError: flags.verbose ? (info) => process.stderr.write(formatChunkError(info)) : undefined,
      },
      record,
      tick,
    );
    const { progress, ...rest } = ran;
    // Throttled invokes never ran, so Lambda bills neither their request nor any duration.
    const lambda = usage && lambdaFunction !== undefined && progress ? usage.finish(lambdaFunction, progress.invocations - progress.throttles) : undefined;
    return { ...rest, lambda, speculativeInvocations: progress?.speculative ?? 0 };
  } finally {
    signals.release();
    await invoker.close();
  }
}
