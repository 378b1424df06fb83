/**
 * One invocation of a scheduled run: start it (read the list, write checkpoint 0) or continue it from
 * its checkpoint, run pending URLs until the time budget is spent, write their records as a part
 * file, advance the checkpoint, then either finish (results.jsonl + summary.json) or hand over to a
 * fresh invocation. A scheduled crawl does the same with its frontier (crawl-invocation.ts) in place
 * of the pending list. Every AWS dependency comes in through {@link OrchestrateDeps}.
 */
import { Readable } from 'node:stream';
import type { Outcome } from '../../core/contract';
import { assertPrivateAllowed } from '../../core/deploy';
import type { RunSummary } from '../../core/summary';
import { countOutcome, summaryCounts } from '../../report/summary-builder';
import { chunkUrls, createHostBudget, defaultChunkSize, preparePoliteness, readUrls, runChunks, type UrlList } from '../../orchestrator';
import {
  CHECKPOINT_VERSION,
  checkpointKey,
  continuationOf,
  emptyCounts,
  encodeCheckpoint,
  partKey,
  resultsKey,
  runPrefixFor,
  summaryKey,
  verifyCheckpoint,
  type Checkpoint,
  type RunCounts,
} from './checkpoint';
import { runSource, splitSettings, type ContinueInput, type CrawlSource, type ListSource, type OrchestratorEvent, type RunInput } from '../../core/schedule-input';
import { advanceCrawl, startCrawl } from './crawl-invocation';
import type { CrawlState } from './crawl-state';
import { PreconditionFailedError, type ObjectStore } from './object-store';
import type { OrchestrateDeps } from './orchestrate-deps';
import { PartWriter } from './part-writer';
import { startTimeBudget } from './time-budget';

export { PART_FLUSH_BYTES } from './part-writer';
export { HANDOVER_MARGIN_MS } from './time-budget';

export type { OrchestrateDeps } from './orchestrate-deps';

/** Records this invocation wrote (for its metrics). */
export interface InvocationCounts {
  records: number;
  ok: number;
  failed: number;
}

/** A scheduled crawl's progress after an invocation (logged by the handler). */
export interface CrawlProgressReport {
  /** The depth of the wave in progress (or the last one run). */
  depth: number;
  waves: number;
  /** Admitted URLs still without a record. */
  frontier: number;
  pagesByDepth: number[];
}

export type OrchestrateResult =
  | { status: 'done'; runPrefix: string; counts: RunCounts; invocation: InvocationCounts; crawl?: CrawlProgressReport }
  | { status: 'continued'; runPrefix: string; generation: number; pending: number; invocation: InvocationCounts; crawl?: CrawlProgressReport }
  | { status: 'stale'; runPrefix: string };

export async function orchestrate(event: OrchestratorEvent, deps: OrchestrateDeps): Promise<OrchestrateResult> {
  const loaded = 'continue' in event ? await load(event, deps) : await start(event, deps);
  if (!loaded) return { status: 'stale', runPrefix: 'continue' in event ? event.continue.runPrefix : '' };
  let { checkpoint, etag } = loaded;
  // A continuation's checkpoint holds earlier invocations' counts; a start's holds records it wrote itself.
  const before = 'continue' in event ? checkpoint.counts : emptyCounts();
  const next = await advance(checkpoint, deps);
  const invocation = { records: next.counts.records - before.records, ok: next.counts.ok - before.ok, failed: next.counts.failed - before.failed };
  const written = encodeCheckpoint(next);
  try {
    etag = await deps.store.put(checkpointKey(next.runPrefix), written.body, { ifMatch: etag });
  } catch (error) {
    if (error instanceof PreconditionFailedError) return { status: 'stale', runPrefix: next.runPrefix };
    throw error;
  }
  checkpoint = next;
  const crawl = checkpoint.crawl && crawlReport(checkpoint.crawl);
  if (!checkpoint.done) {
    await deps.continueWith(continuationOf(checkpoint, written.sha256));
    const pending = crawl?.frontier ?? checkpoint.pending.length;
    return { status: 'continued', runPrefix: checkpoint.runPrefix, generation: checkpoint.generation, pending, invocation, ...(crawl && { crawl }) };
  }
  await deps.store.concat(checkpoint.parts, resultsKey(checkpoint.runPrefix));
  await deps.store.put(summaryKey(checkpoint.runPrefix), JSON.stringify(summaryOf(checkpoint, deps.now?.() ?? new Date()), null, 2));
  return { status: 'done', runPrefix: checkpoint.runPrefix, counts: checkpoint.counts, invocation, ...(crawl && { crawl }) };
}

function crawlReport({ progress }: CrawlState): CrawlProgressReport {
  return { depth: progress.depth, waves: progress.waves, frontier: progress.admitted - progress.done, pagesByDepth: progress.pagesByDepth };
}

