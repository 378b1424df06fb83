/**
 * A pool of proxies: which one carries the next request (round-robin, or sticky per host), which
 * ones are benched after failing repeatedly, and what each one did. Pure state with an injected
 * clock: the worker keeps one per chunk, the orchestrator one per run (robots.txt goes through it,
 * and it adds up what the workers report, benching run-wide what any worker benched).
 */
import { proxyLabel, type PoolProxySettings, type ProxyRotation, type ProxyStat, type ProxyUsage } from '../core/proxy';

export interface ProxyPoolOptions {
  /** @default 'request' */
  rotation?: ProxyRotation;
  /** @default 3 */
  benchAfterFailures?: number;
  /** @default 60000 */
  benchMs?: number;
  /** Already benched, by index, with the ms of bench left (from the orchestrator). */
  benchedMs?: Readonly<Record<string, number>>;
  /** Index the round-robin starts at (taken modulo the pool size). @default 0 */
  start?: number;
  /** @default Date.now */
  now?: () => number;
}

interface Entry {
  requests: number;
  failures: number;
  benchings: number;
  /** Failures since the last success; at `benchAfterFailures` or more, one more failure benches it. */
  inARow: number;
  /** Epoch ms; benched while now is before it. */
  benchedUntil: number;
  lastError?: string;
}

/** First choices remembered per host before the memory is dropped (each is recomputable). */
const MAX_REMEMBERED_HOSTS = 10_000;

/**
 * @example
 * const pool = ProxyPool.fromSettings(settings);
 * const index = pool.pick('example.com'); // undefined: every proxy is benched (or excluded)
 * pool.started(index); ... pool.succeeded(index) or pool.failed(index, 'connect ECONNREFUSED')
 */
export class ProxyPool {
  /** The proxies with their passwords redacted, in pool order: what records and the summary show. */
  readonly labels: readonly string[];
  private readonly entries: Entry[];
  private readonly rotation: ProxyRotation;
  private readonly benchAfterFailures: number;
  private readonly benchMs: number;
  private readonly now: () => number;
  private cursor: number;
  private readonly sticky = new Map<string, number>();

  constructor(
    /** The proxy URLs, credentials included: only dispatchers see these. */
    readonly urls: readonly string[],
    options: ProxyPoolOptions = {},
  ) {
    if (urls.length === 0) throw new RangeError('a proxy pool needs at least one proxy');
    this.labels = urls.map(proxyLabel);
    this.rotation = options.rotation ?? 'request';
    this.benchAfterFailures = options.benchAfterFailures ?? 3;
    this.benchMs = options.benchMs ?? 60_000; // 1 min
    this.now = options.now ?? Date.now;
    this.cursor = (options.start ?? 0) % urls.length;
    const at = this.now();
    this.entries = urls.map((_, i) => {
      const left = options.benchedMs?.[String(i)] ?? 0;
      return { requests: 0, failures: 0, benchings: 0, inARow: left > 0 ? this.benchAfterFailures : 0, benchedUntil: left > 0 ? at + left : 0 };
    });
  }

  /** The pool a worker event (or a run) describes. */
  static fromSettings(settings: PoolProxySettings, now?: () => number): ProxyPool {
    return new ProxyPool(settings.proxies, { ...settings, now });
  }

  get size(): number {
    return this.entries.length;
  }

  /** True while every proxy is benched: nothing can be sent. */
  get exhausted(): boolean {
    const at = this.now();
    return this.entries.every((entry) => entry.benchedUntil > at);
  }

