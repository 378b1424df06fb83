/**
 * Lambda's response streaming in miniature, for tests that mock or emulate InvokeWithResponseStream:
 * run a streaming handler on a PassThrough, as the runtime does, and turn what it writes into the
 * EventStream the SDK yields: one PayloadChunk per write, then InvokeComplete (with the error's type
 * and message as ErrorCode / ErrorDetails if the handler threw, as the runtime's error trailers become).
 */
import { PassThrough } from 'node:stream';
import type { InvokeWithResponseStreamResponseEvent } from '@aws-sdk/client-lambda';
import type { Context } from 'aws-lambda';
import { streamHandler } from '../../functions/worker/handler';
import type { StreamingHandler } from '../../functions/worker/streamify';
import { fakeLambdaRuntime } from './fake-lambda-runtime';

/** The worker's NDJSON stream without the Powertools wrapper (lambda.ts), for tests that read stdout. */
export const ndjsonWorker: StreamingHandler = async (event, responseStream, context) => {
  const line = (message: unknown) => `${JSON.stringify(message)}\n`;
  const end = await streamHandler(event, context, (record) => responseStream.write(line({ type: 'record', record })));
  responseStream.end(line({ type: 'end', ...end }));
};

/** A minimal Lambda context, with the function timeout `timeoutMs` counting from now. */
export function lambdaContext(functionName: string, timeoutMs = 60_000, memoryMb = 1769): Context {
  const deadline = Date.now() + timeoutMs;
  return {
    functionName,
    awsRequestId: `req-${Math.random().toString(36).slice(2)}`,
    memoryLimitInMB: String(memoryMb),
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
  } as unknown as Context;
}

/** The events of one streamed invocation of `handler` with `event`, produced as the handler writes. */
export async function* streamedEvents(handler: StreamingHandler, event: unknown, context: Context): AsyncGenerator<InvokeWithResponseStreamResponseEvent> {
  const stream = new PassThrough();
  const failed = handler(event, stream, context).then(
    () => undefined,
    (error: unknown) => {
      stream.end(); // the runtime closes the stream with error trailers
      return error as { name?: string; message?: string };
    },
  );
  for await (const chunk of stream) yield { PayloadChunk: { Payload: new Uint8Array(chunk as Buffer) } };
  const error = await failed;
  yield { InvokeComplete: error ? { ErrorCode: error.name ?? 'Error', ErrorDetails: error.message ?? String(error) } : {} };
}

/** What a mocked `send(InvokeWithResponseStreamCommand)` resolves with for a streaming `handler`. */
export function streamedInvoke(handler: StreamingHandler, event: unknown, context: Context) {
  return { StatusCode: 200, ExecutedVersion: '$LATEST', EventStream: streamedEvents(handler, event, context), $metadata: {} };
}

/**
 * {@link ndjsonWorker} marked as a streaming handler, as the runtime marks the deployed worker, for
 * the Lambda emulator; `adjust` may change each event first.
 */
export function streamingWorker(adjust: (event: Record<string, unknown>) => unknown = (event) => event): StreamingHandler {
  return fakeLambdaRuntime.streamifyResponse((event, responseStream, context) => ndjsonWorker(adjust(event as Record<string, unknown>), responseStream, context));
}
