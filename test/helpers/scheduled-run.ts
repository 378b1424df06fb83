/**
 * What the scheduled-run tests give `orchestrate` in place of AWS: an in-memory ObjectStore with S3's
 * conditional writes (the S3ObjectStore adapter is a thin mapping, tested on its own), and one
 * invocation's dependencies with workers run through the real LambdaInvoker against an emulator.
 * The time budget runs on a virtual clock that each chunk start moves on by CHUNK_MS, so an
 * invocation hands over after the same number of chunk starts however busy the machine is.
 */
import type { WorkerEventInput } from '../../core/contract';
import type { ContinueInput } from '../../core/schedule-input';
import { PreconditionFailedError, type ObjectStore, type PutCondition } from '../../functions/scheduled-run/object-store';
import { HANDOVER_MARGIN_MS, type OrchestrateDeps } from '../../functions/scheduled-run/orchestrate';
import type { Invoker } from '../../orchestrator/invoker';
import { LambdaInvoker } from '../../orchestrator/invokers/lambda';
import { VirtualClock } from './virtual-clock';

export class MemoryStore implements ObjectStore {
  readonly objects = new Map<string, { body: string; etag: string }>();
  /** Binary objects (putBytes), apart so that `objects` stays text. */
  readonly binaries = new Map<string, { bytes: Uint8Array; etag: string }>();
  private version = 0;
  async get(key: string) {
    return this.objects.get(key);
  }
  async put(key: string, body: string, condition: PutCondition = {}) {
    const etag = this.check(key, condition);
    this.objects.set(key, { body, etag });
    return etag;
  }
  async getBytes(key: string) {
    return this.binaries.get(key);
  }
  async putBytes(key: string, bytes: Uint8Array, condition: PutCondition = {}) {
    const etag = this.check(key, condition);
    this.binaries.set(key, { bytes: Uint8Array.from(bytes), etag });
    return etag;
  }
  /** S3's conditions; the etag for the new version. */
  private check(key: string, condition: PutCondition): string {
    const current = this.objects.get(key) ?? this.binaries.get(key);
    if (condition.ifNoneMatch === '*' && current) throw new PreconditionFailedError(key);
    if (condition.ifMatch !== undefined && current?.etag !== condition.ifMatch) throw new PreconditionFailedError(key);
    return `"v${++this.version}"`;
  }
  async concat(keys: readonly string[], target: string) {
    await this.put(target, keys.map((k) => this.objects.get(k)!.body).join(''));
  }
}

/** Virtual time each chunk start spends of an invocation's budget. */
export const CHUNK_MS = 100;

/** `invoker`, each chunk start first moving `clock` on by CHUNK_MS (and so firing the budget's timers). */
function charging(invoker: Invoker, clock: VirtualClock): Invoker {
  return {
    capacity: invoker.capacity,
    invoke: (event: WorkerEventInput, signal?: AbortSignal) => {
      clock.advance(CHUNK_MS);
      return invoker.invoke(event, signal);
    },
    close: () => invoker.close(),
  };
}

export interface InvocationOptions {
  /** The Lambda emulator workers run on. */
  endpoint: string;
  /** @default 0: the chunks in flight at the stop are cancelled */
  workerTimeoutMs?: number;
  /** @default 'worker' */
  functionName?: string;
  /** The stack's allowPrivate switch. @default true (the tests scrape loopback sites) */
  allowPrivate?: boolean;
}

/**
 * One invocation's dependencies: `scrapeMs` of virtual time to start chunks in (CHUNK_MS per
 * start), then `workerTimeoutMs` more before chunks in flight are cancelled, then the handover
 * margin. Continuations it sends are pushed onto `sent`.
 */
export function invocationDeps(
  store: MemoryStore,
  sent: ContinueInput[],
  scrapeMs: number,
  requestId: string,
  { endpoint, workerTimeoutMs = 0, functionName = 'worker', allowPrivate = true }: InvocationOptions,
): OrchestrateDeps {
  const clock = new VirtualClock();
  const budgetMs = HANDOVER_MARGIN_MS + workerTimeoutMs + scrapeMs;
  return {
    store,
    createInvoker: (concurrency) =>
      charging(new LambdaInvoker({ functionName, region: 'us-east-1', endpoint, credentials: { accessKeyId: 'a', secretAccessKey: 'b' }, concurrency }), clock),
    remainingMs: () => budgetMs - clock.now(),
    setTimer: clock.setTimer,
    workerTimeoutMs,
    continueWith: async (event) => void sent.push(event),
    requestId,
    allowPrivate,
    now: () => new Date('2025-01-02T03:04:05.678Z'),
  };
}
