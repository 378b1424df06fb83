/**
 * Runs chunks on AWS Lambda: one `InvokeWithResponseStreamCommand` per chunk through one `LambdaClient`.
 * The worker is a response-streaming function; each record it writes reaches `onRecord` as its URL
 * ends (lambda-stream.ts), and a worker that fails mid-chunk has still delivered the records before.
 *
 * - Retries belong to the orchestrator (run.ts), so the SDK makes exactly one attempt (`maxAttempts: 1`)
 *   and every failure comes back as an {@link InvokeError} with a reason run.ts can decide on.
 * - The HTTP agent is sized to the fan-out: the SDK's default of 50 sockets would silently queue invokes.
 * - Throttling (429) halves the invokes in flight (AIMD, see lambda-aimd.ts) instead of burning retries.
 * - Streamed responses may be up to 200 MB, so the response needs no split; a chunk whose *request*
 *   passes Lambda's 6 MB limit is split in halves and the halves' results merged, transparently to run.ts.
 * - `sitemaps` events (invokeSitemaps) go the same way: same client, limiter and error verdicts.
 */
import { InvokeWithResponseStreamCommand, type InvokeWithResponseStreamCommandOutput, type InvokeWithResponseStreamResponseEvent, LambdaClient } from '@aws-sdk/client-lambda';
import type { AwsCredentialIdentity } from '@aws-sdk/types';
import type { Outcome, WorkerEventInput, WorkerResult } from '../../core/contract';
import type { SitemapRecord, SitemapsEnd, SitemapsEventInput } from '../../core/sitemap-contract';
import type { EnvProxySettings } from '../../core/proxy';
import { InvokeError, type Invoker } from '../invoker';
import type { Release } from '../../core/semaphore';
import { AimdLimiter, LimiterAbortedError } from './lambda-aimd';
import { missingProfile } from './aws-profile';
import { lambdaAgents } from './lambda-agents';
import { classifySdkError, LambdaSetupError, type InvokeVerdict } from './lambda-errors';
import { resolveFunctionName } from './lambda-function-name';
import { DEFAULT_LAMBDA_CONCURRENCY } from '../../core/run-control';
import { encodeEvent, mergeResults, splitEvent, tooLargeResult } from './lambda-split';
import { readSitemapsStream, readWorkerStream } from './lambda-stream';

export { DEFAULT_LAMBDA_CONCURRENCY } from '../../core/run-control';