async function start(input: RunInput, deps: OrchestrateDeps): Promise<{ checkpoint: Checkpoint; etag: string }> {
  assertPrivateAllowed(input.options.allowPrivate, deps.allowPrivate, 'orchestrator');
  const startedAt = deps.now?.() ?? new Date();
  const runPrefix = runPrefixFor(input.schedule, startedAt);
  const source = runSource(input);
  const urls = source.list ?? source.crawl.seeds;
  const list = await readUrls(Readable.from(['urls' in urls ? urls.urls.join('\n') : await readList(urls.s3Key, deps.store)]));
  const checkpoint = source.crawl
    ? await crawlCheckpoint(input, source.crawl, list, runPrefix, startedAt, deps)
    : await listCheckpoint(input, source.list, list, runPrefix, startedAt, deps);
  const etag = await deps.store.put(checkpointKey(runPrefix), encodeCheckpoint(checkpoint).body, { ifNoneMatch: '*' });
  return { checkpoint, etag };
}

/** The fields a new run's checkpoint 0 has whatever its source. */
function firstCheckpoint(input: RunInput, listKey: string | null, list: UrlList, runPrefix: string, startedAt: Date): Omit<Checkpoint, 'pending' | 'parts' | 'counts'> {
  const { lines, skipped, valid, duplicates, invalid } = list.counts;
  return {
    version: CHECKPOINT_VERSION,
    runId: `${input.schedule}-${startedAt.getTime()}`,
    schedule: input.schedule,
    listKey,
    runPrefix,
    startedAt: startedAt.toISOString(),
    generation: 0,
    invocations: 0,
    settings: input.options,
    input: { lines, skipped, valid, duplicates, invalid },
    done: false,
  };
}

/** A crawl's checkpoint 0: its seeds admitted, nothing fetched (robots.txt is read as the waves run). */
async function crawlCheckpoint(input: RunInput, crawl: CrawlSource, seeds: UrlList, runPrefix: string, startedAt: Date, deps: OrchestrateDeps): Promise<Checkpoint> {
  const at = { runPrefix, generation: 0, requestId: deps.requestId };
  const out = new PartWriter(deps.store, at, [], emptyCounts());
  const { seeds: _seeds, ...settings } = crawl;
  const state = await startCrawl(settings, seeds, deps, at, out);
  await out.flush();
  const listKey = 's3Key' in crawl.seeds ? crawl.seeds.s3Key : null;
  return {
    ...firstCheckpoint(input, listKey, seeds, runPrefix, startedAt),
    pending: [],
    crawl: state,
    crawlDelayMs: {},
    robotsFetches: 0,
    parts: out.parts,
    counts: out.counts,
  };
}

/** A list's checkpoint 0: robots.txt read, the invalid and disallowed lines recorded, the rest pending. */
async function listCheckpoint(input: RunInput, source: ListSource, list: UrlList, runPrefix: string, startedAt: Date, deps: OrchestrateDeps): Promise<Checkpoint> {
  // robots.txt once per run, here: continuations only see the allowed URLs and the Crawl-delays.
  const { run, scrape } = splitSettings(input.options);
  const polite = await preparePoliteness(list.urls, {
    robots: run.robots,
    perHost: scrape.perHost,
    workerConcurrency: scrape.concurrency,
    chunkConcurrency: run.invokeConcurrency,
    userAgent: scrape.userAgent,
    allowPrivate: scrape.allowPrivate,
  });
  const counts = emptyCounts();
  const parts: string[] = [];
  const unfetched = [...list.invalid, ...polite.disallowed];
  if (unfetched.length > 0) {
    const key = partKey(runPrefix, 0, deps.requestId, 0);
    await deps.store.put(key, toJsonl(unfetched));
    for (const o of unfetched) countOutcome(counts, o);
    parts.push(key);
  }
  return {
    ...firstCheckpoint(input, 's3Key' in source ? source.s3Key : null, list, runPrefix, startedAt),
    pending: polite.allowed,
    crawlDelayMs: Object.fromEntries(polite.robots.crawlDelayMs),
    robotsFetches: polite.robots.fetches,
    parts,
    counts,
  };
}

async function load(event: ContinueInput, deps: OrchestrateDeps): Promise<{ checkpoint: Checkpoint; etag: string } | undefined> {
  const key = checkpointKey(event.continue.runPrefix);
  const object = await deps.store.get(key);
  if (!object) throw new Error(`no checkpoint at ${key}`);
  const { checkpoint, stale } = verifyCheckpoint(object.body, key, event.continue);
  if (stale) return undefined;
  // A run started before the stack was redeployed with the switch off stops here.
  assertPrivateAllowed(checkpoint.settings.allowPrivate, deps.allowPrivate, 'orchestrator');
  return { checkpoint, etag: object.etag };
}

/** Runs pending URLs (or the crawl) within this invocation's budget; returns the next checkpoint. */
async function advance(checkpoint: Checkpoint, deps: OrchestrateDeps): Promise<Checkpoint> {
  const at = { runPrefix: checkpoint.runPrefix, generation: checkpoint.generation + 1, requestId: deps.requestId };
  const out = new PartWriter(deps.store, at, [...checkpoint.parts], structuredClone(checkpoint.counts));
  const { crawl } = checkpoint;
  const changed = crawl ? await advanceCrawl({ ...checkpoint, crawl }, deps, at, out) : await advanceList(checkpoint, deps, out);
  await out.flush();
  return { ...checkpoint, ...changed, generation: at.generation, invocations: checkpoint.invocations + 1, parts: out.parts, counts: out.counts };
}

