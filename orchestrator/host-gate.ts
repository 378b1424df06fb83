/**
 * The run loop's side of the run-wide per-host budget: which chunk may be dispatched now, with
 * what share of its hosts' slots, and what to do with the chunks that must wait.
 *
 * A chunk is dispatched only when enough of its URLs can start (their host has a free slot for
 * it): at least `min(its URLs left, MIN_STARTABLE_URLS)`, or at least one when nothing is in
 * flight (else the run would stall). The rest wait "parked" (at most `maxParked`, so memory stays
 * bounded) and are tried again when a lease comes back or a host's gap / Retry-After ends. So a
 * chunk never spins returning everything unstarted, and chunks spread over a busy host do not
 * degrade into many invocations that each do one or two URLs.
 */
import type { ScrapeOptionsInput, WorkerResult } from '../core/contract';
import { hostKey } from '../core/host-key';
import type { HostBudget, Lease } from './host-budget';

/** A chunk is worth an invocation when this many of its URLs (or all it has left, if fewer) can start. */
export const MIN_STARTABLE_URLS = 10;

/** What the gate needs of a run-loop task: the URLs it still has to do. */
export interface GatedTask {
  readonly remaining: ReadonlySet<string>;
}

export interface HostGateOptions {
  /** Tasks waiting for slots kept at once; beyond that no new chunk is pulled. */
  maxParked: number;
  /** Called when a waiting host may be leased again (the run loop then calls `next`). */
  onWake: () => void;
  /** @default Date.now */
  now?: () => number;
}

interface TaskHosts {
  /** `remaining.size` when counted; recounted when it changes. */
  size: number;
  /** URLs per host key. */
  counts: Map<string, number>;
  /** URLs without a host key (not http(s)): the worker records them as invalid, needing no slot. */
  unkeyed: number;
}

interface Parked<T> {
  task: T;
  /** A host of its may have a slot for it since it was last tried. */
  dirty: boolean;
  /** Startable URLs it still lacks, less those on hosts woken since its last try. */
  short: number;
  /** The hosts it waits on (its URLs' hosts when parked). */
  hosts: string[];
}

export class HostGate<T extends GatedTask> {
  /** Parked tasks marked dirty. */
  private dirty = 0;
  /** How many more startable URLs the last failed tryLease needed. */
  private short = 1;
  private readonly hostsOf = new WeakMap<T, TaskHosts>();
  private readonly leases = new Map<T, Lease>();
  /** Parked tasks, oldest first; `dirty` once a host of theirs may have a slot for them again. */
  private readonly waiting: Parked<T>[] = [];
  /** The parked tasks by host they wait on, so a slot given back wakes only the tasks that want that host. */
  private readonly parkedByHost = new Map<string, Set<Parked<T>>>();
  /** Hosts with slots given back since the last {@link topUpFreed}. */
  private readonly freed = new Set<string>();
  private timer: NodeJS.Timeout | undefined;
  private timerAt = Infinity;
  private readonly now: () => number;

  constructor(
    readonly budget: HostBudget,
    private readonly options: HostGateOptions,
  ) {
    this.now = options.now ?? Date.now;
  }

  /** Tasks waiting for slots. */
  get parked(): number {
    return this.waiting.length;
  }

  /**
   * The next task to dispatch, its lease taken, or undefined when none may start now: parked tasks
   * first (oldest first), then new ones from `pull`, parking those that must wait. `active` is
   * the number of invocations in flight.
   */
  next(pull: () => T | undefined, active: number): T | undefined {
    const now = this.now();
    if (this.dirty > 0) {
      for (let i = 0; i < this.waiting.length && this.dirty > 0; i++) {
        const entry = this.waiting[i]!;
        if (!entry.dirty) continue;
        entry.dirty = false;
        this.dirty--;
        if (this.tryLease(entry.task, now, false)) return this.unpark(i);
        entry.short = this.short;
      }
    }
    while (this.waiting.length < this.options.maxParked) {
      const task = pull();
      if (task === undefined) break;
      if (this.tryLease(task, now, false)) return task;
      this.park(task);
    }
    if (active === 0) {
      // Nothing in flight will free a slot: take the first task that can start anything at all.
      const index = this.waiting.findIndex((entry) => this.tryLease(entry.task, now, true));
      if (index >= 0) return this.unpark(index);
    }
    this.armTimer(now);
    return undefined;
  }

  /** Takes a lease for `task` now if any of its URLs can start (a speculative copy, which never parks). */
  lease(task: T): boolean {
    return this.tryLease(task, this.now(), true);
  }

