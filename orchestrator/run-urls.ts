/**
 * The invoking part of `fanout run`: robots.txt and the run-wide host budget, then the allowed
 * URLs in chunks through runChunks on the invoker for `--mode`, each outcome recorded as it
 * arrives, with Ctrl-C / SIGTERM trapped for the run's length.
 */
import type { Outcome, ScrapeOptions } from '../core/contract';
import { chunkUrls, defaultChunkSize } from './chunk';
import { LambdaUsageMeter, type LambdaUsage } from './lambda-usage';
import { preparePoliteness } from './politeness';
import { RunAbortedError, runChunks, type ChunkErrorInfo } from './run';
import { createInvoker, type RunFlags } from '../cli/run-flags';
import { trapSignals } from '../cli/signals';

/** How the invoking went, for the summary and the exit code. */
export interface RunUrlsResult {
  runId: string;
  /** The run ended before every URL had an outcome (stopped, cancelled or aborted). */
  interrupted: boolean;
  /** An invoke failed in a way no retry can fix; the outcomes before it were recorded. */
  aborted: RunAbortedError | undefined;
  /** In Lambda mode, what the workers used, for the cost estimate. */
  lambda: LambdaUsage | undefined;
}

/** The `--verbose` line for a failed chunk invocation. */
function formatChunkError(info: ChunkErrorInfo): string {
  const why = info.error instanceof Error ? info.error.message : String(info.error);
  const next = info.willRetry ? ', retrying' : info.willSplit ? ', splitting it in halves to find the URL that kills its worker' : '';
  return `\nfanout: ${info.chunkId} failed (${why})${next}\n`;
}

/**
 * Runs `urls` (valid, de-duplicated) and hands every outcome to `record`, robots-disallowed ones
 * included; `report` is called after each outcome and once a second. Throws only what is not a
 * RunAbortedError; the invoker is closed either way.
 */
export async function runUrls(
  urls: string[],
  flags: RunFlags,
  scrape: ScrapeOptions,
  record: (outcome: Outcome) => Promise<void>,
  report: () => void,
): Promise<RunUrlsResult> {
  const { invoker, lambdaFunction } = createInvoker(flags);
  const usage = lambdaFunction === undefined ? undefined : new LambdaUsageMeter();
  const signals = trapSignals(flags.quiet ?? false, flags.graceMs);
  try {
    const chunkConcurrency = flags.mode === 'lambda' ? (flags.workers ?? invoker.capacity) : invoker.capacity;
    const polite = await preparePoliteness(urls, {
      robots: flags.robots ?? 'obey',
      perHost: scrape.perHost,
      workerConcurrency: scrape.concurrency,
      chunkConcurrency,
      userAgent: scrape.userAgent,
      allowPrivate: scrape.allowPrivate,
    });
    if (flags.verbose && polite.robots.fetches > 0) {
      process.stderr.write(`fanout: robots.txt fetched for ${polite.robots.fetches} origins; ${polite.disallowed.length} URLs disallowed; ${polite.robots.crawlDelayMs.size} hosts with a Crawl-delay\n`);
    }
    for (const outcome of polite.disallowed) await record(outcome);
    const chunkSize = flags.chunkSize ?? defaultChunkSize(polite.allowed.length, invoker.capacity);
    const run = runChunks(chunkUrls(polite.allowed, chunkSize), invoker, {
      scrape,
      hostBudget: polite.budget,
      concurrency: flags.mode === 'lambda' ? flags.workers : undefined,
      chunkRetries: flags.chunkRetries,
      stopSignal: signals.stopSignal,
      signal: signals.signal,
      stopGraceMs: flags.graceMs,
      onResult: usage && ((result) => usage.add(result)),
      onChunkError: flags.verbose ? (info) => process.stderr.write(formatChunkError(info)) : undefined,
    });
    let aborted: RunAbortedError | undefined;
    const ticker = setInterval(report, 1000);
    try {
      for await (const outcome of run) {
        await record(outcome);
        report();
      }
    } catch (err) {
      if (!(err instanceof RunAbortedError)) throw err;
      aborted = err; // what arrived is recorded and the caller closes the output, so the file stays valid
    } finally {
      clearInterval(ticker);
    }
    return {
      runId: run.runId,
      interrupted: run.progress.state !== 'done',
      aborted,
      // Throttled invokes never ran, so Lambda bills neither their request nor any duration.
      lambda: usage && lambdaFunction !== undefined ? usage.finish(lambdaFunction, run.progress.invocations - run.progress.throttles) : undefined,
    };
  } finally {
    signals.release();
    await invoker.close();
  }
}
