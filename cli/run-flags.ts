/**
 * The flags of `fanout run` and what they translate into: the workers' scrape options (with the
 * extract spec loaded) and the invoker for `--mode`. Bad values become UsageErrors.
 */
import os from 'node:os';
import { ScrapeOptionsSchema, formatZodError, type ExtractSpec, type ScrapeOptions } from '../core/contract';
import { loadSpecFile } from '../core/extract-spec';
import { UsageError } from '../core/errors';
import { LocalInvoker, type Invoker } from '../orchestrator';
import type { ProxySettingsInput } from '../core/proxy';
import type { RobotsMode } from '../core/run-control';
import { sdkProxySettings, type ProxyFlags } from './proxy-flags';
import type { OutputFormat } from './write-output';

/** The flags of `fanout run`, as commander hands them over (already range-checked). */
export interface RunFlags extends ProxyFlags {
  out?: string;
  format: OutputFormat;
  /** CSV: no leading `'` on formula-like cells (control characters are dropped all the same). */
  csvRaw?: boolean;
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
  /** Count, chunk and price the list without fetching anything. */
  dryRun?: boolean;
  /** After the first Ctrl-C / SIGTERM, chunks in flight get this long before they are cancelled. */
  graceMs?: number;
  /** Speculative copies of stragglers at most; unset means the mode's default (see core/run-control.ts). */
  speculativeCopies?: number;
}

/** The `--extract` spec file, loaded and validated; `undefined` without the flag. */
export async function loadExtractSpec(path: string | undefined): Promise<ExtractSpec | undefined> {
  return path === undefined ? undefined : loadSpecFile(path);
}

/** The options every worker gets, validated by the shared schema (so the CLI and the worker agree). `proxy` comes from proxySettingsFromFlags. */
export function scrapeOptionsFromFlags(flags: RunFlags, extract: ExtractSpec | undefined, proxy?: ProxySettingsInput): ScrapeOptions {
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
    proxy,
    allowPrivateProxy: flags.allowPrivateProxy ?? false,
  });
  if (!parsed.success) throw new UsageError(`bad option: ${formatZodError(parsed.error)}`);
  return parsed.data;
}

/**
 * Chunks a local worker process runs at once. One chunk at a time (a Lambda instance's way) let a
 * URL that never answers hold its whole worker until it timed out: on a short list, sized to one
 * worker, a hang-first list of 401 URLs wrote 100 records, then nothing for 6 s. With two, the
 * stuck chunk holds one job and the other keeps the worker busy; each gets half its concurrency.
 */
export const LOCAL_JOBS_PER_WORKER = 2;

/** The scrape options each chunk gets: locally, a worker's `--concurrency` is split between the chunks it runs at once. */
export function chunkScrape<T extends { concurrency: number }>(flags: Pick<RunFlags, 'mode'>, scrape: T): T {
  if (flags.mode === 'lambda') return scrape;
  return { ...scrape, concurrency: Math.max(1, Math.ceil(scrape.concurrency / LOCAL_JOBS_PER_WORKER)) };
}

/** The invoker for `--mode`, and in Lambda mode the worker function's name (for the cost estimate). */
export function createInvoker(flags: RunFlags): { invoker: Invoker; lambdaFunction?: string } {
  if (flags.mode === 'lambda') {
    // Loaded only in Lambda mode: the AWS SDK is most of the CLI's start-up time.
    const { createLambdaInvoker } = require('../orchestrator/invokers/lambda') as typeof import('../orchestrator/invokers/lambda');
    const invoker = createLambdaInvoker({
      functionName: flags.function,
      region: flags.region,
      profile: flags.profile,
      endpoint: flags.endpoint,
      concurrency: flags.workers,
      proxy: sdkProxySettings(flags),
    });
    return { invoker, lambdaFunction: invoker.functionName };
  }
  // Started now, the workers load while the list is checked against robots.txt.
  // bin/fanout.js may have forked them already (cli/prestart.ts); the process exits after close() without waiting for them.
  return {
    invoker: new LocalInvoker({
      size: flags.workers ?? os.availableParallelism(),
      jobsPerChild: LOCAL_JOBS_PER_WORKER,
      workerConcurrency: flags.concurrency,
      chunkTimeoutMs: flags.chunkTimeoutMs,
      waitForExit: false,
    }).prestart(),
  };
}
