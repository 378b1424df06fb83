/**
 * The one place that touches the Node.js Lambda runtime's `awslambda` global. The runtime defines it
 * before it loads the handler module; `streamifyResponse(handler)` marks the handler so the runtime
 * calls it as `(event, responseStream, context)` and sends what it writes as the response stream.
 * Plain Node (tests, local mode) has no such global, so {@link streamify} is guarded and takes the
 * runtime as a parameter: tests pass a fake that behaves as the real one does.
 */
import type { Writable } from 'node:stream';
import type { Context } from 'aws-lambda';

/** A response-streaming handler, as the runtime calls it once wrapped. */
export type StreamingHandler = (event: unknown, responseStream: Writable, context: Context) => Promise<void>;

/** The part of the runtime's `awslambda` global that fanout uses. */
export interface AwsLambdaRuntime {
  streamifyResponse(handler: StreamingHandler, options?: { highWaterMark?: number }): StreamingHandler;
}

/** The runtime's `awslambda` global, or undefined outside Lambda. */
export function lambdaRuntime(): AwsLambdaRuntime | undefined {
  const runtime = (globalThis as unknown as { awslambda?: Partial<AwsLambdaRuntime> }).awslambda;
  return typeof runtime?.streamifyResponse === 'function' ? (runtime as AwsLambdaRuntime) : undefined;
}

/**
 * `handler` wrapped with `runtime.streamifyResponse`, or `handler` itself where there is no runtime
 * (it still has the streaming signature: call it with a Writable).
 *
 * @example
 * export const handler = streamify(streamChunk); // lambdaRuntime() at module load, as the runtime expects
 */
export function streamify(handler: StreamingHandler, runtime: AwsLambdaRuntime | undefined = lambdaRuntime()): StreamingHandler {
  return runtime ? runtime.streamifyResponse(handler) : handler;
}

/**
 * Throws unless `value` is a writable stream. A handler deployed without `streamifyResponse` is called
 * `(event, context, callback)`: its second argument is then the context, and writing records to it
 * would lose them silently, so say what is wrong instead.
 */
export function assertResponseStream(value: unknown): asserts value is Writable {
  const stream = value as Partial<Writable> | null;
  if (typeof stream?.write !== 'function' || typeof stream.end !== 'function') {
    throw new TypeError(
      'the worker was called without a response stream: it must be deployed as a response-streaming handler (awslambda.streamifyResponse) and invoked with InvokeWithResponseStream',
    );
  }
}
