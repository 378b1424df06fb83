/**
 * One run made of several batches of URLs that are not all known at the start: the batches of a
 * sitemap set as its files arrive, the waves of a crawl. Each batch is a normal fan-out run
 * (robots.txt, chunks, runChunks on the caller's invoker), and what must hold across the whole run
 * is kept here: one robots.txt fetch per origin, one per-host budget (Crawl-delays, slowed hosts,
 * `perHost` requests in flight), the stop signals, and the counters for the summary.
 *
 * Batches run one after another: a batch ends when its last chunk does, so each batch boundary
 * waits for a straggler (measured small next to batches of thousands of URLs); runChunks taking a
 * stream of chunks would remove that wait.
 */
import { randomUUID } from 'node:crypto';
import { ROBOTS_AGENT_TOKEN, type Outcome } from '../core/contract';
import { RUN_DEFAULTS } from '../core/run-control';
import { chunkUrls, defaultChunkSize } from './chunk';
import type { HostBudget } from './host-budget';
import { createHostBudget, preparePoliteness } from './politeness';
import { RobotsCache } from './robots';
import { RunAbortedError, runChunks, type RunProgress } from './run';
import type { RunUrlsOptions } from './run-urls';

export type RunSessionOptions = Omit<RunUrlsOptions, 'onPoliteness'> & {
  /** Sent to workers as `<runId>.<batch>`. @default a random id */
  runId?: string;
};

/** Counters over every batch so far. */
export interface SessionTotals {
  batches: number;
  /** URLs handed to {@link RunSession.runBatch}. */
  urls: number;
  /** Outcomes recorded (robots-disallowed ones included). */
  recorded: number;
  invocations: number;
  throttles: number;
  speculative: number;
  /** robots.txt files fetched. */
  robotsFetches: number;
  /** Hosts with a Crawl-delay. */
  crawlDelayHosts: number;
}

/**
 * @example
 * const session = new RunSession({ invoker, scrape, robots: 'obey', stopSignal });
 * try {
 *   for await (const urls of batches) {
 *     if (session.halted) break;
 *     await session.runBatch(urls, write);
 *   }
 * } finally {
 *   await session.close();
 * }
 * if (session.aborted) throw session.aborted;
 */
export class RunSession {
  readonly runId: string;
  /** The run-wide per-host budget, shared by every batch. */
  readonly budget: HostBudget;
  /** robots.txt for every batch (and for sitemap fetches); undefined with robots `ignore`. */
  readonly robots: RobotsCache | undefined;
  readonly totals: SessionTotals = { batches: 0, urls: 0, recorded: 0, invocations: 0, throttles: 0, speculative: 0, robotsFetches: 0, crawlDelayHosts: 0 };
  /** A batch ended before all its URLs had an outcome (a stop): no batch runs after it. */
  interrupted = false;
  /** An invoke failed in a way no retry can fix: no batch runs after it. */
  aborted: RunAbortedError | undefined;
  private readonly crawlDelayHosts = new Set<string>();

  /** Host keys (`host:port`) whose robots.txt set a Crawl-delay: `budget.state(host)` has the delay and when the host may next be asked. */
  get delayedHosts(): ReadonlySet<string> {
    return this.crawlDelayHosts;
  }

  constructor(readonly options: RunSessionOptions) {
    const { invoker, scrape } = options;
    this.runId = options.runId ?? randomUUID();
    this.budget = createHostBudget({ perHost: scrape.perHost, workerConcurrency: scrape.concurrency, chunkConcurrency: options.concurrency ?? invoker.capacity });
    this.robots =
      (options.robots ?? RUN_DEFAULTS.robots) === 'obey'
        ? new RobotsCache({ userAgent: scrape.userAgent, agentToken: ROBOTS_AGENT_TOKEN, allowPrivate: scrape.allowPrivate })
        : undefined;
  }

  /** No more batches should run: stopped, interrupted or aborted. */
  get halted(): boolean {
    return this.interrupted || this.aborted !== undefined || this.options.stopSignal?.aborted === true || this.options.signal?.aborted === true;
  }

  /**
   * Runs `urls` (valid, normalised, new to this session) as one fan-out run and hands every
   * outcome to `record` as it arrives; `tick` runs after each and once a second. Does nothing once
   * {@link halted}. Returns the batch's run counters.
   */
  async runBatch(urls: readonly string[], record: (outcome: Outcome) => Promise<void>, tick: () => void = () => {}): Promise<Readonly<RunProgress> | undefined> {
    if (this.halted || urls.length === 0) return undefined;
    const { invoker, scrape } = this.options;
    const batch = this.totals.batches++;
    this.totals.urls += urls.length;
    const polite = await preparePoliteness(urls, {
      robots: this.robots === undefined ? 'ignore' : 'obey',
      perHost: scrape.perHost,
      workerConcurrency: scrape.concurrency,
      chunkConcurrency: this.options.concurrency ?? invoker.capacity,
      userAgent: scrape.userAgent,
      allowPrivate: scrape.allowPrivate,
      robotsCache: this.robots,
    });
    // The batch's own budget is dropped: this session's carries the Crawl-delays (and every slow-down) from batch to batch.
    for (const [host, delayMs] of polite.robots.crawlDelayMs) {
      this.budget.setCrawlDelay(host, delayMs);
      this.crawlDelayHosts.add(host);
    }
    this.totals.crawlDelayHosts = this.crawlDelayHosts.size;
    this.totals.robotsFetches = this.robots?.fetches ?? 0;
    for (const outcome of polite.disallowed) {
      this.totals.recorded++;
      await record(outcome);
    }
    if (polite.allowed.length === 0) return undefined;
    const chunkSize = this.options.chunkSize ?? defaultChunkSize(polite.allowed.length, invoker.workers ?? invoker.capacity);
    const run = runChunks(chunkUrls(polite.allowed, chunkSize), invoker, {
      runId: `${this.runId}.${batch}`,
      // As in runUrls: obeyed robots.txt holds on redirects too, the workers checking every hop.
      scrape: this.robots === undefined ? scrape : { ...scrape, robotsOnRedirect: scrape.robotsOnRedirect ?? { agentToken: ROBOTS_AGENT_TOKEN, origins: {} } },
      knownRobots: polite.knownRobots,
      hostBudget: this.budget,
      concurrency: this.options.concurrency,
      chunkRetries: this.options.chunkRetries,
      maxSpeculativeCopies: this.options.maxSpeculativeCopies,
      stopSignal: this.options.stopSignal,
      signal: this.options.signal,
      stopGraceMs: this.options.stopGraceMs,
      onResult: this.options.onResult,
      onChunkError: this.options.onChunkError,
    });
    const ticker = setInterval(tick, 1000);
    try {
      for await (const outcome of run) {
        this.totals.recorded++;
        await record(outcome);
        tick();
      }
    } catch (err) {
      if (!(err instanceof RunAbortedError)) throw err;
      this.aborted = err; // what arrived is recorded; the caller closes the output, so it stays valid
    } finally {
      clearInterval(ticker);
      this.totals.invocations += run.progress.invocations;
      this.totals.throttles += run.progress.throttles;
      this.totals.speculative += run.progress.speculative;
    }
    if (run.progress.state !== 'done') this.interrupted = true;
    return run.progress;
  }

  /** Closes the robots.txt cache's sockets; the invoker is the caller's. */
  async close(): Promise<void> {
    await this.robots?.close();
  }
}
