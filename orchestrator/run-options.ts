/**
 * The options of a run, their defaults in one place, and the progress counters a run keeps.
 */
import { randomUUID } from 'node:crypto';
import type { Outcome, ScrapeOptionsInput, WorkerResult } from '../core/contract';
import { RUN_DEFAULTS } from '../core/run-control';
import type { KnownRobots } from './chunk-robots';
import type { HostBudget } from './host-budget';
import type { Invoker } from './invoker';
import type { RetryPolicy } from './chunk-retry';
import type { Task } from './run-task';

export interface RunOptions {
  /** Sent to every worker as `event.runId`. @default a random UUID */
  runId?: string;
  /** How workers fetch and parse (`event.options`). @default {} (the workers' defaults) */
  scrape?: ScrapeOptionsInput;
  /**
   * The run-wide per-host budget (see host-budget.ts): with it, requests in flight to one host stay
   * within `budget.perHost` across all chunks in flight, Crawl-delays hold across workers, and
   * hosts that throttle a worker are slowed for the rest of the run. Without it, `scrape.perHost`
   * only bounds each worker. @default undefined
   */
  hostBudget?: HostBudget;
  /**
   * robots.txt rules read before dispatch: when `scrape.robotsOnRedirect` is set, each chunk's event
   * carries those of its URLs' origins, for its worker to check redirect hops against. @default undefined
   */
  knownRobots?: KnownRobots;
  /** Chunks in flight at once (retries waiting out a backoff count too). @default invoker.capacity */
  concurrency?: number;
  /** Tries after the first for a chunk whose invocation fails. @default 2 (core/run-control.ts) */
  chunkRetries?: number;
  /** First retry backoff, doubling per try (equal jitter). @default 1000 */
  retryBaseDelayMs?: number;
  /** Backoff ceiling. @default 30000 */
  retryMaxDelayMs?: number;
  /** Throttled answers tolerated per chunk before it fails (they do not use up a try). @default 50 */
  maxThrottles?: number;
  /**
   * Isolate a URL that kills its worker: a chunk of more than one URL that crashed or timed out
   * on every try is split in halves, each run with a fresh budget of `bisectRetries`, until the
   * culprit runs alone and alone gets `worker-failed` (see bisect.ts). @default true
   */
  bisect?: boolean;
  /** Tries after the first for each half of a split chunk. @default 1 */
  bisectRetries?: number;
  /**
   * Speculative copies of stragglers at most (see stragglers.ts): when nothing waits and a slot is
   * free, it steals a slice of the worst straggler's URLs left; the first record per URL wins.
   * @default enough to send about 10 % of the URLs again in slices of `scrape.concurrency`, or
   * 10 % of the chunks if that is more; 0 turns it off
   */
  maxSpeculativeCopies?: number;
  /**
   * After `stopSignal`, chunks in flight get this long to finish; then they are cancelled as by
   * `signal`. @default undefined (wait for them however long they take)
   */
  stopGraceMs?: number;
  /**
   * Graceful stop (first Ctrl-C): start no more chunks or retries; chunks in flight run to the end
   * and their outcomes are yielded. URLs left without an outcome count as `abandonedUrls`.
   */
  stopSignal?: AbortSignal;
  /**
   * Hard stop (second Ctrl-C): like `stopSignal`, and in-flight invocations are cancelled too
   * (the invoker gets this abort). Their URLs get no outcome and count as `abandonedUrls`.
   */
  signal?: AbortSignal;
  /** Called when the counters change (per record and per settled invocation). Keep it cheap. */
  onProgress?: (progress: Readonly<RunProgress>) => void;
  /** Called when a chunk invocation fails, whether or not it will be retried (for `--verbose`). */
  onChunkError?: (info: ChunkErrorInfo) => void;
  /**
   * Called with every worker result as it arrives, before its outcomes are yielded (also for results
   * that complete no URL), e.g. to sum the workers' `stats.ms` for a Lambda cost estimate. Keep it cheap.
   */
  onResult?: (result: WorkerResult) => void;
}

export interface ChunkErrorInfo {
  /** The failed invocation's chunk id (`chunk-7`, or `chunk-7.2` for its second invocation). */
  chunkId: string;
  error: unknown;
  /** URLs of the chunk still without an outcome. */
  urls: number;
  /** `false` when the chunk's URLs now get `worker-failed` outcomes, are split in halves, or the run is stopping. */
  willRetry: boolean;
  delayMs?: number;
  /** The chunk's URLs now run as two halves (ids `<chunkId>a` and `<chunkId>b`). */
  willSplit?: boolean;
}

