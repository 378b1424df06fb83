/**
 * Test data for the Lambda invoker tests: worker events, the results a worker would return, and
 * those results as the event stream InvokeWithResponseStream answers with.
 */
import type { InvokeWithResponseStreamResponseEvent } from '@aws-sdk/client-lambda';
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

/** The NDJSON a streaming worker writes for `result`: one record line per outcome, then the end line. */
export function ndjsonOf(result: WorkerResult): Buffer {
  const { outcomes, ...end } = result;
  const lines = [...outcomes.map((record) => ({ type: 'record', record })), { type: 'end', ...end }];
  return Buffer.from(lines.map((line) => `${JSON.stringify(line)}\n`).join(''));
}

/** `bytes` cut into PayloadChunk events of `size` bytes (cuts fall anywhere: inside lines and UTF-8 characters). */
export function payloadChunks(bytes: Uint8Array, size = 64 * 1024): InvokeWithResponseStreamResponseEvent[] {
  const events: InvokeWithResponseStreamResponseEvent[] = [];
  for (let at = 0; at < bytes.byteLength; at += size) events.push({ PayloadChunk: { Payload: bytes.subarray(at, at + size) } });
  return events;
}

/** What InvokeWithResponseStream resolves with: a 200 and an EventStream that yields `events` (awaiting any promise among them). */
export function streamedOutput(events: (InvokeWithResponseStreamResponseEvent | Promise<unknown> | Error)[]) {
  async function* stream(): AsyncGenerator<InvokeWithResponseStreamResponseEvent> {
    for (const event of events) {
      if (event instanceof Error) throw event;
      if (event instanceof Promise) await event;
      else yield event;
    }
  }
  return { StatusCode: 200, EventStream: stream(), $metadata: {} };
}

/** A worker's whole streamed answer for `result`: its NDJSON in chunks, then a clean InvokeComplete. */
export function streamedResult(result: WorkerResult, chunkSize?: number) {
  return streamedOutput([...payloadChunks(ndjsonOf(result), chunkSize), { InvokeComplete: {} }]);
}
