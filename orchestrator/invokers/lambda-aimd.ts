import { FanoutError } from '../../core/errors';

/**
 * An AIMD concurrency limiter: the number of Lambda invokes allowed in flight grows by about one
 * per window of successes (additive increase) and halves on throttling (multiplicative decrease),
 * as TCP congestion control does. Throttling then slows the fan-out down instead of burning retries.
 */
import { Semaphore, type Release } from '../../core/semaphore';

export interface AimdOptions {
  /** The most calls in flight; the limit starts here. */
  max: number;
  /** The limit never drops below this. @default 1 */
  min?: number;
  /** Factor applied to the limit on throttling. @default 0.5 */
  decreaseFactor?: number;
  /**
   * Throttles within this window of a decrease count as the same congestion event, so a burst of
   * 429s from calls already in flight halves the limit once, not once per call. @default 1000
   */
  decreaseCooldownMs?: number;
  /** Clock, for tests. @default Date.now */
  now?: () => number;
}

/** {@link AimdLimiter.acquire} was aborted before a slot was free; `cause` is the signal's reason. */
export class LimiterAbortedError extends FanoutError {
  override readonly name = 'LimiterAbortedError';
  readonly code = 'FANOUT_LIMITER_ABORTED';
}

/**
 * The AIMD rule around a {@link Semaphore}: the semaphore queues and hands out the slots, this
 * class only decides how many there are.
 */
export class AimdLimiter {
  private readonly max: number;
  private readonly min: number;
  private readonly decreaseFactor: number;
  private readonly decreaseCooldownMs: number;
  private readonly now: () => number;
  /** Fractional, so additive increase can add 1/limit per success; slots are its floor. */
  private currentLimit: number;
  private lastDecreaseAt = Number.NEGATIVE_INFINITY;
  private readonly slots: Semaphore;

  constructor(options: AimdOptions) {
    if (!Number.isInteger(options.max) || options.max < 1) throw new RangeError(`max must be an integer >= 1, got ${options.max}`);
    this.max = options.max;
    this.min = Math.min(options.min ?? 1, this.max);
    this.decreaseFactor = options.decreaseFactor ?? 0.5;
    this.decreaseCooldownMs = options.decreaseCooldownMs ?? 1_000;
    this.now = options.now ?? Date.now;
    this.currentLimit = this.max;
    this.slots = new Semaphore(this.max);
  }

  /** Calls allowed in flight now (an integer between `min` and `max`). */
  get limit(): number {
    return this.slots.limit;
  }

  /** Calls holding a slot now. */
  get inFlight(): number {
    return this.slots.inFlight;
  }

  /** Calls waiting for a slot. */
  get queued(): number {
    return this.slots.queued;
  }

  /** Resolves with a release function once a slot is free; rejects with {@link LimiterAbortedError} if `signal` aborts first. */
  async acquire(signal?: AbortSignal): Promise<Release> {
    try {
      return await this.slots.acquire(signal);
    } catch (reason) {
      throw new LimiterAbortedError('aborted while waiting for a slot', { cause: reason });
    }
  }

  /** A call succeeded: grow the limit by 1/limit, i.e. by about one per window of successes. */
  onSuccess(): void {
    this.currentLimit = Math.min(this.max, this.currentLimit + 1 / Math.max(1, this.currentLimit));
    this.resize();
  }

  /** A call was throttled: shrink the limit, once per congestion event. */
  onThrottle(): void {
    const at = this.now();
    if (at - this.lastDecreaseAt < this.decreaseCooldownMs) return;
    this.lastDecreaseAt = at;
    this.currentLimit = Math.max(this.min, this.currentLimit * this.decreaseFactor);
    this.resize();
  }

  private resize(): void {
    const limit = Math.max(this.min, Math.floor(this.currentLimit));
    if (limit !== this.slots.limit) this.slots.limit = limit;
  }
}