/** A list run's part of {@link advance}: what changes besides the parts and counts. */
async function advanceList(checkpoint: Checkpoint, deps: OrchestrateDeps, out: PartWriter): Promise<Pick<Checkpoint, 'pending' | 'hostNotBefore' | 'done'>> {
  const { run: settings, scrape } = splitSettings(checkpoint.settings);
  const done = new Set<string>();
  const write = async (outcome: Outcome) => {
    await out.write(outcome);
    done.add(outcome.url);
  };

  const hostNotBefore: Record<string, number> = {};
  const lastInvocation = checkpoint.invocations + 1 >= settings.maxInvocations;
  if (checkpoint.pending.length > 0) {
    const { chunkSize, invokeConcurrency, chunkRetries } = settings;
    const size = chunkSize ?? defaultChunkSize(checkpoint.pending.length, invokeConcurrency);
    // Graceful stop once a newly started chunk might not return before the handover margin;
    // hard stop (cancel in-flight invokes) if one still runs at the margin.
    const budget = startTimeBudget(deps.remainingMs(), deps.workerTimeoutMs, deps.setTimer);
    const invoker = deps.createInvoker(invokeConcurrency);
    try {
      // Rebuilt each invocation: slots are only held while chunks run, and the Crawl-delays persist.
      const hostBudget = createHostBudget(
        { perHost: scrape.perHost, workerConcurrency: scrape.concurrency, chunkConcurrency: invokeConcurrency },
        Object.entries(checkpoint.crawlDelayMs ?? {}),
      );
      for (const [host, until] of Object.entries(checkpoint.hostNotBefore ?? {})) hostBudget.holdUntil(host, until);
      const run = runChunks(chunkUrls(checkpoint.pending, size), invoker, {
        runId: checkpoint.runId,
        scrape,
        hostBudget,
        concurrency: invokeConcurrency,
        chunkRetries,
        stopSignal: budget.stop,
        signal: budget.hard,
      });
      for await (const outcome of run) await write(outcome);
      const now = Date.now();
      for (const host of Object.keys(checkpoint.crawlDelayMs ?? {})) {
        const until = hostBudget.state(host).notBefore;
        if (until > now) hostNotBefore[host] = until;
      }
    } finally {
      budget.cancel();
      await invoker.close();
    }
  }
  let pending = checkpoint.pending.filter((url) => !done.has(url));
  if (pending.length > 0 && lastInvocation) {
    // Out of invocations: the remaining URLs get a record that says so, and the run ends.
    for (const url of pending) {
      await write({ url, ok: false, attempts: 0, error: { kind: 'worker-failed', message: `not run: the run used all ${settings.maxInvocations} orchestrator invocations` } });
    }
    pending = [];
  }
  return { pending, hostNotBefore, done: pending.length === 0 };
}

async function readList(key: string, store: ObjectStore): Promise<string> {
  const object = await store.get(key);
  if (!object) throw new Error(`URL list ${key} not found in the results bucket`);
  return object.body;
}

function toJsonl(outcomes: readonly Outcome[]): string {
  return outcomes.map((o) => JSON.stringify(o) + '\n').join('');
}

/**
 * summary.json of a finished run, in the same schema the CLI writes (core/summary.ts); a crawl's has
 * `crawl` as `fanout crawl --summary` writes it (waves, pages by depth, frontier left, seen-set).
 */
function summaryOf(checkpoint: Checkpoint, finishedAt: Date): RunSummary & { crawl?: Record<string, unknown> } {
  const { input, crawl } = checkpoint;
  return {
    runId: checkpoint.runId,
    mode: 'lambda',
    schedule: checkpoint.schedule,
    invocations: checkpoint.invocations,
    ...summaryCounts(checkpoint.counts, Date.parse(checkpoint.startedAt), finishedAt.getTime()),
    input: { read: input.lines - (input.skipped ?? 0), valid: input.valid, duplicate: input.duplicates, invalid: input.invalid },
    interrupted: false,
    robots: { mode: checkpoint.settings.robots, fetches: checkpoint.robotsFetches ?? 0, crawlDelayHosts: Object.keys(checkpoint.crawlDelayMs ?? {}).length },
    options: checkpoint.settings,
    ...(crawl && { crawl: crawlSummary(crawl) }),
  };
}

function crawlSummary({ settings, progress, seenUrls, seenBytes }: CrawlState): Record<string, unknown> {
  const { scope, maxDepth, maxPages, include, exclude } = settings;
  const { waves, pagesByDepth, admitted, done, overMaxPages } = progress;
  return {
    scope,
    maxDepth,
    maxPages: maxPages ?? null,
    include: include ?? [],
    exclude: exclude ?? [],
    waves,
    pagesByDepth,
    admitted,
    frontier: admitted - done,
    seen: seenUrls,
    seenBytes,
    overMaxPages,
  };
}
