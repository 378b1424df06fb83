/**
 * `fanout run`: list -> chunks -> invoker -> records written as they complete -> summary.
 * The one place that wires the library pieces together for the CLI.
 */
import fs from 'node:fs';
import os from 'node:os';
import { ScrapeOptionsSchema, formatZodError, type ExtractSpec, type Outcome, type ScrapeOptions } from '../functions/worker/contract';
import { loadSpecFile } from '../functions/worker/extract';
import { chunkUrls, defaultChunkSize } from './chunk';
import { UsageError } from './errors';
import type { Invoker } from './invoker';
import { LocalInvoker } from './invokers/local';
import { LambdaUsageMeter, type LambdaUsage } from './lambda-usage';
import { preparePoliteness } from './politeness';
import { createProgress } from './progress';
import { ListError, readUrls, type UrlList } from './read-urls';
import type { RobotsMode } from './robots';
import { openResume, skipRecorded } from './resume';
import { RunAbortedError, runChunks } from './run';
import { SummaryBuilder, formatSummary, type RunSummary } from './summary';
import { ReportAggregator, fromCliSummary, renderReport, RunSummarySchema } from './report';
import { openOutput, type OutcomeWriter, type OutputFormat } from './write-output';
import { EXIT_LOST, EXIT_OK, EXIT_USAGE } from './exit-codes';

/** Exit code after Ctrl-C / SIGTERM: the shell convention 128 + SIGINT. */
export const EXIT_INTERRUPTED = 130;

/** The flags of `fanout run`, as commander hands them over (already range-checked). */
export interface RunFlags {
  out?: string;
  format: OutputFormat;
  mode: 'local' | 'lambda';
  workers?: number;
  concurrency: number;
  perHost: number;
  chunkSize?: number;
  timeoutMs: number;
  retries: number;
  maxBytes: number;
  maxRedirects: number;
  extract?: string;
  userAgent?: string;
  allowPrivate?: boolean;
  /** robots.txt: `obey` (default) fetches it once per origin and records forbidden URLs as robots-disallowed. */
  robots?: RobotsMode;
  chunkRetries: number;
  chunkTimeoutMs: number;
  summary?: string;
  report?: string;
  function?: string;
  region?: string;
  profile?: string;
  endpoint?: string;
  quiet?: boolean;
  verbose?: boolean;
  /** Append to `out`, skipping URLs that already have a record there (see resume.ts). */
  resume?: boolean;
  /** After the first Ctrl-C / SIGTERM, chunks in flight get this long before they are cancelled. */
  graceMs?: number;
}

/** A list prepared by the caller instead of read from `list` (`fanout retry`), and whether to append to `out`. */
export interface PresetList {
  input: UrlList;
  /** How the summary and messages name the list. */
  source: string;
  append: boolean;
}

async function loadExtractSpec(path: string | undefined): Promise<ExtractSpec | undefined> {
  if (path === undefined) return undefined;
  try {
    return await loadSpecFile(path);
  } catch (err) {
    throw new UsageError(err instanceof Error ? err.message : String(err), { cause: err });
  }
}

export function scrapeOptionsFromFlags(flags: RunFlags, extract: ExtractSpec | undefined): ScrapeOptions {
  const parsed = ScrapeOptionsSchema.safeParse({
    concurrency: flags.concurrency,
    perHost: flags.perHost,
    timeoutMs: flags.timeoutMs,
    retries: flags.retries,
    maxBytes: flags.maxBytes,
    maxRedirects: flags.maxRedirects,
    userAgent: flags.userAgent,
    extract,
    allowPrivate: flags.allowPrivate ?? false,
  });
  if (!parsed.success) throw new UsageError(`bad option: ${formatZodError(parsed.error)}`);
  return parsed.data;
}

async function readList(list: string): Promise<UrlList> {
  if (list === '-' && process.stdin.isTTY) {
    process.stderr.write('fanout: reading URLs from the terminal, one per line; end with Ctrl-D\n');
  }
  try {
    return await readUrls(list === '-' ? process.stdin : list);
  } catch (err) {
    if (err instanceof ListError) throw new UsageError(err.message, { cause: err });
    throw err;
  }
}

/** The invoker for `--mode`, and in Lambda mode the worker function's name (for the cost estimate). */
function createInvoker(flags: RunFlags): { invoker: Invoker; lambdaFunction?: string } {
  if (flags.mode === 'lambda') {
    // Loaded only in Lambda mode: the AWS SDK is most of the CLI's start-up time.
    const { createLambdaInvoker } = require('./invokers/lambda') as typeof import('./invokers/lambda');
    try {
      const invoker = createLambdaInvoker({
        functionName: flags.function,
        region: flags.region,
        profile: flags.profile,
        endpoint: flags.endpoint,
        concurrency: flags.workers,
      });
      return { invoker, lambdaFunction: invoker.functionName };
    } catch (err) {
      throw new UsageError(err instanceof Error ? err.message : String(err), { cause: err });
    }
  }
  return { invoker: new LocalInvoker({ size: flags.workers ?? os.availableParallelism(), chunkTimeoutMs: flags.chunkTimeoutMs }) };
}