/** SDK errors a named profile that does not exist ends in: the SDK itself never says the profile is missing. */
const PROFILE_SYMPTOMS = new Set(['CredentialsProviderError', 'RegionMissing']);

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
  /** The proxy for the SDK's own calls: the standard environment as the CLI read it. @default none (direct) */
  proxy?: EnvProxySettings;
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
  private readonly profile: string | undefined;
  private readonly client: LambdaClient;
  private readonly limiter: AimdLimiter;
  private readonly counters = { invokes: 0, throttles: 0, splits: 0 };

  constructor(options: LambdaInvokerOptions) {
    const concurrency = options.concurrency ?? DEFAULT_LAMBDA_CONCURRENCY;
    if (!Number.isInteger(concurrency) || concurrency < 1) throw new RangeError(`concurrency must be an integer >= 1, got ${concurrency}`);
    this.capacity = concurrency;
    this.functionName = options.functionName;
    this.profile = options.profile;
    this.limiter = new AimdLimiter({ max: concurrency, decreaseCooldownMs: options.throttleCooldownMs });
    this.client = new LambdaClient({
      region: options.region,
      profile: options.profile,
      endpoint: options.endpoint,
      credentials: options.credentials,
      maxAttempts: 1,
      // A few spare sockets so a socket closing late never makes an invoke wait for the pool.
      requestHandler: lambdaAgents(concurrency + 8, options.proxy),
    });
  }

  get stats(): LambdaInvokerStats {
    return { ...this.counters, limit: this.limiter.limit };
  }

  /**
   * Runs one chunk, handing each record to `onRecord` as it streams in (without `onRecord`, the
   * records come back in the result). Splits a chunk whose request is over 6 MB.
   * Rejects with InvokeError (or LambdaSetupError, WorkerRefusedError) once no more records can arrive.
   */
  async invoke(event: WorkerEventInput, signal?: AbortSignal, onRecord?: (record: Outcome) => void): Promise<WorkerResult> {
    const collected: Outcome[] = [];
    const result = await this.run(event, signal, onRecord ?? ((record) => collected.push(record)));
    return onRecord ? result : { ...result, outcomes: collected };
  }

  async close(): Promise<void> {
    this.client.destroy();
  }

  /** `event` in one call, or split in halves while its request is too large; the result's records went to `deliver`. */
  private async run(event: WorkerEventInput, signal: AbortSignal | undefined, deliver: (record: Outcome) => void): Promise<WorkerResult> {
    const { payload, fits } = encodeEvent(event);
    const verdict = fits
      ? await this.invokeOnce(event.chunkId, payload, signal, async (events) => ({ ...(await readWorkerStream(events, event.chunkId, deliver)), outcomes: [] }))
      : ({ kind: 'too-large', message: `${payload.byteLength} bytes` } as const);
    if (verdict.kind === 'result') return verdict.result;
    if (verdict.kind === 'error') throw verdict.error;
    if (event.urls.length <= 1) {
      const { outcomes, ...rest } = tooLargeResult(event, verdict.message);
      outcomes.forEach(deliver);
      return { ...rest, outcomes: [] };
    }
    this.counters.splits++;
    // Both halves settle before the chunk does, so no record arrives after invoke() has settled.
    const halves = await Promise.allSettled(splitEvent(event).map((half) => this.run(half, signal, deliver)));
    const failed = halves.find((h) => h.status === 'rejected');
    if (failed) throw failed.reason;
    return mergeResults(
      event,
      halves.map((h) => (h as PromiseFulfilledResult<WorkerResult>).value),
    );
  }

  /** `verdict`, or AwsProfileNotFoundError when it comes of a named profile (option or AWS_PROFILE) that is not defined. */
  private explainProfile(verdict: InvokeVerdict, error: unknown): InvokeVerdict {
    if (verdict.kind !== 'error' || !(verdict.error instanceof LambdaSetupError) || !PROFILE_SYMPTOMS.has(verdict.error.awsCode)) return verdict;
    const missing = missingProfile(this.profile, process.env, error);
    return missing ? { kind: 'error', error: missing } : verdict;
  }

  /**
   * Fetches sitemap files in one streamed invoke, through the same limiter, error classification
   * and stream framing as a chunk. A `sitemaps` event names at most 1,000 URLs, far below the 6 MB
   * request limit, so it is never split.
   */
  async invokeSitemaps(event: SitemapsEventInput, signal: AbortSignal | undefined, onRecord: (record: SitemapRecord) => void): Promise<SitemapsEnd> {
    const payload = Buffer.from(JSON.stringify(event));
    const verdict = await this.invokeOnce(event.chunkId, payload, signal, (events) => readSitemapsStream(events, event.chunkId, onRecord));
    if (verdict.kind === 'result') return verdict.result;
    if (verdict.kind === 'error') throw verdict.error;
    throw new InvokeError(`the sitemaps event is over Lambda's request limit: ${verdict.message}`, 'bad-response', event.chunkId);
  }

  /** One streamed invoke holding one limiter slot until its stream is over; the slot is released before any split recurses. */
  private async invokeOnce<T>(
    chunkId: string,
    payload: Uint8Array,
    signal: AbortSignal | undefined,
    read: (events: AsyncIterable<InvokeWithResponseStreamResponseEvent>) => Promise<T>,
  ): Promise<InvokeVerdict | { kind: 'result'; result: T }> {
    let release: Release;
    try {
      release = await this.limiter.acquire(signal);
    } catch (error) {
      if (error instanceof LimiterAbortedError) throw new InvokeError('invoke aborted', 'network', chunkId, undefined, { cause: error });
      throw error;
    }
    // Our own controller, so a stream we stop reading (a bad line) is closed, not left running.
    const call = new AbortController();
    const onAbort = () => call.abort(signal?.reason);
    signal?.addEventListener('abort', onAbort, { once: true });
    let complete = false;
    try {
      this.counters.invokes++;
      let output: InvokeWithResponseStreamCommandOutput;
      try {
        output = await this.client.send(new InvokeWithResponseStreamCommand({ FunctionName: this.functionName, InvocationType: 'RequestResponse', Payload: payload }), {
          abortSignal: call.signal,
        });
      } catch (error) {
        if (signal?.aborted) throw new InvokeError('invoke aborted', 'network', chunkId, undefined, { cause: error });
        const verdict = this.explainProfile(classifySdkError(error, chunkId, this.functionName), error);
        if (verdict.kind === 'error' && verdict.error instanceof InvokeError && verdict.error.reason === 'throttled') {
          this.counters.throttles++;
          this.limiter.onThrottle();
        }
        return verdict;
      }
      this.limiter.onSuccess();
      if (!output.EventStream) return { kind: 'error', error: new InvokeError('Lambda answered without an event stream', 'bad-response', chunkId) };
      try {
        const result = await read(output.EventStream);
        complete = true;
        return { kind: 'result', result };
      } catch (error) {
        if (signal?.aborted) throw new InvokeError('invoke aborted', 'network', chunkId, undefined, { cause: error });
        throw error;
      }
    } finally {
      if (!complete) call.abort();
      signal?.removeEventListener('abort', onAbort);
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
export { LambdaSetupError, WorkerRefusedError } from './lambda-errors';
export { AwsProfileNotFoundError } from './aws-profile';
