/**
 * A small emulator of Lambda's Invoke REST APIs on 127.0.0.1, running real handlers in-process, so
 * tests can drive the real AWS SDK (with `endpoint`) end to end:
 *
 * - `POST /2021-11-15/functions/{name}/response-streaming-invocations` (InvokeWithResponseStream):
 *   200 and an `application/vnd.amazon.eventstream` body, framed with the SDK's own codec: one
 *   PayloadChunk per handler write as it happens, then InvokeComplete (with ErrorCode/ErrorDetails
 *   when the handler threw or timed out, or a response passed 200 MB).
 * - `POST /2015-03-31/functions/{name}/invocations` (Invoke): 200 with the payload, or
 *   `X-Amz-Function-Error: Unhandled` and `{ errorType, errorMessage }` (also past 6 MB).
 *
 * Handlers marked by `awslambda.streamifyResponse` (fake-lambda-runtime.ts) stream; others answer at once.
 * Both APIs answer 429 `TooManyRequestsException` with `Retry-After` past a reserved concurrency and
 * 404 for an unknown function. `inject` adds failures on chosen calls.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { InvokeWithResponseStreamResponseEvent } from '@aws-sdk/client-lambda';
import { type BufferedHandler, cutAfterLines, handlerEvents, killed, timedOut, withTimeout } from './emulated-run';
import { EVENT_STREAM_CONTENT_TYPE, encodeStreamEvent } from './event-stream';
import { lambdaContext } from './streamed-invoke';
import type { StreamingHandler } from '../../functions/worker/streamify';

/** A buffered handler `(event, context)`. */
export type EmulatedHandler = BufferedHandler;

export type Injection =
  | { kind: 'function-error'; errorType?: string; errorMessage?: string }
  | { kind: 'timeout' }
  | { kind: 'throttle'; retryAfterSeconds?: number }
  | { kind: 'service-error' }
  /** Wait, then run the handler normally. */
  | { kind: 'delay'; ms: number }
  /** The worker is killed after streaming this many NDJSON lines: InvokeComplete with `Runtime.ExitError`. */
  | { kind: 'crash-after'; lines: number }
  /** The connection drops after this many NDJSON lines, without InvokeComplete. */
  | { kind: 'cut-connection'; lines: number };

export interface EmulatedCall {
  /** 1-based, in arrival order. */
  readonly n: number;
  readonly functionName: string;
  readonly event: unknown;
}

export interface LambdaEmulatorOptions {
  functions: Record<string, EmulatedHandler | StreamingHandler>;
  /** Decide a failure for a call; undefined runs the handler. */
  inject?: (call: EmulatedCall) => Injection | undefined;
  /** Calls running at once beyond this get 429, as reserved concurrency does. @default unlimited */
  reservedConcurrency?: number;
  /** The function timeout the handler sees in `getRemainingTimeInMillis`, and enforced. @default 60000 */
  timeoutMs?: number;
  /** Buffered (Invoke) response limit. @default 6291556 (Lambda's) */
  maxResponseBytes?: number;
  /** Streamed response limit. @default 200 MiB (Lambda's default) */
  maxStreamedBytes?: number;
  /** The memory size the handler sees in `context.memoryLimitInMB` (a string, as Lambda gives it). @default 1769 (the worker's) */
  memoryMb?: number;
}

export interface LambdaEmulator {
  /** `http://127.0.0.1:PORT`, for the SDK's `endpoint`. */
  readonly endpoint: string;
  /** One entry per request: the API, the HTTP status and, for 200s, the function error if any. */
  readonly log: { n: number; api: 'invoke' | 'stream'; functionName: string; status: number; functionError?: string; urls?: number }[];
  /** Most handler runs at once. */
  readonly peakConcurrency: number;
  close(): Promise<void>;
}

/** Lambda's documented synchronous response limit (6 MB plus a little framing). */
export const LAMBDA_MAX_RESPONSE_BYTES = 6_291_556;
/** Lambda's default maximum streamed response. */
export const LAMBDA_MAX_STREAMED_BYTES = 200 * 1024 * 1024;
type StreamEvent = InvokeWithResponseStreamResponseEvent;
/** Not an event: where `cut-connection` drops the socket. */
const CUT = { $unknown: ['cut-connection', null] } as StreamEvent;
const PATH = /^\/(2015-03-31|2021-11-15)\/functions\/([^/]+)\/(invocations|response-streaming-invocations)(?:\?.*)?$/;

