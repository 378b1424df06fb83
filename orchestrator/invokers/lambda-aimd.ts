import { FanoutError } from '../../core/errors';
/**
 * An AIMD concurrency limiter: the number of Lambda invokes allowed in flight grows by about one
 * per window of successes (additive increase) and halves on throttling (multiplicative decrease),
 * as TCP congestion control does. Throttling then slows the fan-out down instead of burning retries.
 */

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

/** Frees the slot taken by {@link AimdLimiter.acquire}; calling it twice is harmless. */
export type Release = () => void;

export class LimiterAbortedError extends FanoutError {
  override readonly name = 'LimiterAbortedError';
  readonly code = 'FANOUT_LIMITER_ABORTED';
}

interface Waiter {
  resolve: (release: Release) => void;
  reject: (error: unknown) => void;
  signal?: AbortSignal;
  onAbort?: () => void;
}

export class AimdLimiter {
  private readonly max: number;
  private readonly min: number;
  private readonly decreaseFactor: number;
  private readonly decreaseCooldownMs: number;
  private readonly now: () => number;
  /** Fractional, so additive increase can add 1/limit per success; slots are its floor. */
  private currentLimit: number;
  private running = 0;
  private lastDecreaseAt = Number.NEGATIVE_INFINITY;
  private readonly waiters: Waiter[] = [];

  constructor(options: AimdOptions) {
    if (!Number.isInteger(options.max) || options.max < 1) throw new RangeError(`max must be an integer >= 1, got ${options.max}`);
    this.max = options.max;
    this.min = Math.min(options.min ?? 1, this.max);
    this.decreaseFactor = options.decreaseFactor ?? 0.5;
    this.decreaseCooldownMs = options.decreaseCooldownMs ?? 1_000;
    this.now = options.now ?? Date.now;
    this.currentLimit = this.max;
  }

  /** Calls allowed in flight now (an integer between `min` and `max`). */
  get limit(): number {
    return Math.max(this.min, Math.floor(this.currentLimit));
  }

  /** Calls holding a slot now. */
  get inFlight(): number {
    return this.running;
  }

  /** Calls waiting for a slot. */
  get queued(): number {
    return this.waiters.length;
  }

  /** Resolves with a release function once a slot is free; rejects if `signal` aborts first. */
  acquire(signal?: AbortSignal): Promise<Release> {
    if (signal?.aborted) return Promise.reject(new LimiterAbortedError('aborted while waiting for a slot', { cause: signal.reason }));
    if (this.running < this.limit && this.waiters.length === 0) return Promise.resolve(this.take());
    return new Promise<Release>((resolve, reject) => {
      const waiter: Waiter = { resolve, reject, signal };
      if (signal) {
        waiter.onAbort = () => {
          const i = this.waiters.indexOf(waiter);
          if (i >= 0) this.waiters.splice(i, 1);
          reject(new LimiterAbortedError('aborted while waiting for a slot', { cause: signal.reason }));
        };
        signal.addEventListener('abort', waiter.onAbort, { once: true });
      }
      this.waiters.push(waiter);
    });
  }

  /** A call succeeded: grow the limit by 1/limit, i.e. by about one per window of successes. */
  onSuccess(): void {
    this.currentLimit = Math.min(this.max, this.currentLimit + 1 / Math.max(1, this.currentLimit));
    this.drain();
  }

  /** A call was throttled: shrink the limit, once per congestion event. */
  onThrottle(): void {
    const at = this.now();
    if (at - this.lastDecreaseAt < this.decreaseCooldownMs) return;
    this.lastDecreaseAt = at;
    this.currentLimit = Math.max(this.min, this.currentLimit * this.decreaseFactor);
  }

  private take(): Release {
    this.running++;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.running--;
      this.drain();
    };
  }

  private drain(): void {
    while (this.running < this.limit && this.waiters.length > 0) {
      const waiter = this.waiters.shift()!;
      if (waiter.signal && waiter.onAbort) waiter.signal.removeEventListener('abort', waiter.onAbort);
      waiter.resolve(this.take());
    }
  }
}
