/**
 * Runs chunks on AWS Lambda: one synchronous `InvokeCommand` per chunk through one `LambdaClient`.
 *
 * - Retries belong to the orchestrator (run.ts), so the SDK makes exactly one attempt (`maxAttempts: 1`)
 *   and every failure comes back as an {@link InvokeError} with a reason run.ts can decide on.
 * - The HTTP agent is sized to the fan-out: the SDK's default of 50 sockets would silently queue invokes.
 * - Throttling (429) halves the invokes in flight (AIMD, see lambda-aimd.ts) instead of burning retries.
 * - A chunk whose request or response passes Lambda's 6 MB payload limit is split in halves and the
 *   halves' results merged, transparently to run.ts and with no bucket or worker change.
 */
import http from 'node:http';
import https from 'node:https';
import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import type { AwsCredentialIdentity } from '@aws-sdk/types';
import type { WorkerEventInput, WorkerResult } from '../../core/contract';
import { InvokeError, type Invoker } from '../invoker';
import type { Release } from '../../core/semaphore';
import { AimdLimiter, LimiterAbortedError } from './lambda-aimd';
import { classifyInvokeOutput, classifySdkError, type InvokeVerdict } from './lambda-errors';
import { resolveFunctionName } from './lambda-function-name';
import { DEFAULT_LAMBDA_CONCURRENCY } from '../../core/run-control';
import { mergeResults, splitEvent, tooLargeResult } from './lambda-split';

export { DEFAULT_LAMBDA_CONCURRENCY } from '../../core/run-control';

export interface LambdaInvokerOptions {
  /** Worker function name or ARN. */
  functionName: string;
  /** @default the standard AWS chain (AWS_REGION, profile config) */
  region?: string;
  /** Shared-config profile. @default the standard AWS chain (AWS_PROFILE) */
  profile?: string;
  /** Override the Lambda endpoint, e.g. a local emulator `http://127.0.0.1:PORT`. */
  endpoint?: string;
  /** Explicit credentials (tests, emulators). @default the standard AWS chain */
  credentials?: AwsCredentialIdentity;
  /** Most invokes in flight; throttling lowers the effective limit below this. @default 100 */
  concurrency?: number;
  /** Throttles within this window of a decrease count once. @default 1000 */
  throttleCooldownMs?: number;
}

/** What the invoker did, for progress lines and benchmarks. */
export interface LambdaInvokerStats {
  invokes: number;
  throttles: number;
  splits: number;
  /** The AIMD limit now. */
  limit: number;
}

export class LambdaInvoker implements Invoker {
  readonly capacity: number;
  readonly functionName: string;
  private readonly client: LambdaClient;
  private readonly limiter: AimdLimiter;
  private readonly counters = { invokes: 0, throttles: 0, splits: 0 };

  constructor(options: LambdaInvokerOptions) {
    const concurrency = options.concurrency ?? DEFAULT_LAMBDA_CONCURRENCY;
    if (!Number.isInteger(concurrency) || concurrency < 1) throw new RangeError(`concurrency must be an integer >= 1, got ${concurrency}`);
    this.capacity = concurrency;
    this.functionName = options.functionName;
    this.limiter = new AimdLimiter({ max: concurrency, decreaseCooldownMs: options.throttleCooldownMs });
    // A few spare sockets so a socket closing late never makes an invoke wait for the pool.
    const agentOptions = { keepAlive: true, maxSockets: concurrency + 8 };
    this.client = new LambdaClient({
      region: options.region,
      profile: options.profile,
      endpoint: options.endpoint,
      credentials: options.credentials,
      maxAttempts: 1,
      requestHandler: { httpAgent: new http.Agent(agentOptions), httpsAgent: new https.Agent(agentOptions) },
    });
  }

  get stats(): LambdaInvokerStats {
    return { ...this.counters, limit: this.limiter.limit };
  }

  /** Runs one chunk; splits it on a payload-too-large answer. Rejects with InvokeError (or LambdaSetupError). */
  async invoke(event: WorkerEventInput, signal?: AbortSignal): Promise<WorkerResult> {
    const verdict = await this.invokeOnce(event, signal);
    if (verdict.kind === 'result') return verdict.result;
    if (verdict.kind === 'error') throw verdict.error;
    if (event.urls.length <= 1) return tooLargeResult(event, verdict.message);
    this.counters.splits++;
    const halves = splitEvent(event);
    const parts = await Promise.all(halves.map((half) => this.invoke(half, signal)));
    return mergeResults(event, parts);
  }

  async close(): Promise<void> {
    this.client.destroy();
  }

  /** One InvokeCommand holding one limiter slot; the slot is released before any split recurses. */
  private async invokeOnce(event: WorkerEventInput, signal?: AbortSignal): Promise<InvokeVerdict> {
    let release: Release;
    try {
      release = await this.limiter.acquire(signal);
    } catch (error) {
      if (error instanceof LimiterAbortedError) throw new InvokeError('invoke aborted', 'network', event.chunkId, undefined, { cause: error });
      throw error;
    }
    try {
      this.counters.invokes++;
      const output = await this.client.send(
        new InvokeCommand({ FunctionName: this.functionName, InvocationType: 'RequestResponse', Payload: Buffer.from(JSON.stringify(event)) }),
        { abortSignal: signal },
      );
      this.limiter.onSuccess();
      return classifyInvokeOutput(output, event.chunkId);
    } catch (error) {
      if (signal?.aborted) throw new InvokeError('invoke aborted', 'network', event.chunkId, undefined, { cause: error });
      const verdict = classifySdkError(error, event.chunkId, this.functionName);
      if (verdict.kind === 'error' && verdict.error instanceof InvokeError && verdict.error.reason === 'throttled') {
        this.counters.throttles++;
        this.limiter.onThrottle();
      }
      return verdict;
    } finally {
      release();
    }
  }
}

/** What the CLI's `--mode lambda` flags translate to. */
export interface CreateLambdaInvokerOptions extends Omit<LambdaInvokerOptions, 'functionName'> {
  /** `--function`; else FANOUT_FUNCTION, else cdk-outputs.json (see resolveFunctionName). */
  functionName?: string;
  /** Where to look for cdk-outputs.json. @default ./cdk-outputs.json */
  outputsFile?: string;
}

/**
 * @example
 * const invoker = createLambdaInvoker({ functionName: flags.function, region: flags.region,
 *   profile: flags.profile, endpoint: flags.endpoint, concurrency: flags.concurrency });
 */
export function createLambdaInvoker(options: CreateLambdaInvokerOptions = {}): LambdaInvoker {
  const { functionName, outputsFile, ...rest } = options;
  return new LambdaInvoker({ ...rest, functionName: resolveFunctionName({ flag: functionName, outputsFile }) });
}

export { resolveFunctionName, FunctionNameNotFoundError, FUNCTION_NAME_ENV } from './lambda-function-name';
export { LambdaSetupError } from './lambda-errors';
