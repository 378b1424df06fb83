/**
 * The run loop: chunks -> invoker, with bounded concurrency, retries and requeues, yielding each
 * URL's outcome as its chunk completes. One outcome per URL: never lost, never twice.
 */
import { ScrapeOptionsSchema, type Outcome } from '../core/contract';
import { AsyncQueue } from './async-queue';
import { withChunkRobots } from './chunk-robots';
import { HostGate } from './host-gate';
import type { Invoker } from './invoker';
import { RunAbortedError } from './run-aborted-error';
import { countOutcome, initialProgress, resolveRunOptions, type InboxItem, type Run, type RunOptions } from './run-options';
import { TaskQueue } from './run-queue';
import { watchStop, type StopMode } from './run-stop';
import { createSettler } from './run-settle';
import { chunkTask, copyTask, currentChunkId, nextChunkId, takeRecord, urlsToSend, type Task } from './run-task';
import { Stragglers } from './stragglers';

export type { ChunkErrorInfo, Run, RunOptions, RunProgress } from './run-options';
export { RunAbortedError } from './run-aborted-error';

/**
 * Runs `chunks` through `invoker` and yields one {@link Outcome} per distinct URL, the moment it
 * arrives: a streaming invoker hands over each record as its URL ends, so neither a slow URL nor a
 * slow chunk holds back the others. Nothing starts until iteration does.
 *
 * - Concurrency: at most `concurrency` chunks in flight (default `invoker.capacity`); a chunk
 *   waiting out a retry backoff holds its slot, which slows the run down when workers struggle and
 *   keeps memory O(concurrency x chunk size). New chunks start only while the consumer keeps
 *   pulling, so a slow output writer applies backpressure.
 * - Retries: a failed invocation ({@link InvokeError}) is retried up to
 *   `chunkRetries` times with exponential backoff; `throttled` waits `retryAfterMs` and does not
 *   use up a try. A chunk that fails every try yields a `worker-failed` outcome per URL, whose
 *   message says why (crashed / timed out, and the last error).
 * - Bisect: a chunk of several URLs that crashed or timed out on every try is split in halves,
 *   each with `bisectRetries`, until a URL that kills its worker runs alone (see bisect.ts); only
 *   that URL gets `worker-failed`. Halves run before new chunks and are named `chunk-7a`, `chunk-7b`.
 * - Fatal failures: an invoke rejecting with anything but an {@link InvokeError} (e.g. a
 *   `LambdaSetupError`) stops dispatching at once; in-flight chunks settle and are yielded, then
 *   the iteration throws {@link RunAbortedError} (`progress.state` is `aborted`).
 * - Streaming: a record delivered before its invocation fails stands; only URLs without one are
 *   retried or split. Each record also returns its host's slot to the run-wide budget at once.
 * - Requeues: URLs a worker left `unstarted` (or as `not-started` outcomes, or left out) are sent
 *   again as a new invocation of the same chunk (`chunk-7.2`). A result that completes no URL at
 *   all counts as a failed try, so a run always ends.
 * - Exactly once: an outcome is yielded only for a URL of that chunk still without one, so
 *   duplicated outcomes, results delivered twice, or outcomes for foreign URLs are dropped.
 *   Chunks must not share URLs (readUrls de-duplicates).
 * - Stopping: see `stopSignal` (graceful, cancelling after `stopGraceMs`) and `signal` (hard) in {@link RunOptions}. Either way
 *   the iteration ends normally and `progress.state` / `progress.abandonedUrls` tell what happened;
 *   abandoned URLs get no record, so a later run can do them. Breaking out of the `for await`
 *   cancels in-flight invocations and waits for them to settle.
 *
 * @example
 * const list = await readUrls('urls.txt');
 * const invoker = new LocalInvoker();
 * const chunks = chunkUrls(list.urls, defaultChunkSize(list.urls.length, invoker.capacity));
 * const run = runChunks(chunks, invoker, { scrape: { timeoutMs: 10_000 }, stopSignal, onProgress: (p) => bar.update(p) });
 * try {
 *   for (const outcome of list.invalid) await out.write(outcome);
 *   for await (const outcome of run) await out.write(outcome);
 * } finally {
 *   await invoker.close();
 * }
 * console.error(`${run.progress.urlsOk} ok, ${run.progress.urlsFailed} failed, ${run.progress.abandonedUrls} not run`);
 */
