/**
 * Pure: the run-wide per-host budget. Every host (`host:port`, see core/host-key.ts)
 * has `perHost` request slots for the whole run, however many chunks are in flight. A chunk is
 * leased a share of each of its hosts' free slots when it is dispatched and gives them back when
 * its invocation settles; the worker never runs more requests to a host than its lease.
 *
 * A host can be slowed for the rest of the run: robots.txt `Crawl-delay` (1 slot plus a gap after
 * each request before the next, counted from its end so the site sees it whatever the latency), or a worker reporting a 429 / 503 + Retry-After (halve the slots, down to 1; after that
 * double a gap between starts; and lease nothing there until Retry-After has passed).
 * No timers and no I/O here: `now` is passed in, so the policy is tested as a table.
 */

/** The first gap a throttled host at 1 slot gets; it doubles on each further throttle. */
export const THROTTLE_MIN_INTERVAL_MS = 250;
/** A throttled host's gap between starts never grows past this. */
export const THROTTLE_MAX_INTERVAL_MS = 30_000;

export interface HostBudgetOptions {
  /** Requests in flight to one host across the whole run (`--per-host`). */
  perHost: number;
  /** Most slots of one host a single chunk may hold: the worker's own concurrency. @default perHost */
  maxSlotsPerChunk?: number;
  /** Most chunks that can hold a host at once (the run's chunk concurrency), for fair shares. @default Infinity */
  maxHolders?: number;
}

/** One host's limits as they stand now. */
export interface HostLimitState {
  /** Slots for the whole run (perHost, or less once slowed). */
  limit: number;
  /** Slots leased to chunks in flight. */
  inUse: number;
  /** Minimum ms after a request ends before the next starts (Crawl-delay or throttling); when > 0, `limit` is 1. */
  intervalMs: number;
  /** Epoch ms before which no slot of this host is leased (gap after a release, or Retry-After). */
  notBefore: number;
  /** Bumped on every slow-down; a throttle report from a lease older than this changes no limits. */
  generation: number;
  /** Tasks (in flight or waiting) that still have URLs of this host. */
  wanting: number;
  /** Times this host was slowed down by a throttle report. */
  throttles: number;
}

/** Slots held by one invocation. Give it back with {@link HostBudget.release}. */
export interface Lease {
  /** Slots per host key; 0 for hosts of the chunk that got none. */
  readonly slots: ReadonlyMap<string, number>;
  /** Each host's generation when leased (see {@link HostLimitState.generation}). */
  readonly generations: ReadonlyMap<string, number>;
}

/**
 * @example
 * const budget = new HostBudget({ perHost: 8, maxSlotsPerChunk: 64, maxHolders: 100 });
 * budget.want('a.test:443', +1);
 * const offer = budget.offer(new Map([['a.test:443', 120]]), Date.now()); // Map { 'a.test:443' => 8 }
 * const lease = budget.take(offer);
 * // ... invoke with hostLimits = offer ...
 * budget.release(lease, Date.now());
 */
export class HostBudget {
  readonly perHost: number;
  private readonly maxSlotsPerChunk: number;
  private readonly maxHolders: number;
  private readonly hosts = new Map<string, HostLimitState>();
  /** Hosts whose `notBefore` was pushed into the future (so nextChangeAt need not scan every host). */
  private readonly sleepers = new Set<HostLimitState>();

  constructor(options: HostBudgetOptions) {
    this.perHost = options.perHost;
    this.maxSlotsPerChunk = options.maxSlotsPerChunk ?? options.perHost;
    this.maxHolders = options.maxHolders ?? Infinity;
    for (const [key, value] of [
      ['perHost', this.perHost],
      ['maxSlotsPerChunk', this.maxSlotsPerChunk],
    ] as const) {
      if (!Number.isInteger(value) || value < 1) throw new RangeError(`${key} must be a positive integer, got ${value}`);
    }
    if (!(this.maxHolders >= 1)) throw new RangeError(`maxHolders must be at least 1, got ${this.maxHolders}`);
  }

  /** The host's state (created at its defaults on first mention). */
  state(host: string): Readonly<HostLimitState> {
    return this.host(host);
  }

  /** robots.txt Crawl-delay: one request at a time, starts at least `delayMs` apart. */
  setCrawlDelay(host: string, delayMs: number): void {
    if (!(delayMs > 0)) return;
    const state = this.host(host);
    state.limit = 1;
    state.intervalMs = Math.max(state.intervalMs, Math.round(delayMs));
  }

  /**
   * Leases nothing of `host` before epoch ms `until`: a gap that began in another process (a
   * scheduled run's previous invocation) still holds here.
   */
  holdUntil(host: string, until: number): void {
    this.sleepUntil(this.host(host), until);
  }

  /** A task gained (+1) or lost (-1) URLs of `host`; shares are split between the tasks wanting a host. */
  want(host: string, delta: 1 | -1): void {
    const state = this.host(host);
    state.wanting = Math.max(0, state.wanting + delta);
  }

