/**
 * Fair, bounded work queue: at most `total` items running, at most a per-host limit per host key,
 * hosts served round-robin so one big host cannot starve the others. O(1) per take/done.
 *
 * Politeness: a host can have its own limit (its share of the run-wide budget; 0 refuses its
 * items), a minimum gap after each request before the next starts (robots.txt Crawl-delay), and a pause (Retry-After). A host
 * waiting out a gap or pause sleeps outside the round-robin until {@link HostScheduler.wakeAt}.
 */

/** Opaque per-host state; hand it back to {@link HostScheduler.done}. */
export interface HostSlot {
  readonly key: string;
}

interface HostState<T> extends HostSlot {
  running: number;
  queue: (T | undefined)[];
  head: number;
  limit: number;
  /** Minimum ms from one request's end (and start) to the next start. */
  intervalMs: number;
  /** Epoch ms before which nothing of this host starts (gap or pause). */
  notBefore: number;
  /** The host asked this worker to slow down: its limit is not raised again. */
  throttled: boolean;
}

export interface HostSchedulerOptions {
  /** Items running at once, all hosts together. */
  total: number;
  /** Items running at once per host, unless `hostLimits` says otherwise. */
  perHost: number;
  /** Per-host limits by key; 0 means none of that host's items may start. */
  hostLimits?: Readonly<Record<string, number>>;
  /** Minimum ms between one request's end and the next start, by key (Crawl-delay). */
  hostDelayMs?: Readonly<Record<string, number>>;
}

export class HostScheduler<T> {
  private readonly hosts = new Map<string, HostState<T>>();
  /** Hosts with queued work and a free slot, in the order they will be served. */
  private readonly ready = new Set<HostState<T>>();
  /** Hosts with queued work and a free slot that must wait until `notBefore`. */
  private readonly sleeping = new Set<HostState<T>>();
  private runningCount = 0;
  private pendingCount = 0;
  private total: number;
  constructor(private readonly options: HostSchedulerOptions) {
    this.total = options.total;
  }

  /**
   * Items running at once from now on (a local worker process shares its concurrency between the
   * chunks it runs: one alone gets all of it). Lowering it starts nothing until enough have ended.
   */
  setTotal(total: number): void {
    if (Number.isInteger(total) && total >= 1) this.total = total;
  }

  get running(): number {
    return this.runningCount;
  }

  get pending(): number {
    return this.pendingCount;
  }

  /** Queues `item`; returns false (and keeps nothing) when its host's limit is 0. */
  add(key: string, item: T, now = Date.now()): boolean {
    let host = this.hosts.get(key);
    if (host === undefined) {
      const limit = this.options.hostLimits?.[key] ?? this.options.perHost;
      host = { key, running: 0, queue: [], head: 0, limit, intervalMs: this.options.hostDelayMs?.[key] ?? 0, notBefore: 0, throttled: false };
      this.hosts.set(key, host);
    }
    if (host.limit === 0) return false;
    host.queue.push(item);
    this.pendingCount++;
    this.enlist(host, now);
    return true;
  }

  /** The next item allowed to start now, or undefined if the limits (or an empty queue) say wait. */
  take(now = Date.now()): { slot: HostSlot; item: T } | undefined {
    if (this.runningCount >= this.total) return undefined;
    for (const host of this.sleeping) {
      if (host.notBefore <= now) {
        this.sleeping.delete(host);
        this.ready.add(host);
      }
    }
    const next = this.ready.values().next();
    if (next.done === true) return undefined;
    const host = next.value;
    const item = host.queue[host.head] as T;
    host.queue[host.head++] = undefined; // let the item be collected
    this.pendingCount--;
    host.running++;
    this.runningCount++;
    if (host.intervalMs > 0) host.notBefore = Math.max(host.notBefore, now + host.intervalMs);
    // Re-inserting moves the host to the back: round-robin between hosts.
    this.ready.delete(host);
    this.enlist(host, now);
    return { slot: host, item };
  }

  /** Marks an item taken from `slot` as finished, freeing its slots. */
  done(slot: HostSlot, now = Date.now()): void {
    const host = slot as HostState<T>;
    host.running--;
    this.runningCount--;
    // Counted from the end too, so the site sees the gap between arrivals whatever the latency.
    if (host.intervalMs > 0) host.notBefore = Math.max(host.notBefore, now + host.intervalMs);
    this.enlist(host, now);
  }

  /** The host asked us to slow down: halve its limit (not below 1) and start nothing there for `pauseMs`. */
  throttle(key: string, pauseMs: number, now = Date.now()): void {
    const host = this.hosts.get(key);
    if (host === undefined || host.limit === 0) return;
    host.limit = Math.max(1, Math.floor(host.limit / 2));
    host.throttled = true;
    host.notBefore = Math.max(host.notBefore, now + pauseMs);
    this.enlist(host, now);
  }

  /**
   * The run-wide budget gave this chunk more of `key`'s slots while it runs (slots other chunks no
   * longer need): its limit rises to `limit`. Never lowers a limit, never lifts a refused host
   * (limit 0), a host with a gap between starts, or one that throttled this worker.
   */
  raise(key: string, limit: number, now = Date.now()): void {
    const host = this.hosts.get(key);
    if (host === undefined || host.limit === 0 || host.throttled || host.intervalMs > 0 || !(limit > host.limit)) return;
    host.limit = limit;
    this.enlist(host, now);
  }

  /** Epoch ms at which a sleeping host may start again, or undefined if none sleeps. */
  wakeAt(): number | undefined {
    let earliest: number | undefined;
    for (const host of this.sleeping) if (earliest === undefined || host.notBefore < earliest) earliest = host.notBefore;
    return earliest;
  }

  /** Removes and returns everything still queued (the chunk is stopping). */
  drain(): T[] {
    const items: T[] = [];
    for (const host of this.hosts.values()) {
      for (let i = host.head; i < host.queue.length; i++) items.push(host.queue[i] as T);
      host.queue = [];
      host.head = 0;
    }
    this.ready.clear();
    this.sleeping.clear();
    this.pendingCount = 0;
    return items;
  }

  /** Puts `host` where its state says: ready, sleeping, or neither (nothing queued, or no free slot). */
  private enlist(host: HostState<T>, now: number): void {
    if (host.head >= host.queue.length || host.running >= host.limit) {
      this.ready.delete(host);
      this.sleeping.delete(host);
    } else if (host.notBefore > now) {
      this.ready.delete(host);
      this.sleeping.add(host);
    } else {
      this.sleeping.delete(host);
      this.ready.add(host); // no-op when already there: keeps its round-robin place
    }
  }
}
