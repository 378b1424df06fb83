/**
 * One invocation of a scheduled run: start it (read the list, write checkpoint 0) or continue it from
 * its checkpoint, run pending URLs until the time budget is spent, write their records as a part
 * file, advance the checkpoint, then either finish (results.jsonl + summary.json) or hand over to a
 * fresh invocation. Every AWS dependency comes in through {@link OrchestrateDeps}.
 */
import { Readable } from 'node:stream';
import type { Outcome } from '../../core/contract';
import { assertPrivateAllowed } from '../../core/deploy';
import type { RunSummary } from '../../core/summary';
import { countOutcome, summaryCounts } from '../../report/summary-builder';
import { chunkUrls, createHostBudget, defaultChunkSize, preparePoliteness, readUrls, runChunks, type Invoker } from '../../orchestrator';
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
import { runSource, splitSettings, type ContinueInput, type OrchestratorEvent, type RunInput } from '../../core/schedule-input';
import { PreconditionFailedError, type ObjectStore } from './object-store';

export interface OrchestrateDeps {
  store: ObjectStore;
  /** The worker invoker for this invocation, sized to the run's invoke concurrency; closed after use. */
  createInvoker: (concurrency: number) => Invoker;
  /** Milliseconds left in this invocation (context.getRemainingTimeInMillis). */
  remainingMs: () => number;
  /** The worker's timeout: a chunk started with less time left than this may not come back in time. */
  workerTimeoutMs: number;
  /** Async-invokes this function with `event` (a fresh 15 minutes). */
  continueWith: (event: ContinueInput) => Promise<void>;
  /** Names this invocation's part files, so a duplicate invocation never overwrites them. */
  requestId: string;
  /**
   * The stack's allowPrivate switch (core/deploy.ts privateNetworksAllowed): false refuses a run that
   * asks for allowPrivate, before its first robots.txt fetch and again at every continuation.
   */
  allowPrivate: boolean;
  now?: () => Date;
  /**
   * Starts one of the time budget's timers; returns what cancels it. Tests pass a virtual clock's,
   * so which way a budget goes does not depend on how fast the machine is. @default setTimeout
   */
  setTimer?: (callback: () => void, ms: number) => () => void;
}

/** Records this invocation wrote (for its metrics). */
export interface InvocationCounts {
  records: number;
  ok: number;
  failed: number;
}

export type OrchestrateResult =
  | { status: 'done'; runPrefix: string; counts: RunCounts; invocation: InvocationCounts }
  | { status: 'continued'; runPrefix: string; generation: number; pending: number; invocation: InvocationCounts }
  | { status: 'stale'; runPrefix: string };

/** Time kept back for writing the part, the checkpoint and handing over. */
export const HANDOVER_MARGIN_MS = 30_000;
/** Part files are flushed at this size, so an invocation's records never pile up in memory. */
export const PART_FLUSH_BYTES = 32 * 1024 * 1024;

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
  if (!checkpoint.done) {
    await deps.continueWith(continuationOf(checkpoint, written.sha256));
    return { status: 'continued', runPrefix: checkpoint.runPrefix, generation: checkpoint.generation, pending: checkpoint.pending.length, invocation };
  }
  await deps.store.concat(checkpoint.parts, resultsKey(checkpoint.runPrefix));
  await deps.store.put(summaryKey(checkpoint.runPrefix), JSON.stringify(summaryOf(checkpoint, deps.now?.() ?? new Date()), null, 2));
  return { status: 'done', runPrefix: checkpoint.runPrefix, counts: checkpoint.counts, invocation };
}