/** First Ctrl-C stops gracefully, the second cancels in-flight chunks. */
function trapSignals(quiet: boolean, graceMs?: number) {
  const stop = new AbortController();
  const cancel = new AbortController();
  const onSignal = (signal: NodeJS.Signals) => {
    if (!stop.signal.aborted) {
      stop.abort();
      const upTo = graceMs === undefined ? '' : ` (up to ${graceMs / 1000} s)`;
      if (!quiet) process.stderr.write(`\nfanout: ${signal}: finishing the chunks in flight${upTo}, then stopping (again to stop now)\n`);
    } else {
      cancel.abort();
    }
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  return {
    stopSignal: stop.signal,
    signal: cancel.signal,
    release: () => {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
    },
  };
}

export async function runCommand(list: string, flags: RunFlags, preset?: PresetList): Promise<number> {
  const startedAt = Date.now();
  const extract = await loadExtractSpec(flags.extract);
  const scrape = scrapeOptionsFromFlags(flags, extract);
  let input = preset?.input ?? (await readList(list));
  const source = preset?.source ?? (list === '-' ? 'stdin' : list);
  if (input.urls.length === 0 && input.invalid.length === 0) {
    throw new UsageError(`${source} has no URLs (${input.counts.lines} lines, all blank or # comments). Put one http(s) URL per line.`);
  }
  const resumed = flags.resume ? await openResume(flags.out, flags.format) : undefined;
  if (resumed) {
    input = skipRecorded(input, resumed.recorded);
    const repaired = resumed.repaired === 'cut-partial-line' ? ' (removed a last line cut short)' : '';
    if (!flags.quiet) process.stderr.write(`fanout: resuming ${flags.out}: ${resumed.records} records there${repaired}, ${input.urls.length + input.invalid.length} left to do\n`);
  }

  const out: OutcomeWriter = await openOutput(flags.out, flags.format, resumed !== undefined || preset?.append === true).catch((err: Error) => {
    throw new UsageError(`cannot write ${flags.out}: ${err.message}. Check the folder exists and is writable.`, { cause: err });
  });
  const summary = new SummaryBuilder(startedAt);
  // Fed live, so the report needs no second pass over the output (which may be stdout).
  const reportAgg = flags.report ? new ReportAggregator() : undefined;
  const record = async (outcome: Outcome) => {
    await out.write(outcome);
    const now = Date.now();
    summary.add(outcome, now);
    reportAgg?.add(outcome, now - startedAt);
  };
  const progress = createProgress({ quiet: flags.quiet });
  const total = input.urls.length + input.invalid.length;
  const report = () => progress.update({ done: summary.done, total, errors: summary.errors });

  for (const outcome of input.invalid) await record(outcome);

  let interrupted = false;
  let aborted: RunAbortedError | undefined;
  let runId = 'none';
  let lambda: LambdaUsage | undefined;
  if (input.urls.length > 0) {
    const { invoker, lambdaFunction } = createInvoker(flags);
    const usage = lambdaFunction === undefined ? undefined : new LambdaUsageMeter();
    const signals = trapSignals(flags.quiet ?? false, flags.graceMs);
    try {
      const chunkConcurrency = flags.mode === 'lambda' ? (flags.workers ?? invoker.capacity) : invoker.capacity;
      const polite = await preparePoliteness(input.urls, {
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
        onChunkError: flags.verbose
          ? (info) => process.stderr.write(`\nfanout: ${info.chunkId} failed (${info.error instanceof Error ? info.error.message : String(info.error)})${info.willRetry ? ', retrying' : info.willSplit ? ', splitting it in halves to find the URL that kills its worker' : ''}\n`)
          : undefined,
      });
      runId = run.runId;
      const ticker = setInterval(report, 1000);
      try {
        for await (const outcome of run) {
          await record(outcome);
          report();
        }
      } catch (err) {
        if (!(err instanceof RunAbortedError)) throw err;
        aborted = err; // what arrived is written and the output closed below, so the file stays valid
      } finally {
        clearInterval(ticker);
      }
      interrupted = run.progress.state !== 'done';
      // Throttled invokes never ran, so Lambda bills neither their request nor any duration.
      if (usage && lambdaFunction !== undefined) lambda = usage.finish(lambdaFunction, run.progress.invocations - run.progress.throttles);
    } finally {
      signals.release();
      await invoker.close();
    }
  }
  await out.close();
  progress.stop();

  const result: RunSummary = summary.finish({
    runId,
    mode: flags.mode,
    input: {
      read: input.counts.lines - input.counts.skipped,
      valid: input.counts.valid,
      duplicate: input.counts.duplicates,
      invalid: input.counts.invalid,
    },
    options: { ...scrape, chunkRetries: flags.chunkRetries, workers: flags.workers, chunkSize: flags.chunkSize },
    interrupted,
    lambda,
  });
  if (!flags.quiet) process.stderr.write(`${formatSummary(result)}\n`);
  if (flags.summary) fs.writeFileSync(flags.summary, `${JSON.stringify(result, null, 2)}\n`);
  if (reportAgg && flags.report) {
    const data = reportAgg.finish(RunSummarySchema.parse(fromCliSummary(result)), { resultsPath: flags.out });
    fs.writeFileSync(flags.report, renderReport(data));
    if (!flags.quiet) process.stderr.write(`  report    ${flags.report}\n`);
  }

  if (aborted) {
    const resume = flags.out && flags.format === 'jsonl' ? '; fix that, then run again with --resume to do the rest' : '';
    process.stderr.write(`fanout: ${aborted.message}${resume}\n`);
    if (flags.verbose && aborted.stack) process.stderr.write(`${aborted.stack}\n`);
    return EXIT_USAGE;
  }
  if (input.urls.length === 0 && resumed === undefined) {
    process.stderr.write(`fanout: none of the lines in ${source} is an http(s) URL (first bad line: ${JSON.stringify(input.invalid[0]?.url)}); wrote an invalid-url record for each.\n`);
    return EXIT_USAGE;
  }
  if (interrupted) return EXIT_INTERRUPTED;
  return result.lost > 0 ? EXIT_LOST : EXIT_OK;
}
