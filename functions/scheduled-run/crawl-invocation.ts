/**
 * A scheduled crawl's part of one invocation. The first reads the seeds and writes the crawl's
 * starting state; every invocation then restores the crawl from the checkpoint's objects, runs as
 * much of its waves as the time budget allows on a RunSession (robots.txt, Crawl-delay and the
 * per-host budget as `fanout crawl` has them), and writes the next state. orchestrate.ts writes the
 * checkpoint and hands over.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { crawlRecord } from '../../core/crawl-record';
import type { CrawlSettings } from '../../core/crawl-spec';
import { UsageError } from '../../core/errors';
import { splitSettings } from '../../core/schedule-input';
import { urlFilter } from '../../core/url-pattern';
import type { UrlList } from '../../orchestrator';
import { Crawl } from '../../orchestrator/crawl/crawl';
import type { FrontierEntry } from '../../orchestrator/crawl/frontier';
import { RunSession } from '../../orchestrator/run-session';
import type { Checkpoint } from './checkpoint';
import { loadCrawlState, saveCrawlState, saveSeeds, type CrawlState } from './crawl-state';
import type { OrchestrateDeps } from './orchestrate-deps';
import type { PartWriter } from './part-writer';
import { startTimeBudget } from './time-budget';

/** Where this invocation writes. */
export interface InvocationPlace {
  runPrefix: string;
  /** The generation this invocation's checkpoint will have. */
  generation: number;
  requestId: string;
}

/**
 * The first invocation: records for the invalid seed lines, the seeds object, and the state of a
 * crawl that has admitted its seeds. Throws UsageError when no seed is an http(s) URL or `maxPages`
 * is below the seeds.
 */
export async function startCrawl(settings: CrawlSettings, seeds: UrlList, deps: OrchestrateDeps, at: InvocationPlace, out: PartWriter): Promise<CrawlState> {
  if (seeds.urls.length === 0) throw new UsageError('no seed to crawl from: the seeds hold no http(s) URL; give at least one, such as https://example.com/');
  if (settings.maxPages !== undefined && settings.maxPages < seeds.urls.length) {
    throw new UsageError(`crawl.maxPages ${settings.maxPages} is less than the ${seeds.urls.length} seeds; raise it or give fewer seeds`);
  }
  for (const outcome of seeds.invalid) await out.write(crawlRecord(outcome, { depth: 0, from: null }));
  const seedsObject = await saveSeeds(deps.store, at.runPrefix, seeds.urls);
  return withCrawl(settings, seeds.urls, async (crawl) => {
    await crawl.start();
    const { seen, seenBytes } = crawl.stats;
    return saveCrawlState(deps.store, at, await crawl.snapshot(), { settings, seeds: seedsObject, seenUrls: seen, seenBytes });
  });
}

/** What a crawl invocation changes in the checkpoint, besides the parts and counts `out` holds. */
export type CrawlAdvance = Pick<Checkpoint, 'crawl' | 'crawlDelayMs' | 'hostNotBefore' | 'robotsFetches' | 'done'>;

/**
 * Runs the crawl of `checkpoint` for this invocation's time; on its last allowed invocation, the
 * URLs still in the frontier get a `worker-failed` record each, and the crawl ends.
 * @throws RunAbortedError when an invoke failed in a way no retry can fix (as a list run does)
 */
export async function advanceCrawl(checkpoint: Checkpoint & { crawl: CrawlState }, deps: OrchestrateDeps, at: InvocationPlace, out: PartWriter): Promise<CrawlAdvance> {
  const state = checkpoint.crawl;
  const { run: settings, scrape } = splitSettings(checkpoint.settings);
  const { seeds, snapshot } = await loadCrawlState(deps.store, state);
  return withCrawl(state.settings, seeds, async (crawl) => {
    await crawl.restore(snapshot);
    const budget = startTimeBudget(deps.remainingMs(), deps.workerTimeoutMs, deps.setTimer);
    const invoker = deps.createInvoker(settings.invokeConcurrency);
    const session = new RunSession({
      runId: `${checkpoint.runId}.g${at.generation}`,
      invoker,
      scrape: { ...scrape, allowPrivateProxy: false },
      robots: settings.robots,
      chunkSize: settings.chunkSize,
      concurrency: settings.invokeConcurrency,
      chunkRetries: settings.chunkRetries,
      // A copy of a straggling chunk fetches its URLs a second time: a crawl promises at most once.
      maxSpeculativeCopies: 0,
      stopSignal: budget.stop,
      signal: budget.hard,
    });
    // The gap a Crawl-delay host owes began in the previous invocation.
    for (const [host, until] of Object.entries(checkpoint.hostNotBefore ?? {})) session.budget.holdUntil(host, until);
    try {
      await crawl.run(session, (record) => out.write(record));
    } finally {
      budget.cancel();
      await session.close();
      await invoker.close();
    }
    if (session.aborted) throw session.aborted;
    const crawlDelayMs = { ...checkpoint.crawlDelayMs };
    const now = Date.now();
    const hostNotBefore = Object.fromEntries(Object.entries(checkpoint.hostNotBefore ?? {}).filter(([, until]) => until > now));
    for (const host of session.delayedHosts) {
      const { intervalMs, notBefore } = session.budget.state(host);
      crawlDelayMs[host] = intervalMs;
      if (notBefore > now) hostNotBefore[host] = notBefore;
    }
    const { seen, seenBytes } = crawl.stats;
    const next = await crawl.snapshot();
    if (next.frontier.length > 0 && checkpoint.invocations + 1 >= settings.maxInvocations) {
      await giveUp(next, settings.maxInvocations, out);
      next.frontier = [];
    }
    const saved = await saveCrawlState(deps.store, at, next, { settings: state.settings, seeds: state.seeds, seenUrls: seen, seenBytes });
    return { crawl: saved, crawlDelayMs, hostNotBefore, robotsFetches: (checkpoint.robotsFetches ?? 0) + session.totals.robotsFetches, done: saved.frontier.length === 0 };
  });
}

/** Out of invocations: each URL left in the frontier gets a record that says so (and counts as done). */
async function giveUp(snapshot: Awaited<ReturnType<Crawl['snapshot']>>, maxInvocations: number, out: PartWriter): Promise<void> {
  const { progress } = snapshot;
  for (const { depth, text } of snapshot.frontier) {
    for (const line of text.split('\n')) {
      if (line === '') continue;
      const [url, from] = JSON.parse(line) as FrontierEntry;
      const message = `not run: the crawl used all ${maxInvocations} orchestrator invocations`;
      await out.write(crawlRecord({ url, ok: false, attempts: 0, error: { kind: 'worker-failed', message } }, { depth, from }));
      progress.done++;
      progress.pagesByDepth[depth] = (progress.pagesByDepth[depth] ?? 0) + 1;
    }
  }
}

/** Runs `use` on a Crawl of `settings` from `seeds` that can be snapshotted, its frontier in a temporary folder. */
async function withCrawl<T>(settings: CrawlSettings, seeds: readonly string[], use: (crawl: Crawl) => Promise<T>): Promise<T> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'fanout-crawl-'));
  try {
    const { maxDepth, maxPages, scope, include, exclude } = settings;
    return await use(new Crawl({ seeds, maxDepth, maxPages, scope, filter: urlFilter(include, exclude), dir, checkpoints: true }));
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