export function runChunks(chunks: readonly (readonly string[])[], invoker: Invoker, options: RunOptions = {}): Run {
  const resolved = resolveRunOptions(options, invoker);
  const progress = initialProgress();
  progress.chunksTotal = chunks.filter((c) => c.length > 0).length;
  progress.urlsTotal = chunks.reduce((n, c) => n + c.length, 0);
  let started = false;
  return {
    runId: resolved.runId,
    progress,
    [Symbol.asyncIterator]() {
      if (started) throw new Error('a Run can be iterated only once');
      started = true;
      return loop()[Symbol.asyncIterator]();
    },
  };

  async function* loop(): AsyncGenerator<Outcome> {
    const { runId, scrape, concurrency } = resolved;
    const inbox = new AsyncQueue<InboxItem>();
    const cancel = new AbortController();
    /**
     * Each invocation's own controller, aborted by a won straggler race or by `cancel`. One listener
     * on `cancel` fans out to them: AbortSignal.any per invocation (a WeakRef and a
     * FinalizationRegistry entry each) was ~15 us of the loop's time per invocation.
     */
    const live = new Set<AbortController>();
    cancel.signal.addEventListener('abort', () => {
      for (const controller of live) controller.abort(cancel.signal.reason);
    });
    const queue = new TaskQueue(
      chunks,
      (index, urls) => {
        const task = chunkTask(index, urls, resolved.chunkRetries, resolved.bisect);
        progress.urlsTotal -= urls.length - task.remaining.size; // a URL repeated inside a chunk gets one outcome
        return task;
      },
      (task) => inbox.push({ type: 'ready', task }),
    );
    /** Invocations whose settlement the loop has not handled yet (their promises, for the final wait). */
    const inFlight = new Set<Promise<void>>();
    let active = 0;
    let mode: 'running' | StopMode = 'running';
    let fatal: { error: unknown; chunkId: string } | undefined;
    /** The run-wide per-host budget, when given: which task may start now, with which share of its hosts. */
    /** A gate wake is in the inbox: one is enough however many records give slots back before the loop gets to it. */
    let gateWakePending = false;
    const gateWake = () => {
      if (gateWakePending) return;
      gateWakePending = true;
      inbox.push({ type: 'wake' });
    };
    const gate = options.hostBudget && new HostGate<Task>(options.hostBudget, { maxParked: Math.max(concurrency, 16), onWake: gateWake });

    /** A copy's slice is at least what one worker fetches at once (its `concurrency`). */
    const copySliceMin = scrape?.concurrency ?? ScrapeOptionsSchema.shape.concurrency.parse(undefined);
    // By default copies may send again about 10 % of the URLs (each copy at most a slice), or 10 % of the chunks if that is more.
    const defaultCopies = Math.max(1, Math.ceil(progress.chunksTotal / 10), Math.ceil(progress.urlsTotal / 10 / copySliceMin));
    const stragglers = new Stragglers(resolved.maxSpeculativeCopies ?? defaultCopies);
    const report = () => options.onProgress?.(progress);
    const halt = (to: StopMode) => {
      if (to === 'cancelled') cancel.abort(options.signal?.reason);
      if (mode === 'cancelled' || mode === to) return;
      mode = to;
      queue.clear();
      inbox.push({ type: 'wake' });
    };
    const stopWatching = watchStop(options, resolved.stopGraceMs, halt);

    /** Starts one invocation of `task`; `abort` cancels it alone (a straggler's copy won). */
    const launch = (task: Task) => {
      progress.invocations++;
      active++;
      const chunkId = nextChunkId(task);
      const urls = urlsToSend(task);
      const taskScrape = withChunkRobots(gate ? gate.optionsFor(task, scrape) : scrape, options.knownRobots, urls);
      const event = { runId, chunkId, urls, ...(taskScrape === undefined ? {} : { options: taskScrape }) };
      const abort = new AbortController();
      if (cancel.signal.aborted) abort.abort(cancel.signal.reason);
      else live.add(abort);
      stragglers.started(task, abort);
      // Records count only until the call settles: a back end must not deliver after, and none is taken.
      let open = true;
      const onRecord = (record: Outcome) => open && inbox.push({ type: 'record', task, record });
      const call: Promise<void> = Promise.resolve()
        .then(() => invoker.invoke(event, abort.signal, onRecord))
        .then(
          (result) => inbox.push({ type: 'settled', task, chunkId, result }),
          (error: unknown) => inbox.push({ type: 'settled', task, chunkId, error }),
        )
        .finally(() => {
          open = false;
          live.delete(abort);
          inFlight.delete(call);
        });
      inFlight.add(call);
    };

    const raise = invoker.raiseHostLimits?.bind(invoker);
    /** Tells a running worker its raised host limits (not a task whose URLs a copy shares: its records do not free slots). */
    const tellRaised = raise && ((task: Task, hostLimits: Record<string, number>) => !stragglers.shared(task) && raise(currentChunkId(task), hostLimits));
    /** Wakes the loop when a running chunk turns into a straggler, even if nothing else arrives by then. */
    let stragglerTimer: NodeJS.Timeout | undefined;
    /**
     * Whether stragglers need looking at: a slot came free, or the timer says one has turned into a
     * straggler. A record alone only brings its chunk's time to end nearer, so records (most of the
     * loop's work) skip the O(chunks in flight) scan.
     */
    let stragglersDue = true;
    const dispatch = () => {
      const free = () => mode === 'running' && active + queue.waiting < concurrency;
      while (free()) {
        const task = gate ? gate.next(() => queue.next(), active) : queue.next();
        if (task === undefined) break;
        launch(task);
      }
      const idle = () => free() && queue.empty && (gate?.parked ?? 0) === 0;
      if (stragglersDue && idle()) {
        stragglersDue = false;
        // Nothing waits and a slot is free: it steals a slice of the worst straggler's URLs left.
        while (idle()) {
          const original = stragglers.pick();
          if (original === undefined) break;
          const { slice, index } = stragglers.nextSlice(original, copySliceMin);
          const copy = copyTask(original, slice, index);
          if (gate && !gate.lease(copy)) break;
          stragglers.copied(original, copy);
          progress.speculative++;
          launch(copy);
        }
        clearTimeout(stragglerTimer);
        stragglerTimer = undefined;
        const wait = idle() ? stragglers.nextPickIn() : undefined;
        if (wait !== undefined) {
          stragglerTimer = setTimeout(() => {
            stragglersDue = true;
            inbox.push({ type: 'wake' });
          }, wait);
        }
      }
      // Slots given back that no new chunk took go to running workers that can use them, where the back end can tell them.
      gate?.topUpFreed(tellRaised);
    };

    const { settle } = createSettler({
      progress,
      options,
      resolved,
      queue,
      stragglers,
      mode: () => mode,
      halt,
      fatal: (error, chunkId) => {
        fatal ??= { error, chunkId };
      },
    });

    try {
      for (;;) {
        dispatch();
        progress.chunksInFlight = active;
        const idle = queue.empty && (gate?.parked ?? 0) === 0;
        if (active === 0 && (mode !== 'running' || idle)) break;
        report();
        const item = await inbox.shift();
        if (item.type === 'wake') {
          gateWakePending = false;
          continue;
        }
        if (item.type === 'record') {
          const record = takeRecord(item.task, item.record);
          if (record === undefined) continue;
          if (!stragglers.shared(item.task)) gate?.recorded(item.task, record.url); // its worker has stopped on that URL
          yield countOutcome(progress, record);
          continue;
        }
        if (item.type === 'ready') {
          queue.unshift(item.task);
          continue;
        }
        active--;
        stragglersDue = true;
        const outcomes = settle(item);
        gate?.settled(item.task, item.result);
        dispatch(); // before yielding, so workers stay busy while the consumer writes
        progress.chunksInFlight = active;
        report();
        for (const outcome of outcomes) yield countOutcome(progress, outcome);
      }
      progress.state = fatal !== undefined ? 'aborted' : mode === 'running' ? 'done' : mode;
      if (fatal !== undefined) {
        throw new RunAbortedError(fatal.chunkId, progress.urlsTotal - progress.urlsDone, { cause: fatal.error });
      }
    } finally {
      clearTimeout(stragglerTimer);
      stopWatching();
      gate?.close();
      if (progress.state === 'running') progress.state = 'cancelled'; // the consumer broke out early
      queue.clear();
      cancel.abort(new Error('run ended'));
      await Promise.allSettled([...inFlight]);
      progress.chunksInFlight = 0;
      progress.abandonedUrls = progress.urlsTotal - progress.urlsDone;
      report();
    }
  }
}
