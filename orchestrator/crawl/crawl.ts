/**
 * A breadth-first crawl on the fan-out: the links that records already report (`links`) are the
 * next wave's URLs, and each wave runs on a {@link RunSession} as batches of normal runs, so robots.txt,
 * Crawl-delay and the per-host budget hold across the whole crawl, on local workers or Lambda alike.
 *
 * - Exactly once: a URL is admitted (given a depth and a `from`) the first time a record links to
 *   it, and the seen-set (64-bit hashes, url-hash-set.ts) keeps it from being admitted again, so
 *   each URL gets one record per crawl however many pages link to it. A redirect's target counts
 *   as seen too: it was fetched.
 * - Memory: the seen-set (8 bytes a slot) and one batch; the frontier is on disk (frontier.ts).
 * - Resume: {@link Crawl.replay} feeds the records of an interrupted crawl's output back in file
 *   order, which re-makes every admission the crawl made (same seeds and options), and
 *   {@link Crawl.pending} keeps only the URLs still without a record.
 * - Checkpoints (a scheduled crawl, one process after another): {@link Crawl.snapshot} after a
 *   {@link Crawl.run} gives the seen-set's bytes and the frontier still without a record, and
 *   {@link Crawl.restore} in the next process carries on from them, mid-wave if need be.
 */
import type { Outcome } from '../../core/contract';
import { crawlRecord, type CrawlRecord } from '../../core/crawl-record';
import { normaliseUrl } from '../../core/normalise-url';
import type { UrlFilter } from '../../core/url-pattern';
import type { RunSession } from '../run-session';
import { UrlHashSet } from '../url-hash-set';
import { FrontierStore } from './frontier';
import { scopeTest, type CrawlScope, type ScopeTest } from './scope';

export interface CrawlOptions {
  /** Normalised, de-duplicated http(s) URLs: depth 0. */
  seeds: readonly string[];
  /** Links are followed from pages up to this depth, so pages up to it are fetched. */
  maxDepth: number;
  /** URLs admitted at most, seeds included. @default Infinity */
  maxPages?: number;
  /** @default 'host' */
  scope?: CrawlScope;
  /** Links must also pass this (`--include` / `--exclude`); seeds need not. @default all pass */
  filter?: UrlFilter;
  /** URLs per run of a wave. @default 10000 */
  batchSize?: number;
  /** An existing, empty folder for the frontier files; the caller removes it. */
  dir: string;
  /** A wave starts. */
  onWave?: (wave: WaveStart) => void;
  /**
   * The crawl will be {@link Crawl.snapshot}ted after {@link Crawl.run}: remember which URLs get a
   * record (a second seen-set, 8 bytes a slot), so that the snapshot leaves them out. @default false
   */
  checkpoints?: boolean;
}

/** What a crawl carries from one process to the next, besides its options (a scheduled crawl's checkpoint). */
export interface CrawlSnapshot {
  /** The seen-set, as UrlHashSet.toBuffer gives it. */
  seen: Uint8Array;
  /** Admitted URLs still without a record, by depth: `[url, from]` lines (frontier.ts). */
  frontier: { depth: number; text: string }[];
  progress: CrawlProgress;
}

/** The crawl's counters, as a snapshot carries them. */
export interface CrawlProgress {
  /** The depth of the last wave started; -1 before the first. */
  depth: number;
  waves: number;
  pagesByDepth: number[];
  admitted: number;
  /** Records of admitted URLs. */
  done: number;
  overMaxPages: number;
}

export interface WaveStart {
  depth: number;
  /** URLs in the wave. */
  urls: number;
  /** URLs seen so far (admitted, or reached by a redirect). */
  seen: number;
}

export interface CrawlStats {
  /** Waves run (a resumed crawl's first wave may be a part of one; a restored crawl's count on from its snapshot's). */
  waves: number;
  /** Records written by this process (and the processes before it, for a restored crawl), by depth. */
  pagesByDepth: number[];
  /** URLs admitted, seeds included. */
  admitted: number;
  /** Admitted URLs still without a record (0 when the crawl completed). */
  frontier: number;
  seen: number;
  /** The seen-set's table, bytes. */
  seenBytes: number;
  /** Links in scope not followed because `maxPages` was reached. */
  overMaxPages: number;
}

export class Crawl {
  private seen = new UrlHashSet();
  private readonly frontier: FrontierStore;
  private readonly inScope: ScopeTest;
  private readonly maxPages: number;
  private admitted = 0;
  /** Records of admitted URLs, replayed ones included. */
  private done = 0;
  private overMaxPages = 0;
  private waves = 0;
  /** The depth of the last wave started: a restored crawl that goes on with it does not count it again. */
  private lastWave = -1;
  private pagesByDepth: number[] = [];
  /** While resuming, or all along with `checkpoints`: the URLs that have a record. */
  private recorded: UrlHashSet | undefined;

  constructor(private readonly options: CrawlOptions) {
    this.frontier = new FrontierStore(options.dir);
    this.inScope = scopeTest(options.seeds, options.scope ?? 'host');
    this.maxPages = options.maxPages ?? Number.POSITIVE_INFINITY;
    if (options.seeds.length > this.maxPages) throw new RangeError(`maxPages (${this.maxPages}) is less than the ${options.seeds.length} seeds`);
    if (options.checkpoints) this.recorded = new UrlHashSet();
  }

