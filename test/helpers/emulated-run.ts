/**
 * What one emulated invocation produces, as the InvokeWithResponseStream events Lambda would send:
 * a streaming handler's writes as they happen, or a buffered handler's result as one chunk; then
 * InvokeComplete, with an ErrorCode when the handler threw, timed out or was (by injection) killed.
 */
import type { InvokeWithResponseStreamResponseEvent } from '@aws-sdk/client-lambda';
import type { Context } from 'aws-lambda';
import { isStreamingHandler } from './fake-lambda-runtime';
import { streamedEvents } from './streamed-invoke';

export type BufferedHandler = (event: unknown, context: Context) => Promise<unknown>;
type StreamEvent = InvokeWithResponseStreamResponseEvent;

const failed = (ErrorCode: string, ErrorDetails: string): StreamEvent => ({ InvokeComplete: { ErrorCode, ErrorDetails } });
export const timedOut = (timeoutMs: number) => failed('Sandbox.Timedout', `Task timed out after ${(timeoutMs / 1000).toFixed(2)} seconds`);

/** The handler's events, whatever its kind (streaming handlers carry the runtime's streamifyResponse mark). */
export function handlerEvents(handler: unknown, event: unknown, context: Context): AsyncGenerator<StreamEvent> {
  if (isStreamingHandler(handler)) return streamedEvents(handler, event, context);
  return (async function* buffered() {
    let body: string;
    try {
      body = JSON.stringify((await (handler as BufferedHandler)(event, context)) ?? null);
    } catch (error) {
      const e = error as Error;
      yield failed(e?.name ?? 'Error', e?.message ?? String(error));
      return;
    }
    yield { PayloadChunk: { Payload: new Uint8Array(Buffer.from(body)) } };
    yield { InvokeComplete: {} };
  })();
}

/** `events`, cut short by a `Sandbox.Timedout` InvokeComplete once `timeoutMs` has passed. */
export async function* withTimeout(events: AsyncGenerator<StreamEvent>, timeoutMs: number): AsyncGenerator<StreamEvent> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<'timeout'>((resolve) => (timer = setTimeout(() => resolve('timeout'), Math.max(0, deadline - Date.now()))));
    const next = await Promise.race([events.next(), timeout]).finally(() => clearTimeout(timer));
    if (next === 'timeout') {
      yield timedOut(timeoutMs);
      return;
    }
    if (next.done) return;
    yield next.value;
  }
}

/**
 * `events` cut after `lines` complete NDJSON lines, then `onCut()`'s event (if any): what a worker
 * killed mid-chunk looks like. Bytes past the cut (a partial line included) are never sent.
 */
export async function* cutAfterLines(events: AsyncGenerator<StreamEvent>, lines: number, onCut: () => StreamEvent | undefined): AsyncGenerator<StreamEvent> {
  let left = lines;
  for await (const event of events) {
    const payload = event.PayloadChunk?.Payload;
    if (payload === undefined) {
      yield event;
      continue;
    }
    let end = 0;
    while (left > 0 && end < payload.byteLength) {
      const newline = payload.indexOf(0x0a, end);
      if (newline === -1) break;
      end = newline + 1;
      left--;
    }
    if (left > 0) {
      yield event;
      continue;
    }
    if (end > 0) yield { PayloadChunk: { Payload: payload.subarray(0, end) } };
    const last = onCut();
    if (last) yield last;
    return;
  }
}

export const killed = (): StreamEvent => failed('Runtime.ExitError', 'Runtime exited with error: signal: killed');
