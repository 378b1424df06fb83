/**
 * Test data for the Lambda invoker tests: worker events and the results a worker would return.
 */
import type { Outcome, WorkerEventInput, WorkerResult } from '../../core/contract';

export function makeEvent(urls: string[], overrides: Partial<WorkerEventInput> = {}): WorkerEventInput {
  return { runId: 'run-1', chunkId: 'c1', urls, options: { allowPrivate: true }, ...overrides };
}

export function urlsOf(n: number, origin = 'http://127.0.0.1:9'): string[] {
  return Array.from({ length: n }, (_, i) => `${origin}/page/${i}`);
}

/** A success outcome for `url`, with `linkBytes` of links so tests can make records of a chosen size. */
export function okOutcome(url: string, linkBytes = 0): Outcome {
  const links: string[] = [];
  for (let size = 0; size < linkBytes; size += 100) links.push(`${url}/${'x'.repeat(90)}`);
  return { url, ok: true, finalUrl: url, status: 200, contentType: 'text/html', bytes: 10, ms: 1, title: `T ${url}`, description: null, links, attempts: 1 };
}

/** What a worker would answer for `event`: one success per URL. */
export function resultFor(event: WorkerEventInput, linkBytes = 0): WorkerResult {
  return {
    runId: event.runId,
    chunkId: event.chunkId,
    outcomes: event.urls.map((u) => okOutcome(u, linkBytes)),
    unstarted: [],
    stats: { ok: event.urls.length, failed: 0, bytes: 10 * event.urls.length, ms: 5 },
  };
}

/** Lambda's synchronous response limit, as the real service enforces it. */
export const LAMBDA_RESPONSE_LIMIT_BYTES = 6 * 1024 * 1024;
