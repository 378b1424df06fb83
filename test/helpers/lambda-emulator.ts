/**
 * A small emulator of Lambda's Invoke REST API on 127.0.0.1 (`POST /2015-03-31/functions/{name}/invocations`),
 * running real handlers in-process, so tests can drive the real AWS SDK (with `endpoint`) end to end.
 *
 * It answers the way Lambda does: 200 with the payload; 200 with `X-Amz-Function-Error: Unhandled` and
 * `{ errorType, errorMessage }` when the handler throws, times out or answers more than 6 MB; 429
 * `TooManyRequestsException` with `Retry-After` past a reserved concurrency; 404 for an unknown function.
 * `inject` adds failures on chosen calls: function errors, timeouts, throttles, 500s and delays.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Context } from 'aws-lambda';

export type EmulatedHandler = (event: unknown, context: Context) => Promise<unknown>;

export type Injection =
  | { kind: 'function-error'; errorType?: string; errorMessage?: string }
  | { kind: 'timeout' }
  | { kind: 'throttle'; retryAfterSeconds?: number }
  | { kind: 'service-error' }
  /** Wait, then run the handler normally. */
  | { kind: 'delay'; ms: number };

export interface EmulatedCall {
  /** 1-based, in arrival order. */
  readonly n: number;
  readonly functionName: string;
  readonly event: unknown;
}

export interface LambdaEmulatorOptions {
  functions: Record<string, EmulatedHandler>;
  /** Decide a failure for a call; undefined runs the handler. */
  inject?: (call: EmulatedCall) => Injection | undefined;
  /** Calls running at once beyond this get 429, as reserved concurrency does. @default unlimited */
  reservedConcurrency?: number;
  /** The function timeout the handler sees in `getRemainingTimeInMillis`, and enforced. @default 60000 */
  timeoutMs?: number;
  /** Response payload limit. @default 6291556 (Lambda's) */
  maxResponseBytes?: number;
  /** The memory size the handler sees in `context.memoryLimitInMB` (a string, as Lambda gives it). @default 1769 (the worker's) */
  memoryMb?: number;
}

export interface LambdaEmulator {
  /** `http://127.0.0.1:PORT`, for the SDK's `endpoint`. */
  readonly endpoint: string;
  /** One entry per request, with the HTTP status and, for 200s, the function error if any. */
  readonly log: { n: number; functionName: string; status: number; functionError?: string; urls?: number }[];
  /** Most handler runs at once. */
  readonly peakConcurrency: number;
  close(): Promise<void>;
}

/** Lambda's documented synchronous response limit (6 MB plus a little framing). */
export const LAMBDA_MAX_RESPONSE_BYTES = 6_291_556;
const PATH = /^\/2015-03-31\/functions\/([^/]+)\/invocations(?:\?.*)?$/;

export async function startLambdaEmulator(options: LambdaEmulatorOptions): Promise<LambdaEmulator> {
  const timeoutMs = options.timeoutMs ?? 60_000;
  const maxResponseBytes = options.maxResponseBytes ?? LAMBDA_MAX_RESPONSE_BYTES;
  const log: LambdaEmulator['log'] = [];
  let count = 0;
  let running = 0;
  let peak = 0;

  const send = (res: http.ServerResponse, status: number, body: string, headers: Record<string, string> = {}) => {
    res.writeHead(status, { 'content-type': 'application/json', 'x-amzn-requestid': `req-${count}`, ...headers }).end(body);
  };
  const sendError = (res: http.ServerResponse, status: number, type: string, body: Record<string, unknown>, headers: Record<string, string> = {}) =>
    send(res, status, JSON.stringify(body), { 'x-amzn-errortype': type, ...headers });

  const server = http.createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const n = ++count;
    const match = req.method === 'POST' ? PATH.exec(req.url ?? '') : null;
    const functionName = decodeURIComponent(match?.[1] ?? '');
    const handler = options.functions[functionName];
    const entry: LambdaEmulator['log'][number] = { n, functionName, status: 0 };
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
      return reply(429, () =>
        sendError(
          res,
          429,
          'TooManyRequestsException',
          { Reason: 'ReservedFunctionConcurrentInvocationLimitExceeded', Type: 'User', message: 'Rate Exceeded.' },
          { 'retry-after': retryAfter },
        ),
      );
    }
    if (injection?.kind === 'service-error') {
      return reply(500, () => sendError(res, 500, 'ServiceException', { Type: 'Service', message: 'Internal failure (injected)' }));
    }
    const functionError = (errorType: string, errorMessage: string) =>
      reply(200, () => {
        entry.functionError = errorType;
        send(res, 200, JSON.stringify({ errorType, errorMessage }), { 'x-amz-function-error': 'Unhandled', 'x-amz-executed-version': '$LATEST' });
      });
    if (injection?.kind === 'function-error') return functionError(injection.errorType ?? 'Error', injection.errorMessage ?? 'injected failure');
    if (injection?.kind === 'timeout') return functionError('Sandbox.Timedout', `Task timed out after ${(timeoutMs / 1000).toFixed(2)} seconds`);

    running++;
    peak = Math.max(peak, running);
    try {
      if (injection?.kind === 'delay') await new Promise((r) => setTimeout(r, injection.ms));
      const deadline = Date.now() + timeoutMs;
      const context = {
        functionName,
        awsRequestId: `req-${n}`,
        memoryLimitInMB: String(options.memoryMb ?? 1769),
        getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
      } as unknown as Context;
      let timer: NodeJS.Timeout | undefined;
      const timedOut = new Promise<'timeout'>((resolve) => (timer = setTimeout(() => resolve('timeout'), timeoutMs)));
      const outcome = await Promise.race([handler(event, context).then((value) => ({ value })), timedOut]).finally(() => clearTimeout(timer));
      if (outcome === 'timeout') return functionError('Sandbox.Timedout', `Task timed out after ${(timeoutMs / 1000).toFixed(2)} seconds`);
      const body = JSON.stringify(outcome.value ?? null);
      if (Buffer.byteLength(body) > maxResponseBytes) {
        return functionError('Function.ResponseSizeTooLarge', `Response payload size exceeded maximum allowed payload size (${maxResponseBytes} bytes).`);
      }
      reply(200, () => send(res, 200, body, { 'x-amz-executed-version': '$LATEST' }));
    } catch (error) {
      const e = error as Error;
      functionError(e?.name ?? 'Error', e?.message ?? String(error));
    } finally {
      running--;
    }
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