  /**
   * The proxy for the next request to `host`, skipping benched ones and `exclude` (those already
   * tried for this request); undefined when none is left. Round-robin moves on at every pick; per
   * host, rendezvous hashing gives every worker the same answer, and benching a proxy moves only
   * its own hosts.
   */
  pick(host: string, exclude?: ReadonlySet<number>): number | undefined {
    const at = this.now();
    const usable = (i: number) => this.entries[i]!.benchedUntil <= at && !exclude?.has(i);
    if (this.rotation === 'request') {
      for (let step = 0; step < this.entries.length; step++) {
        const i = (this.cursor + step) % this.entries.length;
        if (usable(i)) {
          this.cursor = (i + 1) % this.entries.length;
          return i;
        }
      }
      return undefined;
    }
    // The host's first choice over the whole pool is remembered (it never changes); while it is
    // benched or excluded, the best of the others is worked out afresh, so every pool agrees.
    let first = this.sticky.get(host);
    if (first === undefined) {
      first = this.best(host, () => true)!;
      if (this.sticky.size >= MAX_REMEMBERED_HOSTS) this.sticky.clear();
      this.sticky.set(host, first);
    }
    return usable(first) ? first : this.best(host, usable);
  }

  /** The usable proxy with the highest rendezvous score for `host`. */
  private best(host: string, usable: (i: number) => boolean): number | undefined {
    let best: number | undefined;
    let bestScore = -1;
    for (let i = 0; i < this.entries.length; i++) {
      if (!usable(i)) continue;
      const score = rendezvousScore(host, i);
      if (score > bestScore) {
        best = i;
        bestScore = score;
      }
    }
    return best;
  }

  /** A request is going out through proxy `index`. */
  started(index: number): void {
    this.entries[index]!.requests++;
  }

  /** Proxy `index` carried a request to the target: its failures in a row start again. */
  succeeded(index: number): void {
    this.entries[index]!.inARow = 0;
  }

  /** Proxy `index` failed a request (`reason` must not hold a password); it is benched at the limit. */
  failed(index: number, reason: string): void {
    const entry = this.entries[index]!;
    const at = this.now();
    entry.failures++;
    entry.inARow++;
    entry.lastError = reason;
    if (entry.inARow >= this.benchAfterFailures && entry.benchedUntil <= at) {
      entry.benchedUntil = at + this.benchMs;
      entry.benchings++;
    }
  }

  /** Benched proxies, by index, with the ms of bench left: for the next worker event. */
  benchedMs(): Record<string, number> {
    const at = this.now();
    const left: Record<string, number> = {};
    this.entries.forEach((entry, i) => {
      if (entry.benchedUntil > at) left[String(i)] = entry.benchedUntil - at;
    });
    return left;
  }

  /** What this pool did, by index: a worker's report at the end of its chunk. */
  usage(): ProxyUsage[] {
    const at = this.now();
    return this.entries.map((entry) => ({
      requests: entry.requests,
      failures: entry.failures,
      benchings: entry.benchings,
      benchedMs: Math.max(0, entry.benchedUntil - at),
      ...(entry.lastError === undefined ? {} : { lastError: entry.lastError }),
    }));
  }

  /** Adds a worker's report: its counts, and its benches (run-wide from now on). */
  merge(usage: readonly ProxyUsage[]): void {
    const at = this.now();
    usage.forEach((report, i) => {
      const entry = this.entries[i];
      if (entry === undefined) return;
      entry.requests += report.requests;
      entry.failures += report.failures;
      entry.benchings += report.benchings;
      if (report.lastError !== undefined) entry.lastError = report.lastError;
      if (report.benchedMs > 0) {
        entry.benchedUntil = Math.max(entry.benchedUntil, at + report.benchedMs);
        entry.inARow = Math.max(entry.inARow, this.benchAfterFailures);
      }
    });
  }

  /** The summary's view: every proxy by its label, with its counts. */
  stats(): ProxyStat[] {
    return this.entries.map((entry, i) => ({
      proxy: this.labels[i]!,
      requests: entry.requests,
      failures: entry.failures,
      benched: entry.benchings,
      ...(entry.lastError === undefined ? {} : { lastError: entry.lastError }),
    }));
  }
}

/** A well-mixed 32-bit score of (host, proxy) for rendezvous hashing: FNV-1a, then murmur3's finaliser. */
export function rendezvousScore(host: string, index: number): number {
  let h = 0x811c9dc5;
  const key = `${index}\u0000${host}`;
  for (let i = 0; i < key.length; i++) {
    h ^= key.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}
