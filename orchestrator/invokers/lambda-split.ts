/**
 * Pure helpers for keeping a chunk's outcomes under Lambda's 6 MB synchronous payload limit:
 * split a chunk's URLs in halves, merge the halves' results back into one result for the chunk,
 * and, for a single URL whose record alone is too large, a failure outcome that says so.
 */
import type { WorkerEventInput, WorkerResult } from '../../core/contract';

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
    },
  };
}

/** The result for a one-URL chunk whose record alone passed the response limit: a `too-large` failure. */
export function tooLargeResult(event: WorkerEventInput, detail: string): WorkerResult {
  const url = event.urls[0] ?? '';
  return {
    runId: event.runId,
    chunkId: event.chunkId,
    outcomes: [
      {
        url,
        ok: false,
        error: { kind: 'too-large', message: `the record for this page exceeds Lambda's 6 MB response limit: ${detail}` },
        attempts: 1,
      },
    ],
    unstarted: [],
    stats: { ok: 0, failed: 1, bytes: 0, ms: 0 },
  };
}

function sum<T>(items: T[], pick: (item: T) => number): number {
  return items.reduce((total, item) => total + pick(item), 0);
}