/** Live counters of a run. `urlsDone === urlsOk + urlsFailed`; at the end `urlsDone + abandonedUrls === urlsTotal`. */
export interface RunProgress {
  /** `aborted`: an invoke failed in a way no retry can fix; the iteration throws RunAbortedError. */
  state: 'running' | 'done' | 'stopped' | 'cancelled' | 'aborted';
  /** Distinct URLs in the chunks given. */
  urlsTotal: number;
  /** Outcomes yielded. */
  urlsDone: number;
  urlsOk: number;
  /** Failure outcomes yielded, `worker-failed` ones included. */
  urlsFailed: number;
  /** URLs that got `worker-failed` because their chunk failed on every try. */
  workerFailedUrls: number;
  /** URLs left without an outcome by a stop or cancel. */
  abandonedUrls: number;
  chunksTotal: number;
  /** Chunks all of whose URLs have an outcome (or were abandoned). */
  chunksDone: number;
  chunksInFlight: number;
  /** Invocations made, retries and requeues included. */
  invocations: number;
  /** Invocations that failed (InvokeError or no progress). */
  invokeErrors: number;
  /** Retries scheduled after a failure (throttled ones included). */
  retries: number;
  throttles: number;
  /** URLs sent again because a worker left them unstarted (deadline) or left them out. */
  requeuedUrls: number;
  /** Failed chunks (or halves) split in halves to isolate a URL that kills its worker. */
  splits: number;
  /** Speculative copies of straggling chunks invoked (counted in `invocations` too). */
  speculative: number;
}

export interface ResolvedRunOptions extends RetryPolicy {
  runId: string;
  scrape: ScrapeOptionsInput | undefined;
  concurrency: number;
  bisect: boolean;
  bisectRetries: number;
  maxSpeculativeCopies: number | undefined;
  stopGraceMs: number | undefined;
}

export function resolveRunOptions(options: RunOptions, invoker: Invoker): ResolvedRunOptions {
  const resolved: ResolvedRunOptions = {
    runId: options.runId ?? randomUUID(),
    scrape: options.scrape,
    concurrency: options.concurrency ?? invoker.capacity,
    chunkRetries: options.chunkRetries ?? RUN_DEFAULTS.chunkRetries,
    retryBaseDelayMs: options.retryBaseDelayMs ?? 1_000, // 1 s
    retryMaxDelayMs: options.retryMaxDelayMs ?? 30_000, // 30 s
    maxThrottles: options.maxThrottles ?? 50,
    bisect: options.bisect ?? true,
    bisectRetries: options.bisectRetries ?? 1,
    maxSpeculativeCopies: options.maxSpeculativeCopies,
    stopGraceMs: options.stopGraceMs,
  };
  for (const key of ['concurrency'] as const) {
    if (!Number.isInteger(resolved[key]) || resolved[key] < 1) {
      throw new RangeError(`${key} must be a positive integer, got ${resolved[key]}`);
    }
  }
  if (resolved.stopGraceMs !== undefined && (!Number.isInteger(resolved.stopGraceMs) || resolved.stopGraceMs < 0)) {
    throw new RangeError(`stopGraceMs must be a non-negative integer, got ${resolved.stopGraceMs}`);
  }
  for (const key of ['chunkRetries', 'retryBaseDelayMs', 'retryMaxDelayMs', 'maxThrottles', 'bisectRetries'] as const) {
    if (!Number.isInteger(resolved[key]) || resolved[key] < 0) {
      throw new RangeError(`${key} must be a non-negative integer, got ${resolved[key]}`);
    }
  }
  return resolved;
}

export function initialProgress(): RunProgress {
  return {
    state: 'running',
    urlsTotal: 0,
    urlsDone: 0,
    urlsOk: 0,
    urlsFailed: 0,
    workerFailedUrls: 0,
    abandonedUrls: 0,
    chunksTotal: 0,
    chunksDone: 0,
    chunksInFlight: 0,
    invocations: 0,
    invokeErrors: 0,
    retries: 0,
    throttles: 0,
    requeuedUrls: 0,
    splits: 0,
    speculative: 0,
  };
}

/** A run: iterate it (once) for outcomes; read `progress` at any time, and after the loop for the summary. */
export interface Run extends AsyncIterable<Outcome> {
  readonly runId: string;
  readonly progress: Readonly<RunProgress>;
}

/** What wakes the run loop. */
export type InboxItem =
  | { type: 'settled'; task: Task; chunkId: string; result?: WorkerResult; error?: unknown }
  /** A record a worker streamed before its invocation settled. */
  | { type: 'record'; task: Task; record: Outcome }
  | { type: 'ready'; task: Task }
  | { type: 'wake' };

/** Counts an outcome the run yields. */
export function countOutcome(progress: RunProgress, outcome: Outcome): Outcome {
  progress.urlsDone++;
  if (outcome.ok) progress.urlsOk++;
  else progress.urlsFailed++;
  return outcome;
}