  /** `scrape` plus the task's lease: `hostLimits`, and `hostDelayMs` for hosts that need a gap. */
  optionsFor(task: T, scrape: ScrapeOptionsInput | undefined): ScrapeOptionsInput | undefined {
    const lease = this.leases.get(task);
    if (lease === undefined) return scrape;
    const hostDelayMs = this.budget.intervals([...lease.slots].filter(([, n]) => n > 0).map(([key]) => key));
    return { ...scrape, hostLimits: Object.fromEntries(lease.slots), ...(hostDelayMs === undefined ? {} : { hostDelayMs }) };
  }

  /**
   * The task's invocation settled (after the run loop took its outcomes out of `remaining`): its
   * lease comes back, hosts the worker says throttled it are slowed, and the hosts it no longer
   * needs stop counting it for shares.
   */
  settled(task: T, result?: Pick<WorkerResult, 'throttled'>): void {
    const now = this.now();
    const lease = this.leases.get(task);
    this.leases.delete(task);
    if (lease !== undefined) {
      this.budget.release(lease, now);
      for (const [key, slots] of lease.slots) if (slots > 0) this.freed.add(key);
    }
    for (const [host, retryAfterMs] of Object.entries(result?.throttled ?? {})) this.budget.throttle(host, retryAfterMs, lease, now);
    const before = this.hostsOf.get(task)?.counts;
    this.hostsFor(task);
    // Slots came back, and a host this task no longer wants has fewer tasks sharing it.
    for (const key of lease?.slots.keys() ?? []) this.wake(key);
    for (const key of before?.keys() ?? []) if (!this.hostsOf.get(task)?.counts.has(key)) this.wake(key);
  }

  /**
   * A record for `url` arrived while the task's invocation runs (the run loop took it out of
   * `remaining`): the slots of that host the task can no longer use go back now, not when the
   * whole chunk settles, and waiting tasks are tried again.
   */
  recorded(task: T, url: string): void {
    const lease = this.leases.get(task);
    const key = hostKey(url);
    if (lease === undefined || key === undefined) return;
    const left = this.countDown(task, key);
    if ((lease.slots.get(key) ?? 0) <= left) return;
    this.budget.shrink(lease, key, left, this.now());
    this.freed.add(key);
    this.wake(key);
    this.options.onWake();
  }

  /**
   * Hands the slots given back since the last call to tasks running now that have more of that
   * host's URLs than slots: `tell(task, limits)` passes the raised limits to its worker and says
   * whether it got them (if not, the slots go back). Without `tell` (a back end that cannot reach
   * a running worker) they are only forgotten. The run loop calls it after dispatching, so new
   * chunks come first.
   */
  topUpFreed(tell?: (task: T, hostLimits: Record<string, number>) => boolean): void {
    if (this.freed.size === 0) return;
    if (tell !== undefined) {
      const now = this.now();
      for (const key of this.freed) this.topUpHost(key, tell, now);
    }
    this.freed.clear();
  }

  /** Gives `key`'s free slots to the running tasks that have more of its URLs than slots. */
  private topUpHost(key: string, tell: (task: T, hostLimits: Record<string, number>) => boolean, now: number): void {
    for (const [task, lease] of this.leases) {
      const wanted = this.hostsOf.get(task)?.counts.get(key) ?? 0;
      const held = lease.slots.get(key) ?? 0;
      if (held === 0 || wanted <= held) continue;
      const state = this.budget.state(key);
      if (state.inUse >= state.limit) return;
      const limit = this.budget.grow(lease, key, wanted, now);
      if (limit === undefined) continue;
      // A worker that could not be told must not be counted with more slots: they go back.
      if (!tell(task, { [key]: limit })) this.budget.shrink(lease, key, held, now);
    }
  }

  /** Drops the parked tasks and the wake timer (the run is ending). */
  close(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    this.waiting.length = 0;
    this.parkedByHost.clear();
    this.dirty = 0;
  }

  /** Takes a lease for `task` if enough of its URLs could start now (any, when `force`). */
  private tryLease(task: T, now: number, force: boolean): boolean {
    const hosts = this.hostsFor(task);
    const offer = this.budget.offer(hosts.counts, now, { partial: force });
    let startable = hosts.unkeyed;
    for (const [key, slots] of offer) if (slots > 0) startable += hosts.counts.get(key)!;
    const enough = force ? 1 : Math.min(task.remaining.size, MIN_STARTABLE_URLS);
    if (startable === 0 || startable < enough) {
      this.short = Math.max(1, enough - startable);
      return false;
    }
    this.leases.set(task, this.budget.take(offer));
    // A fair share may be less than the host has free (others held slots when the share was cut): topUp may add to it.
    for (const [key, slots] of offer) if (slots > 0 && slots < hosts.counts.get(key)!) this.freed.add(key);
    return true;
  }

