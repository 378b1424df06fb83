/**
 * The CLI side of a run made of batches (orchestrator/run-session.ts): `fanout run --sitemap` and
 * `fanout crawl`. Everything around the batches is `fanout run`'s: the invoker for `--mode`,
 * Ctrl-C / SIGTERM, the output written as records arrive, progress, the summary (with the
 * command's own section), `--summary`, `--report`, the Lambda cost and the exit code. The command
 * only says where the URLs come from (`drive`).
 */
import fs from 'node:fs';
import type { Outcome, ScrapeOptions } from '../core/contract';
import { UsageError } from '../core/errors';
import type { InputCounts, RunSummary } from '../core/summary';
import { LambdaUsageMeter, type ChunkErrorInfo } from '../orchestrator';
import { RunSession } from '../orchestrator/run-session';
import { ReportAggregator, renderReport } from '../report';
import { SummaryBuilder } from '../report/summary-builder';
import { EXIT_INTERRUPTED, EXIT_LOST, EXIT_OK, EXIT_USAGE } from './exit-codes';
import { createProgress } from './progress';
import { chunkScrape, createInvoker, type RunFlags } from './run-flags';
import { trapSignals } from './signals';
import { formatSummary } from './summary';
import { openOutput } from './write-output';

/** What a batched command adds to a run. */
export interface SessionCommand<R extends Outcome> {
  /** How the summary names the command: `fanout run complete`, `fanout crawl interrupted`. */
  verb: 'run' | 'crawl';
  flags: RunFlags;
  scrape: ScrapeOptions;
  /** Speculative copies when `--speculative-copies` is not given. @default run's: 10 % of the chunks on Lambda, 0 locally */
  speculativeCopies?: number;
  /** Append to `flags.out` (a resumed run). */
  append: boolean;
  /**
   * Runs the batches on `session`, writing each record with `write` (never twice for one URL);
   * `tick` redraws the progress.
   */
  drive(session: RunSession, write: (record: R) => Promise<void>, tick: () => void): Promise<void>;
  /** Records expected so far, for the progress bar (it grows as URLs are found). */
  total(): number;
  /** When the run ends: the summary's input counts, its extra section, and the lines it adds on stderr. */
  finish(): { input: InputCounts; fields: Record<string, unknown>; lines: string[] };
  /** When nothing at all was recorded (and nothing resumed): why, as a one-line UsageError message. */
  emptyMessage(): string | undefined;
}

/** The `--verbose` line for a failed chunk invocation. */
function formatChunkError(info: ChunkErrorInfo): string {
  const why = info.error instanceof Error ? info.error.message : String(info.error);
  return `\nfanout: ${info.chunkId} failed (${why})${info.willRetry ? ', retrying' : ''}\n`;
}

/**
 * Runs `command` and returns the exit code; throws UsageError for a bad output path. The caller
 * checks its output paths first (checkOutputPaths), before it reads or fetches anything.
 */
export async function runSessionCommand<R extends Outcome>(command: SessionCommand<R>): Promise<number> {
  const { flags, scrape } = command;
  const startedAt = Date.now();
  const out = await openOutput(flags.out, flags.format, command.append, { csvRaw: flags.csvRaw }).catch((err: Error) => {
    throw new UsageError(`cannot write ${flags.out}: ${err.message}. Check the folder exists and is writable.`, { cause: err });
  });
  const summary = new SummaryBuilder(startedAt);
  const reportAgg = flags.report ? new ReportAggregator() : undefined;
  const progress = createProgress({ quiet: flags.quiet });
  const tick = () => progress.update({ done: summary.done, total: Math.max(command.total(), summary.done), errors: summary.errors });
  const write = async (received: R) => {
    const now = Date.now();
    // Stamped here, as `fanout run` does: one clock for the whole run, when the record was written.
    const record: R = { ...received, at: new Date(now).toISOString() };
    await out.write(record);
    summary.add(record, now);
    reportAgg?.add(record, now - startedAt);
  };

  const { invoker, lambdaFunction } = createInvoker(flags);
  const usage = lambdaFunction === undefined ? undefined : new LambdaUsageMeter();
  const signals = trapSignals(flags.quiet ?? false, flags.graceMs);
  const session = new RunSession({
    invoker,
    scrape: chunkScrape(flags, scrape),
    robots: flags.robots,
    chunkSize: flags.chunkSize,
    concurrency: flags.mode === 'lambda' ? (flags.workers ?? invoker.capacity) : undefined,
    chunkRetries: flags.chunkRetries,
    maxSpeculativeCopies: flags.speculativeCopies ?? command.speculativeCopies ?? (flags.mode === 'lambda' ? undefined : 0),
    stopSignal: signals.stopSignal,
    signal: signals.signal,
    stopGraceMs: flags.graceMs,
    onResult: usage && ((result) => usage.add(result)),
    onChunkError: flags.verbose ? (info) => process.stderr.write(formatChunkError(info)) : undefined,
  });
  try {
    await command.drive(session, write, tick);
  } finally {
    signals.release();
    await session.close();
    await invoker.close();
    await out.close();
    progress.stop();
  }

  const { input, fields, lines } = command.finish();
  const interrupted = session.interrupted || signals.stopSignal.aborted;
  const totals = session.totals;
  const lambda = usage && lambdaFunction !== undefined ? usage.finish(lambdaFunction, totals.invocations - totals.throttles) : undefined;
  const result: RunSummary = {
    ...summary.finish({
      runId: session.runId,
      mode: flags.mode,
      input,
      options: { ...scrape, chunkRetries: flags.chunkRetries, workers: flags.workers, chunkSize: flags.chunkSize },
      interrupted,
      lambda,
      speculativeInvocations: totals.speculative,
    }),
    robots: { mode: flags.robots ?? 'obey', fetches: totals.robotsFetches, crawlDelayHosts: totals.crawlDelayHosts },
    ...fields,
  };
  if (!flags.quiet) process.stderr.write(`${[formatSummary(result).replace(/^fanout run /, `fanout ${command.verb} `), ...lines].join('\n')}\n`);
  if (flags.summary) fs.writeFileSync(flags.summary, `${JSON.stringify(result, null, 2)}\n`);
  if (reportAgg && flags.report) {
    fs.writeFileSync(flags.report, renderReport(reportAgg.finish(result, { resultsPath: flags.out })));
    if (!flags.quiet) process.stderr.write(`  report    ${flags.report}\n`);
  }

  if (session.aborted) {
    const resume = flags.out && flags.format === 'jsonl' ? '; fix that, then run again with --resume to do the rest' : '';
    process.stderr.write(`fanout: ${session.aborted.message}${resume}\n`);
    if (flags.verbose && session.aborted.stack) process.stderr.write(`${session.aborted.stack}\n`);
    return EXIT_USAGE;
  }
  const empty = summary.done === 0 && !command.append ? command.emptyMessage() : undefined;
  if (empty !== undefined) {
    process.stderr.write(`fanout: ${empty}\n`);
    return EXIT_USAGE;
  }
  if (interrupted) return EXIT_INTERRUPTED;
  return result.lost > 0 ? EXIT_LOST : EXIT_OK;
}
