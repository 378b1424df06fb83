/**
 * Pure translation of what Lambda's InvokeWithResponseStream API answers into the orchestrator's
 * terms: an {@link InvokeError} with a reason the run can retry on, a "too large" verdict that the
 * invoker handles by splitting the chunk, or a {@link LambdaSetupError} when no retry can help.
 */
import { InvokeError } from '../invoker';
import { FanoutError } from '../../core/errors';

/** A problem no retry can fix (no such function, access denied, no credentials): the run should stop. */
export class LambdaSetupError extends FanoutError {
  override readonly name = 'LambdaSetupError';
  readonly code = 'FANOUT_LAMBDA_SETUP';
  override readonly userFacing = true;
  constructor(
    message: string,
    readonly functionName: string,
    /** The AWS error name, or `RegionMissing`. */
    readonly awsCode: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/**
 * The deployed worker refused the chunk for a reason no retry can change: its stack forbids what
 * the event asks for (allowPrivate). The run should stop and say how to change the deployment.
 */
export class WorkerRefusedError extends FanoutError {
  override readonly name = 'WorkerRefusedError';
  readonly code = 'FANOUT_WORKER_REFUSED';
  override readonly userFacing = true;
  constructor(
    message: string,
    readonly chunkId: string,
    /** The worker's error name, e.g. `PrivateNetworkForbiddenError`. */
    readonly errorType: string,
  ) {
    super(message);
  }
}

/**
 * Worker errors that refuse the event rather than fail on it, by the name the error sets (not the
 * class's: the worker's bundle is minified). core/deploy.ts PrivateNetworkForbiddenError.
 */
const REFUSAL_NAMES = new Set(['PrivateNetworkForbiddenError']);

/** What `InvokeComplete` says when the function failed mid-stream (the SDK's InvokeWithResponseStreamCompleteEvent). */
export interface StreamCompleteLike {
  ErrorCode?: string;
  ErrorDetails?: string;
}

/** What the invoker does about a failed InvokeWithResponseStream call. */
export type InvokeVerdict =
  /** The request passed Lambda's 6 MB synchronous request limit: split the chunk. */
  { kind: 'too-large'; message: string } | { kind: 'error'; error: Error };

/** Throttled by Lambda (or by the EC2/ENI capacity behind it): retry later at a lower rate. */
const THROTTLE_NAMES = new Set(['TooManyRequestsException', 'EC2ThrottledException', 'ThrottlingException']);
/** Lambda's own transient failures: the call may not have reached the worker. */
const TRANSIENT_NAMES = new Set([
  'ServiceException',
  'ResourceNotReadyException',
  'ResourceConflictException',
  'EFSIOException',
  'ENILimitReachedException',
  'SubnetIPAddressLimitReachedException',
]);
const SETUP_NAMES = new Set([
  'ResourceNotFoundException',
  'AccessDeniedException',
  'UnrecognizedClientException',
  'InvalidSignatureException',
  'ExpiredTokenException',
  'CredentialsProviderError',
  'InvalidParameterValueException',
  'InvalidRequestContentException',
  'KMSAccessDeniedException',
]);

/**
 * The InvokeError for an `InvokeComplete` event that carries an `ErrorCode`: the function raised,
 * exited or timed out after streaming part of its answer. `ErrorDetails` is the error's message,
 * or the runtime's `{ errorType, errorMessage }` document. A refusal (REFUSAL_NAMES) is a
 * {@link WorkerRefusedError} instead: the run stops rather than retry the chunk.
 */
export function classifyStreamError(complete: StreamCompleteLike, chunkId: string): InvokeError | WorkerRefusedError {
  const type = complete.ErrorCode ?? 'Error';
  const details = parseJson(complete.ErrorDetails ?? '') as { errorMessage?: unknown; errorType?: unknown } | undefined;
  const message = typeof details?.errorMessage === 'string' ? details.errorMessage : complete.ErrorDetails || type;
  const errorType = typeof details?.errorType === 'string' ? details.errorType : type;
  if (REFUSAL_NAMES.has(errorType)) return new WorkerRefusedError(message, chunkId, errorType);
  // Lambda reports a timeout as `Task timed out after N seconds` (type Sandbox.Timedout on newer runtimes).
  if (/Task timed out/i.test(message) || /Timedout/i.test(type)) return new InvokeError(`worker timed out: ${message}`, 'timeout', chunkId);
  return new InvokeError(`worker failed: ${type}: ${message}`, 'crashed', chunkId);
}

/** Translates an exception thrown by `LambdaClient.send(InvokeWithResponseStreamCommand)` (before any stream). */
export function classifySdkError(error: unknown, chunkId: string, functionName: string): InvokeVerdict {
  const name = (error as { name?: string } | null)?.name ?? 'Error';
  const message = (error as { message?: string } | null)?.message ?? String(error);
  const status = (error as { $metadata?: { httpStatusCode?: number } } | null)?.$metadata?.httpStatusCode;
  if (name === 'RequestTooLargeException' || status === 413) return { kind: 'too-large', message };
  if (THROTTLE_NAMES.has(name) || status === 429) {
    const e = error as { retryAfterSeconds?: string; Reason?: string };
    const seconds = Number(e.retryAfterSeconds);
    const retryAfterMs = Number.isFinite(seconds) && seconds > 0 ? seconds * 1000 : undefined;
    const reason = e.Reason ? ` (${e.Reason})` : '';
    return { kind: 'error', error: new InvokeError(`throttled by Lambda${reason}: ${message}`, 'throttled', chunkId, retryAfterMs, { cause: error }) };
  }
  // The SDK throws a plain Error before any request when it has no region: no retry can help.
  if (message === 'Region is missing') {
    return {
      kind: 'error',
      error: new LambdaSetupError(`no AWS region for ${functionName}: pass --region, set AWS_REGION, or set a region in your AWS profile`, functionName, 'RegionMissing', {
        cause: error,
      }),
    };
  }
  if (name === 'CredentialsProviderError') {
    return {
      kind: 'error',
      error: new LambdaSetupError(`no AWS credentials to invoke ${functionName} (${message}): run aws configure or aws sso login, or pass --profile`, functionName, name, {
        cause: error,
      }),
    };
  }
  if (SETUP_NAMES.has(name) || status === 403 || status === 404) {
    return { kind: 'error', error: new LambdaSetupError(`cannot invoke ${functionName}: ${name}: ${message}`, functionName, name, { cause: error }) };
  }
  if (TRANSIENT_NAMES.has(name) || (status !== undefined && status >= 500)) {
    return { kind: 'error', error: new InvokeError(`Lambda service error: ${name}: ${message}`, 'network', chunkId, undefined, { cause: error }) };
  }
  // Anything else (ECONNRESET, ECONNREFUSED, socket timeouts, TLS) never produced an answer.
  return { kind: 'error', error: new InvokeError(`invoke failed: ${name}: ${message}`, 'network', chunkId, undefined, { cause: error }) };
}

function parseJson(text: string): unknown {
  if (text === '') return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
