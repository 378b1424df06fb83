/**
 * The IPC messages between LocalInvoker and its child processes (structured clone, `serialization: 'advanced'`).
 */
import type { Outcome, WorkerEventInput } from '../../core/contract';
import type { SitemapRecord, SitemapsEventInput } from '../../core/sitemap-contract';

/** Parent -> child: run one chunk (or one `sitemaps` event); `timeoutMs` feeds the handler's `getRemainingTimeInMillis`. */
export interface InvokeMessage {
  type: 'invoke';
  id: number;
  event: WorkerEventInput | SitemapsEventInput;
  timeoutMs: number;
}

/**
 * Parent -> child: the run-wide budget raised the per-host limits of invocation `id` while it runs.
 * Sent after its `invoke` (IPC keeps order); ignored once the invocation has ended.
 */
export interface HostLimitsMessage {
  type: 'host-limits';
  id: number;
  hostLimits: Record<string, number>;
  /** The invocation's share of its process's concurrency, when the chunks the process runs changed. */
  total?: number;
}

/**
 * Child -> parent: loaded (the worker module was required, or failed to be: that is reported per
 * invoke); records of a chunk as their URLs end (those of one event-loop tick in one message); or
 * the chunk's answer, after its last records.
 */
export type ChildReply =
  | { type: 'ready' }
  | { type: 'records'; id: number; records: (Outcome | SitemapRecord)[] }
  | { type: 'result'; id: number; result: unknown }
  | { type: 'error'; id: number; error: { name: string; message: string; stack?: string } };
