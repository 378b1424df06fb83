/**
 * A counting semaphore for promises: at most `limit` holders at once, the rest wait in FIFO order.
 * The limit can be changed while it is in use (the AIMD limiter does), and a wait can be aborted.
 */

/** Frees the slot taken by {@link Semaphore.acquire}; calling it twice is harmless. */
export type Release = () => void;

interface Waiter {
  resolve: (release: Release) => void;
  reject: (reason: unknown) => void;
  signal?: AbortSignal;
  onAbort?: () => void;
}

/**
 * @example
 * const slots = new Semaphore(64);
 * const release = await slots.acquire(signal);
 * try { await work(); } finally { release(); }
 */
export class Semaphore {
  private max: number;
  private holders = 0;
  private readonly waiters: Waiter[] = [];

  /** @param limit slots held at once, an integer >= 0 (0 holds every caller back until it is raised) */
  constructor(limit: number) {
    this.max = checkLimit(limit);
  }

  /** Slots that may be held at once. */
  get limit(): number {
    return this.max;
  }

  /**
   * Resizes the semaphore. A larger limit hands the new slots to waiters at once; a smaller one
   * takes nothing back from holders, it only holds new callers back until enough have released.
   */
  set limit(limit: number) {
    this.max = checkLimit(limit);
    this.drain();
  }

  /** Slots held now (may exceed `limit` for a while after it was lowered). */
  get inFlight(): number {
    return this.holders;
  }

  /** Callers waiting for a slot. */
  get queued(): number {
    return this.waiters.length;
  }

  /**
   * Resolves with a {@link Release} once a slot is free. Callers are served in the order they
   * came: a new caller never takes a slot ahead of one already waiting. If `signal` aborts first
   * (or has already), rejects with `signal.reason` and leaves the queue.
   */
  acquire(signal?: AbortSignal): Promise<Release> {
    if (signal?.aborted) return Promise.reject(signal.reason);
    if (this.holders < this.max && this.waiters.length === 0) return Promise.resolve(this.take());
    return new Promise<Release>((resolve, reject) => {
      const waiter: Waiter = { resolve, reject, signal };
      if (signal) {
        waiter.onAbort = () => {
          const at = this.waiters.indexOf(waiter);
          if (at !== -1) this.waiters.splice(at, 1);
          reject(signal.reason);
        };
        signal.addEventListener('abort', waiter.onAbort, { once: true });
      }
      this.waiters.push(waiter);
    });
  }

  private take(): Release {
    this.holders++;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.holders--;
      this.drain();
    };
  }

  private drain(): void {
    while (this.holders < this.max && this.waiters.length > 0) {
      const waiter = this.waiters.shift()!;
      if (waiter.onAbort) waiter.signal!.removeEventListener('abort', waiter.onAbort);
      // Aborted, but its listener has not run yet (another listener of the same signal released
      // this slot): it must not be handed a slot it would never give back.
      if (waiter.signal?.aborted) waiter.reject(waiter.signal.reason);
      else waiter.resolve(this.take());
    }
  }
}

function checkLimit(limit: number): number {
  if (!Number.isInteger(limit) || limit < 0) throw new RangeError(`limit must be an integer >= 0, got ${limit}`);
  return limit;
}