export async function startLambdaEmulator(options: LambdaEmulatorOptions): Promise<LambdaEmulator> {
  const timeoutMs = options.timeoutMs ?? 60_000;
  const log: LambdaEmulator['log'] = [];
  let count = 0;
  let running = 0;
  let peak = 0;

  const send = (res: http.ServerResponse, status: number, body: string, headers: Record<string, string> = {}) => {
    res.writeHead(status, { 'content-type': 'application/json', 'x-amzn-requestid': `req-${count}`, ...headers }).end(body);
  };
  const sendError = (res: http.ServerResponse, status: number, type: string, body: Record<string, unknown>, headers: Record<string, string> = {}) =>
    send(res, status, JSON.stringify(body), { 'x-amzn-errortype': type, ...headers });

  /** The invocation's events, with the injection applied. */
  async function* invocation(handler: unknown, event: unknown, n: number, functionName: string, injection: Injection | undefined): AsyncGenerator<StreamEvent> {
    if (injection?.kind === 'function-error') {
      yield { InvokeComplete: { ErrorCode: injection.errorType ?? 'Error', ErrorDetails: injection.errorMessage ?? 'injected failure' } };
      return;
    }
    if (injection?.kind === 'timeout') {
      yield timedOut(timeoutMs);
      return;
    }
    running++;
    peak = Math.max(peak, running);
    try {
      if (injection?.kind === 'delay') await new Promise((r) => setTimeout(r, injection.ms));
      const context = { ...lambdaContext(functionName, timeoutMs, options.memoryMb ?? 1769), awsRequestId: `req-${n}` };
      let events = withTimeout(handlerEvents(handler, event, context), timeoutMs);
      if (injection?.kind === 'crash-after') events = cutAfterLines(events, injection.lines, killed);
      if (injection?.kind === 'cut-connection') events = cutAfterLines(events, injection.lines, () => CUT);
      yield* events;
    } finally {
      running--;
    }
  }

  async function streamResponse(res: http.ServerResponse, entry: LambdaEmulator['log'][number], events: AsyncGenerator<StreamEvent>) {
    const limit = options.maxStreamedBytes ?? LAMBDA_MAX_STREAMED_BYTES;
    let bytes = 0;
    entry.status = 200;
    res.writeHead(200, { 'content-type': EVENT_STREAM_CONTENT_TYPE, 'x-amzn-requestid': `req-${entry.n}`, 'x-amz-executed-version': '$LATEST' });
    for await (let event of events) {
      // A graceful FIN mid-body: the bytes already written arrive, and the unterminated chunked body then fails.
      if (event === CUT) return void res.socket?.end();
      bytes += event.PayloadChunk?.Payload?.byteLength ?? 0;
      if (bytes > limit)
        event = {
          InvokeComplete: { ErrorCode: 'Function.ResponseSizeTooLarge', ErrorDetails: `Response payload size exceeded maximum allowed payload size (${limit} bytes).` },
        };
      if (event.InvokeComplete?.ErrorCode) entry.functionError = event.InvokeComplete.ErrorCode;
      await new Promise<void>((resolve) => res.write(encodeStreamEvent(event), () => resolve()));
      if (event.InvokeComplete) break;
    }
    res.end();
  }

  async function bufferedResponse(res: http.ServerResponse, entry: LambdaEmulator['log'][number], events: AsyncGenerator<StreamEvent>) {
    const limit = options.maxResponseBytes ?? LAMBDA_MAX_RESPONSE_BYTES;
    const chunks: Uint8Array[] = [];
    let complete: { ErrorCode?: string; ErrorDetails?: string } = { ErrorCode: 'Runtime.ExitError', ErrorDetails: 'connection lost' };
    for await (const event of events) {
      if (event.PayloadChunk?.Payload) chunks.push(event.PayloadChunk.Payload);
      if (event.InvokeComplete) complete = event.InvokeComplete;
    }
    const body = Buffer.concat(chunks);
    if (!complete.ErrorCode && body.byteLength > limit) {
      complete = { ErrorCode: 'Function.ResponseSizeTooLarge', ErrorDetails: `Response payload size exceeded maximum allowed payload size (${limit} bytes).` };
    }
    entry.status = 200;
    if (!complete.ErrorCode) return send(res, 200, body.toString('utf8'), { 'x-amz-executed-version': '$LATEST' });
    entry.functionError = complete.ErrorCode;
    send(res, 200, JSON.stringify({ errorType: complete.ErrorCode, errorMessage: complete.ErrorDetails }), {
      'x-amz-function-error': 'Unhandled',
      'x-amz-executed-version': '$LATEST',
    });
  }

  const server = http.createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const n = ++count;
    const match = req.method === 'POST' ? PATH.exec(req.url ?? '') : null;
    const api = match?.[3] === 'response-streaming-invocations' ? 'stream' : 'invoke';
    const functionName = decodeURIComponent(match?.[2] ?? '');
    const handler = options.functions[functionName];
    const entry: LambdaEmulator['log'][number] = { n, api, functionName, status: 0 };
    log.push(entry);
    const reply = (status: number, fn: () => void) => {
      entry.status = status;
      fn();
    };
    if (!handler) {
      return reply(404, () => sendError(res, 404, 'ResourceNotFoundException', { Type: 'User', message: `Function not found: ${functionName}` }));
    }
    let event: unknown;
    try {
      event = JSON.parse(Buffer.concat(chunks).toString('utf8') || 'null');
    } catch {
      return reply(400, () => sendError(res, 400, 'InvalidRequestContentException', { Type: 'User', message: 'Could not parse request body into json' }));
    }
    entry.urls = Array.isArray((event as { urls?: unknown[] })?.urls) ? (event as { urls: unknown[] }).urls.length : undefined;
    const injection = options.inject?.({ n, functionName, event });
    if (injection?.kind === 'throttle' || (options.reservedConcurrency !== undefined && running >= options.reservedConcurrency)) {
      const retryAfter = String(injection?.kind === 'throttle' ? (injection.retryAfterSeconds ?? 1) : 1);
      const body = { Reason: 'ReservedFunctionConcurrentInvocationLimitExceeded', Type: 'User', message: 'Rate Exceeded.' };
      return reply(429, () => sendError(res, 429, 'TooManyRequestsException', body, { 'retry-after': retryAfter }));
    }
    if (injection?.kind === 'service-error') {
      return reply(500, () => sendError(res, 500, 'ServiceException', { Type: 'Service', message: 'Internal failure (injected)' }));
    }
    const events = invocation(handler, event, n, functionName, injection);
    await (api === 'stream' ? streamResponse(res, entry, events) : bufferedResponse(res, entry, events));
  });
  server.keepAliveTimeout = 30_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    log,
    get peakConcurrency() {
      return peak;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
