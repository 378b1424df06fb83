/**
 * The seam between the orchestrator and whatever runs a chunk: local child processes or AWS Lambda.
 * Both back ends implement this one interface and are tested with the same cases.
 */
import type { Outcome, WorkerEventInput, WorkerResult } from '../core/contract';
import { FanoutError } from '../core/errors';
import type { SitemapRecord, SitemapsEnd, SitemapsEventInput } from '../core/sitemap-contract';

/** Why a chunk invocation failed; the orchestrator decides from `reason` whether and how to retry. */
export type InvokeFailureReason =
  /** The worker process died or the Lambda function raised (FunctionError). */
  | 'crashed'
  /** The worker ran past the chunk timeout (local) or Lambda reported `Task timed out`. */
  | 'timeout'
  /** The back end refused the call for now (Lambda 429); retry after `retryAfterMs` without using up a try. */
  | 'throttled'
  /** The call never reached the worker or its answer was lost (socket errors). */
  | 'network'
  /** The worker answered with something that is not a WorkerResult. */
  | 'bad-response';

export class InvokeError extends FanoutError {
  override readonly name = 'InvokeError';
  readonly code = 'FANOUT_INVOKE';
  constructor(
    message: string,
    readonly reason: InvokeFailureReason,
    readonly chunkId: string,
    readonly retryAfterMs?: number,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

export interface Invoker {
  /**
   * Runs one chunk and resolves with the worker's result, or rejects with an {@link InvokeError}.
   * `signal` aborts the call (the run is shutting down).
   *
   * A streaming back end hands each record to `onRecord` as its URL ends, before the call settles
   * (and never after); the result then need not repeat them. Records delivered before a failure
   * stand: the run loop retries only the URLs still without one. A back end that does not stream,
   * or a call without `onRecord`, gets every record in the result.
   */
  invoke(event: WorkerEventInput, signal?: AbortSignal, onRecord?: (record: Outcome) => void): Promise<WorkerResult>;
  /**
   * Raises the per-host limits of chunk `chunkId` while it runs: the run-wide budget hands it
   * slots that other chunks gave back. Only back ends with a channel into a running worker have
   * it (local processes); on Lambda a share travels in the event and freed slots go to the next
   * invocations dispatched. Returns whether a running chunk of that id was told.
   */
  raiseHostLimits?(chunkId: string, hostLimits: Readonly<Record<string, number>>): boolean;
  /**
   * Fetches sitemap files in one worker, as `invoke` runs a chunk: each record reaches `onRecord`
   * as its file is read (never after the call settles), then it resolves with the end message, or
   * rejects with an {@link InvokeError} as `invoke` does. Back ends without it leave sitemaps to
   * the orchestrator (orchestrator/sitemap/expand-sitemaps.ts fetches them itself).
   */
  invokeSitemaps?(event: SitemapsEventInput, signal: AbortSignal | undefined, onRecord: (record: SitemapRecord) => void): Promise<SitemapsEnd>;
  /** Chunks this back end runs well in parallel (a default for the run's concurrency). */
  readonly capacity: number;
  /**
   * Workers behind `capacity` when each runs several chunks at once (local processes): chunk sizes
   * are planned per worker, so a worker's chunks stay as large as when it ran one. @default capacity
   */
  readonly workers?: number;
  /** Releases processes, sockets and clients. */
  close(): Promise<void>;
}