async function start(input: RunInput, deps: OrchestrateDeps): Promise<{ checkpoint: Checkpoint; etag: string }> {
  assertPrivateAllowed(input.options.allowPrivate, deps.allowPrivate, 'orchestrator');
  const startedAt = deps.now?.() ?? new Date();
  const runPrefix = runPrefixFor(input.schedule, startedAt);
  const source = runSource(input);
  if (source.crawl) throw new Error('scheduled crawls are not supported yet: give the schedule a list');
  const text = 'urls' in source.list ? source.list.urls.join('\n') : await readList(source.list.s3Key, deps.store);
  const list = await readUrls(Readable.from([text]));
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
  const checkpoint: Checkpoint = {
    version: CHECKPOINT_VERSION,
    runId: `${input.schedule}-${startedAt.getTime()}`,
    schedule: input.schedule,
    listKey: 's3Key' in source.list ? source.list.s3Key : null,
    runPrefix,
    startedAt: startedAt.toISOString(),
    generation: 0,
    invocations: 0,
    settings: input.options,
    input: { lines: list.counts.lines, skipped: list.counts.skipped, valid: list.counts.valid, duplicates: list.counts.duplicates, invalid: list.counts.invalid },
    pending: polite.allowed,
    crawlDelayMs: Object.fromEntries(polite.robots.crawlDelayMs),
    robotsFetches: polite.robots.fetches,
    parts,
    counts,
    done: false,
  };
  const etag = await deps.store.put(checkpointKey(runPrefix), encodeCheckpoint(checkpoint).body, { ifNoneMatch: '*' });
  return { checkpoint, etag };
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

/** Runs pending URLs within this invocation's budget; returns the next checkpoint. */
async function advance(checkpoint: Checkpoint, deps: OrchestrateDeps): Promise<Checkpoint> {
  const { run: settings, scrape } = splitSettings(checkpoint.settings);
  const generation = checkpoint.generation + 1;
  const counts = structuredClone(checkpoint.counts);
  const parts = [...checkpoint.parts];
  const done = new Set<string>();
  const lines: string[] = [];
  let buffered = 0;
  const flush = async () => {
    if (lines.length === 0) return;
    const key = partKey(checkpoint.runPrefix, generation, deps.requestId, parts.length);
    await deps.store.put(key, lines.join(''));
    parts.push(key);
    lines.length = 0;
    buffered = 0;
  };
  const write = async (outcome: Outcome) => {
    const line = JSON.stringify(outcome) + '\n';
    lines.push(line);
    buffered += line.length;
    countOutcome(counts, outcome);
    done.add(outcome.url);
    if (buffered >= PART_FLUSH_BYTES) await flush();
  };

  const hostNotBefore: Record<string, number> = {};
  const lastInvocation = checkpoint.invocations + 1 >= settings.maxInvocations;
  if (checkpoint.pending.length > 0) {
    const { chunkSize, invokeConcurrency, chunkRetries } = settings;
    const size = chunkSize ?? defaultChunkSize(checkpoint.pending.length, invokeConcurrency);
    // Graceful stop once a newly started chunk might not return before the handover margin;
    // hard stop (cancel in-flight invokes) if one still runs at the margin.
    const stop = new AbortController();
    const hard = new AbortController();
    const stopIn = Math.max(0, deps.remainingMs() - HANDOVER_MARGIN_MS - deps.workerTimeoutMs);
    const hardIn = Math.max(0, deps.remainingMs() - HANDOVER_MARGIN_MS);
    const setTimer = deps.setTimer ?? realTimer;
    const timers = [setTimer(() => stop.abort(), stopIn), setTimer(() => hard.abort(), hardIn)];
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
        stopSignal: stop.signal,
        signal: hard.signal,
      });
      for await (const outcome of run) await write(outcome);
      const now = Date.now();
      for (const host of Object.keys(checkpoint.crawlDelayMs ?? {})) {
        const until = hostBudget.state(host).notBefore;
        if (until > now) hostNotBefore[host] = until;
      }
    } finally {
      for (const cancel of timers) cancel();
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
  await flush();
  return { ...checkpoint, generation, invocations: checkpoint.invocations + 1, pending, parts, counts, hostNotBefore, done: pending.length === 0 };
}

function realTimer(callback: () => void, ms: number): () => void {
  const timer = setTimeout(callback, ms);
  return () => clearTimeout(timer);
}

async function readList(key: string, store: ObjectStore): Promise<string> {
  const object = await store.get(key);
  if (!object) throw new Error(`URL list ${key} not found in the results bucket`);
  return object.body;
}

function toJsonl(outcomes: readonly Outcome[]): string {
  return outcomes.map((o) => JSON.stringify(o) + '\n').join('');
}

/** summary.json of a finished run, in the same schema the CLI writes (core/summary.ts). */
function summaryOf(checkpoint: Checkpoint, finishedAt: Date): RunSummary {
  const { input } = checkpoint;
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
  };
}
