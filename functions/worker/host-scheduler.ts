/**
 * Fair, bounded work queue: at most `total` items running, at most `perHost` per host key,
 * hosts served round-robin so one big host cannot starve the others. O(1) per take/done.
 */

/** Opaque per-host state; hand it back to {@link HostScheduler.done}. */
export interface HostSlot {
  readonly key: string;
}

interface HostState<T> extends HostSlot {
  running: number;
  queue: (T | undefined)[];
  head: number;
}

export class HostScheduler<T> {
  private readonly hosts = new Map<string, HostState<T>>();
  /** Hosts with queued work and a free slot, in the order they will be served. */
  private readonly ready = new Set<HostState<T>>();
  private runningCount = 0;
  private pendingCount = 0;

  constructor(
    private readonly total: number,
    private readonly perHost: number,
  ) {}

  get running(): number {
    return this.runningCount;
  }

  get pending(): number {
    return this.pendingCount;
  }

  add(key: string, item: T): void {
    let host = this.hosts.get(key);
    if (host === undefined) {
      host = { key, running: 0, queue: [], head: 0 };
      this.hosts.set(key, host);
    }
    host.queue.push(item);
    this.pendingCount++;
    if (host.running < this.perHost) this.ready.add(host);
  }

  /** The next item allowed to start now, or undefined if the limits (or an empty queue) say wait. */
  take(): { slot: HostSlot; item: T } | undefined {
    if (this.runningCount >= this.total) return undefined;
    const next = this.ready.values().next();
    if (next.done === true) return undefined;
    const host = next.value;
    const item = host.queue[host.head] as T;
    host.queue[host.head++] = undefined; // let the item be collected
    this.pendingCount--;
    host.running++;
    this.runningCount++;
    // Re-inserting moves the host to the back: round-robin between hosts.
    this.ready.delete(host);
    if (host.head < host.queue.length && host.running < this.perHost) this.ready.add(host);
    return { slot: host, item };
  }

  /** Marks an item taken from `slot` as finished, freeing its slots. */
  done(slot: HostSlot): void {
    const host = slot as HostState<T>;
    host.running--;
    this.runningCount--;
    if (host.head < host.queue.length) this.ready.add(host);
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
    this.pendingCount = 0;
    return items;
  }
}