  /** Admits the seeds; call once, before {@link replay} or {@link run}. */
  async start(): Promise<void> {
    for (const seed of this.options.seeds) await this.admit(seed, 0, null);
  }

  /** Feeds back one record of an interrupted crawl's output, in file order (resume). */
  async replay(record: CrawlRecord): Promise<void> {
    this.recorded ??= new UrlHashSet();
    this.recorded.add(record.url);
    // Recorded means fetched, even if these options would not admit it now.
    this.seen.add(record.url);
    this.done++;
    await this.discover(record, record.depth);
  }

  /**
   * Instead of {@link start}: carries on from a {@link snapshot} taken with the same seeds and
   * options, in the frontier's files and with its counters; a wave it was in goes on where it stopped.
   * Throws RangeError when the seen-set's bytes are not a seen-set.
   */
  async restore(snapshot: CrawlSnapshot): Promise<void> {
    this.seen = UrlHashSet.fromBuffer(snapshot.seen);
    for (const { depth, text } of snapshot.frontier) await this.frontier.load(depth, text);
    const progress = snapshot.progress;
    this.lastWave = progress.depth;
    this.waves = progress.waves;
    this.pagesByDepth = [...progress.pagesByDepth];
    this.admitted = progress.admitted;
    this.done = progress.done;
    this.overMaxPages = progress.overMaxPages;
  }

  /**
   * After {@link run} (or {@link start}) of a crawl made with `checkpoints`: its state, the URLs that
   * got a record left out of the frontier. The crawl is done with after this.
   */
  async snapshot(): Promise<CrawlSnapshot> {
    if (this.recorded === undefined) throw new Error('snapshot() needs a crawl made with checkpoints: true');
    await this.pending();
    const frontier: CrawlSnapshot['frontier'] = [];
    for (const depth of this.frontier.depths()) frontier.push({ depth, text: await this.frontier.read(depth) });
    const { waves, admitted, done, overMaxPages } = this;
    return { seen: this.seen.toBuffer(), frontier, progress: { depth: this.lastWave, waves, pagesByDepth: this.stats.pagesByDepth, admitted, done, overMaxPages } };
  }

  /** After {@link replay}: drops the admitted URLs that have a record. Returns the URLs left to do. */
  async pending(): Promise<number> {
    const recorded = this.recorded;
    if (recorded === undefined) return this.admitted;
    let left = 0;
    for (const depth of this.frontier.depths()) left += await this.frontier.retain(depth, ([url]) => !recorded.has(url));
    this.recorded = undefined;
    return left;
  }

  /**
   * Runs the waves on `session`, writing one record per admitted URL (with its depth and `from`)
   * until the frontier is empty, `maxDepth` is passed, or the session halts (a stop: the output
   * then resumes).
   */
  async run(session: RunSession, write: (record: CrawlRecord) => Promise<void>, tick: () => void = () => {}): Promise<void> {
    const batchSize = this.options.batchSize ?? 10_000;
    for (let depth = 0; depth <= this.options.maxDepth && !session.halted; depth++) {
      const urls = this.frontier.count(depth);
      if (urls === 0) continue;
      if (depth !== this.lastWave) {
        this.waves++;
        this.lastWave = depth;
        this.options.onWave?.({ depth, urls, seen: this.seen.size });
      }
      for await (const entries of this.frontier.batches(depth, batchSize)) {
        if (session.halted) break;
        const fromOf = new Map(entries);
        await session.runBatch(
          entries.map(([url]) => url),
          async (outcome) => {
            await write(crawlRecord(outcome, { depth, from: fromOf.get(outcome.url) ?? null }));
            this.recorded?.add(outcome.url);
            this.done++;
            this.pagesByDepth[depth] = (this.pagesByDepth[depth] ?? 0) + 1;
            await this.discover(outcome, depth);
          },
          tick,
        );
      }
    }
    await this.frontier.close();
  }

  /** URLs admitted so far (the progress total). */
  get total(): number {
    return this.admitted;
  }

  get stats(): CrawlStats {
    return {
      waves: this.waves,
      pagesByDepth: Array.from(this.pagesByDepth, (n) => n ?? 0),
      admitted: this.admitted,
      frontier: Math.max(0, this.admitted - this.done),
      seen: this.seen.size,
      seenBytes: this.seen.bytes,
      overMaxPages: this.overMaxPages,
    };
  }

  /** The links of a page at `depth`: each new one in scope is admitted at `depth + 1`. */
  private async discover(record: Outcome, depth: number): Promise<void> {
    if (!record.ok) return;
    if (record.finalUrl !== record.url) {
      const final = normaliseUrl(record.finalUrl);
      if (final.ok) this.seen.add(final.url);
    }
    if (depth >= this.options.maxDepth) return;
    for (const link of record.links) {
      const url = normaliseUrl(link);
      if (!url.ok || this.seen.has(url.url) || !this.inScope(url.url) || (this.options.filter && !this.options.filter(url.url))) continue;
      if (this.admitted >= this.maxPages) {
        this.overMaxPages++;
        continue;
      }
      await this.admit(url.url, depth + 1, record.url);
    }
  }

  private async admit(url: string, depth: number, from: string | null): Promise<void> {
    if (!this.seen.add(url)) return;
    this.admitted++;
    await this.frontier.append(depth, [url, from]);
  }
}