  /**
   * The slots a chunk with `urlsByHost` (URLs per host key) would get now, without taking them.
   * Per host, its due is a fair share `ceil(limit / chunks wanting it)`, at most its URL count
   * and `maxSlotsPerChunk`; it gets its due if that many slots are free, else 0 (its URLs wait),
   * or with `partial` whatever is free. 0 too while the host waits out a gap or a Retry-After.
   *
   * Why not hand out whatever is free: a lease is held for the whole invocation, so a chunk given
   * 1 slot for 60 URLs runs them one by one long after the other slots come free (measured: a
   * 4-worker run at --per-host 64 took 3.5 s instead of 1.2 s). Waiting for a due share is faster.
   */
  offer(urlsByHost: ReadonlyMap<string, number>, now: number, options: { partial?: boolean } = {}): Map<string, number> {
    const offer = new Map<string, number>();
    for (const [key, urls] of urlsByHost) {
      const state = this.host(key);
      const free = now < state.notBefore ? 0 : Math.max(0, state.limit - state.inUse);
      const holders = Math.min(this.maxHolders, Math.max(1, state.wanting));
      const due = Math.min(Math.ceil(state.limit / holders), urls, this.maxSlotsPerChunk);
      offer.set(key, free >= due ? due : options.partial === true ? free : 0);
    }
    return offer;
  }

  /** Takes the slots of an {@link offer} (made at the same `now`, with nothing taken in between). */
  take(offer: ReadonlyMap<string, number>): Lease {
    const generations = new Map<string, number>();
    for (const [key, slots] of offer) {
      const state = this.host(key);
      state.inUse += slots;
      generations.set(key, state.generation);
    }
    return { slots: offer, generations };
  }

  /** Gives a lease's slots back. A host with a gap between starts is next leased `intervalMs` after now. */
  release(lease: Lease, now: number): void {
    for (const [key, slots] of lease.slots) {
      if (slots === 0) continue;
      const state = this.host(key);
      state.inUse = Math.max(0, state.inUse - slots);
      // Its worker's last start was before now, so the next chunk's first start keeps the gap.
      if (state.intervalMs > 0) this.sleepUntil(state, now + state.intervalMs);
    }
  }

  /**
   * Gives back all but `keep` of the lease's slots of `host`, while the lease is still held: its
   * chunk has no more than `keep` URLs of that host left (the rest have their records), so its worker
   * cannot use more. One slow URL then holds one slot, never the host.
   */
  shrink(lease: Lease, host: string, keep: number, now: number): void {
    const held = lease.slots.get(host) ?? 0;
    if (held <= keep) return;
    const state = this.host(host);
    state.inUse = Math.max(0, state.inUse - (held - keep));
    (lease.slots as Map<string, number>).set(host, keep);
    if (keep === 0 && state.intervalMs > 0) this.sleepUntil(state, now + state.intervalMs);
  }

  /**
   * Adds free slots of `host` to a lease still held, up to `upTo` in all; returns the slots it now
   * holds there, or undefined when none were added. Its worker is told (a running local worker can
   * raise its limit), so a slot given back by one chunk goes to another that has that host's URLs
   * waiting. Not for hosts with a gap between starts, or while a host waits out a gap or Retry-After.
   */
  grow(lease: Lease, host: string, upTo: number, now: number): number | undefined {
    const held = lease.slots.get(host) ?? 0;
    const state = this.host(host);
    if (held === 0 || state.intervalMs > 0 || now < state.notBefore) return undefined;
    const add = Math.min(upTo, this.maxSlotsPerChunk) - held;
    const free = state.limit - state.inUse;
    const given = Math.min(add, free);
    if (!(given > 0)) return undefined;
    state.inUse += given;
    (lease.slots as Map<string, number>).set(host, held + given);
    return held + given;
  }

  /**
   * A worker holding `lease` was throttled by `host` (429, or 503 with Retry-After, `retryAfterMs`
   * of it still to run): nothing more is leased there for `retryAfterMs`, and, unless the host was already slowed since
   * that lease was granted (one overload seen by many chunks is one event), its slots are halved,
   * or at 1 slot its gap between starts doubles.
   */
  throttle(host: string, retryAfterMs: number, lease: Lease | undefined, now: number): void {
    const state = this.host(host);
    this.sleepUntil(state, now + Math.max(0, retryAfterMs));
    const leasedAt = lease?.generations.get(host) ?? -1;
    if (leasedAt < state.generation) return;
    state.generation++;
    state.throttles++;
    if (state.limit > 1) state.limit = Math.max(1, Math.floor(state.limit / 2));
    else state.intervalMs = Math.min(THROTTLE_MAX_INTERVAL_MS, Math.max(THROTTLE_MIN_INTERVAL_MS, state.intervalMs * 2));
  }

  /** The gap between starts each of `hosts` needs, for hosts that have one (`hostDelayMs` for the worker). */
  intervals(hosts: Iterable<string>): Record<string, number> | undefined {
    let out: Record<string, number> | undefined;
    for (const key of hosts) {
      const intervalMs = this.hosts.get(key)?.intervalMs ?? 0;
      if (intervalMs > 0) {
        out ??= {};
        out[key] = intervalMs;
      }
    }
    return out;
  }

  /** The earliest future epoch ms at which a host now waiting (gap or Retry-After) may be leased again. */
  nextChangeAt(now: number): number | undefined {
    let earliest: number | undefined;
    for (const state of this.sleepers) {
      if (state.notBefore <= now) this.sleepers.delete(state);
      else if (state.wanting > 0 && (earliest === undefined || state.notBefore < earliest)) earliest = state.notBefore;
    }
    return earliest;
  }

  private sleepUntil(state: HostLimitState, until: number): void {
    state.notBefore = Math.max(state.notBefore, until);
    this.sleepers.add(state);
  }

  private host(key: string): HostLimitState {
    let state = this.hosts.get(key);
    if (state === undefined) {
      state = { limit: this.perHost, inUse: 0, intervalMs: 0, notBefore: 0, generation: 0, wanting: 0, throttles: 0 };
      this.hosts.set(key, state);
    }
    return state;
  }
}
