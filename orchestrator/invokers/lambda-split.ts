/**
 * Pure helpers for Lambda's 6 MB *request* limit, which still applies to InvokeWithResponseStream
 * (the response is streamed, up to 200 MB, so it needs no split): split a chunk whose event is too
 * large in halves, merge the halves' results back into one result for the chunk, and, for a single
 * URL whose request alone is too large, a failure outcome that says so.
 */
import type { WorkerEventInput, WorkerResult } from '../../core/contract';

/** Lambda's synchronous request payload limit (6 MB), as the service counts it. */
export const LAMBDA_REQUEST_LIMIT_BYTES = 6 * 1024 * 1024;

/** The invoke payload for `event`, and whether it fits under {@link LAMBDA_REQUEST_LIMIT_BYTES}. */
export function encodeEvent(event: WorkerEventInput): { payload: Buffer; fits: boolean } {
  const payload = Buffer.from(JSON.stringify(event));
  return { payload, fits: payload.byteLength <= LAMBDA_REQUEST_LIMIT_BYTES };
}

/** Halves of `event`, with chunk ids `<id>.0` and `<id>.1` so logs can tell them apart. */
export function splitEvent(event: WorkerEventInput): [WorkerEventInput, WorkerEventInput] {
  const middle = Math.ceil(event.urls.length / 2);
  return [
    { ...event, chunkId: `${event.chunkId}.0`, urls: event.urls.slice(0, middle) },
    { ...event, chunkId: `${event.chunkId}.1`, urls: event.urls.slice(middle) },
  ];
}

/** One result for the whole chunk; the halves ran in parallel, so wall time is the longer one. */
export function mergeResults(event: WorkerEventInput, parts: WorkerResult[]): WorkerResult {
  const memoryMb = parts.find((p) => p.stats.memoryMb !== undefined)?.stats.memoryMb;
  const throttled: Record<string, number> = {};
  for (const [host, ms] of parts.flatMap((p) => Object.entries(p.throttled ?? {}))) throttled[host] = Math.max(throttled[host] ?? 0, ms);
  return {
    runId: event.runId,
    chunkId: event.chunkId,
    outcomes: parts.flatMap((p) => p.outcomes),
    unstarted: parts.flatMap((p) => p.unstarted),
    stats: {
      ok: sum(parts, (p) => p.stats.ok),
      failed: sum(parts, (p) => p.stats.failed),
      bytes: sum(parts, (p) => p.stats.bytes),
      ms: Math.max(0, ...parts.map((p) => p.stats.ms)),
      ...(memoryMb === undefined ? {} : { memoryMb }),
    },
    ...(Object.keys(throttled).length > 0 ? { throttled } : {}),
  };
}

/** The result for a one-URL chunk whose request alone passed the request limit: a `too-large` failure. */
export function tooLargeResult(event: WorkerEventInput, detail: string): WorkerResult {
  const url = event.urls[0] ?? '';
  return {
    runId: event.runId,
    chunkId: event.chunkId,
    outcomes: [
      {
        url,
        ok: false,
        error: { kind: 'too-large', message: `the request for this page (its URL and the run's options) exceeds Lambda's 6 MB request limit: ${detail}` },
        attempts: 0,
      },
    ],
    unstarted: [],
    stats: { ok: 0, failed: 1, bytes: 0, ms: 0 },
  };
}

function sum<T>(items: T[], pick: (item: T) => number): number {
  return items.reduce((total, item) => total + pick(item), 0);
}
