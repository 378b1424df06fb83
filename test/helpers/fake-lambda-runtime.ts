/**
 * A stand-in for the `awslambda` global the Node.js Lambda runtime defines, doing what the real one
 * does (aws-lambda-nodejs-runtime-interface-client, src/UserFunction.js): `streamifyResponse` marks
 * the handler with a well-known symbol, and the runtime then calls it `(event, responseStream, context)`.
 */
import type { AwsLambdaRuntime, StreamingHandler } from '../../functions/worker/streamify';

const HANDLER_STREAMING = Symbol.for('aws.lambda.runtime.handler.streaming');
const STREAM_RESPONSE = 'response';

export const fakeLambdaRuntime: AwsLambdaRuntime = {
  streamifyResponse(handler: StreamingHandler): StreamingHandler {
    (handler as unknown as Record<symbol, unknown>)[HANDLER_STREAMING] = STREAM_RESPONSE;
    return handler;
  },
};

/** Whether the runtime would call `handler` as a response-streaming handler. */
export function isStreamingHandler(handler: unknown): handler is StreamingHandler {
  return typeof handler === 'function' && (handler as unknown as Record<symbol, unknown>)[HANDLER_STREAMING] === STREAM_RESPONSE;
}

/** Runs `body` with `globalThis.awslambda` set to the fake, as the runtime sets it before loading the handler module. */
export function withFakeLambdaGlobal<T>(body: () => T): T {
  const global = globalThis as { awslambda?: unknown };
  const before = global.awslambda;
  global.awslambda = fakeLambdaRuntime;
  try {
    return body();
  } finally {
    if (before === undefined) delete global.awslambda;
    else global.awslambda = before;
  }
}