  /**
   * Takes one URL of `key` off the task's counts (its record arrived), without recounting the
   * whole task: O(1) per record. Returns the task's URLs left on that host.
   */
  private countDown(task: T, key: string): number {
    const known = this.hostsOf.get(task);
    if (known === undefined || known.size !== task.remaining.size + 1) return this.hostsFor(task).counts.get(key) ?? 0;
    known.size--;
    const left = (known.counts.get(key) ?? 1) - 1;
    if (left > 0) known.counts.set(key, left);
    else if (known.counts.delete(key)) this.budget.want(key, -1);
    return left;
  }

  /** The task's URLs per host, recounted when `remaining` changed; keeps the budget's `wanting` counts in step. */
  private hostsFor(task: T): TaskHosts {
    const known = this.hostsOf.get(task);
    if (known !== undefined && known.size === task.remaining.size) return known;
    const counts = new Map<string, number>();
    let unkeyed = 0;
    for (const url of task.remaining) {
      const key = hostKey(url);
      if (key === undefined) unkeyed++;
      else counts.set(key, (counts.get(key) ?? 0) + 1);
    }
    for (const key of counts.keys()) if (!known?.counts.has(key)) this.budget.want(key, 1);
    for (const key of known?.counts.keys() ?? []) if (!counts.has(key)) this.budget.want(key, -1);
    const hosts = { size: task.remaining.size, counts, unkeyed };
    this.hostsOf.set(task, hosts);
    return hosts;
  }

  /** Parks `task` (its lease could not be taken), indexed by the hosts it waits on. */
  private park(task: T): void {
    const entry: Parked<T> = { task, dirty: false, short: this.short, hosts: [...this.hostsFor(task).counts.keys()] };
    this.waiting.push(entry);
    for (const key of entry.hosts) {
      const set = this.parkedByHost.get(key) ?? new Set<Parked<T>>();
      this.parkedByHost.set(key, set);
      set.add(entry);
    }
  }

  /** Takes parked task `index` out (its lease was taken) and returns it. */
  private unpark(index: number): T {
    const [entry] = this.waiting.splice(index, 1);
    if (entry!.dirty) this.dirty--;
    for (const key of entry!.hosts) {
      const set = this.parkedByHost.get(key);
      set?.delete(entry!);
      if (set?.size === 0) this.parkedByHost.delete(key);
    }
    return entry!.task;
  }

  /**
   * `key` may have a slot again. A parked task that wants it is tried at the next `next` once the
   * hosts woken since its last try hold as many of its URLs as it was short of startable ones:
   * before that, the try would fail again (a chunk over 50 busy hosts would otherwise be offered
   * all 50 on every record of any of them).
   */
  private wake(key: string): void {
    const parked = this.parkedByHost.get(key);
    if (parked === undefined) return;
    // A free slot can help one task: the oldest tasks that want the host count it, not all of them.
    // (Every task waiting on a full host retried on each record there: at 1M URLs over 10,000 hosts,
    // 1.5M failed tries of 50 hosts each for 17,000 leases, most of the loop's CPU.)
    const state = this.budget.state(key);
    let free = state.limit - state.inUse;
    if (free <= 0 || this.now() < state.notBefore) return;
    for (const entry of parked) {
      if (free-- <= 0) return;
      if (entry.dirty) continue;
      entry.short -= this.hostsOf.get(entry.task)?.counts.get(key) ?? 1;
      if (entry.short <= 0) this.markDirty(entry);
    }
  }

  private markDirty(entry: Parked<T>): void {
    if (entry.dirty) return;
    entry.dirty = true;
    this.dirty++;
  }

  private armTimer(now: number): void {
    if (this.waiting.length === 0) return;
    const at = this.budget.nextChangeAt(now);
    if (at === undefined || at >= this.timerAt) return;
    clearTimeout(this.timer);
    this.timerAt = at;
    this.timer = setTimeout(
      () => {
        this.timer = undefined;
        this.timerAt = Infinity;
        for (const entry of this.waiting) this.markDirty(entry);
        this.options.onWake();
      },
      at - now + 1,
    );
  }
}
