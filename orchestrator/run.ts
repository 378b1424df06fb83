/**
 * The run loop: chunks -> invoker, with bounded concurrency, retries and requeues, yielding each
 * URL's outcome as its chunk completes. One outcome per URL: never lost, never twice.
 */
import type { Outcome, WorkerResult } from '../functions/worker/contract';
import { AsyncQueue } from './async-queue';
import { halve, maxSplits, shouldSplit } from './bisect';
import { HostGate } from './host-gate';
import { InvokeError, type Invoker } from './invoker';
import { decideRetry, isFatalInvokeFailure, workerFailedMessage } from './retry-policy';
import { RunAbortedError } from './run-aborted-error';
import { initialProgress, resolveRunOptions, type RunOptions, type RunProgress } from './run-options';

export type { ChunkErrorInfo, RunOptions, RunProgress } from './run-options';
export { RunAbortedError } from './run-aborted-error';

/** A run: iterate it (once) for outcomes; read `progress` at any time, and after the loop for the summary. */
export interface Run extends AsyncIterable<Outcome> {
  readonly runId: string;
  readonly progress: Readonly<RunProgress>;
}

/** An input chunk, shared by the pieces it is split into. */
interface ChunkRoot {
  /** Pieces not yet finished; the chunk is done at 0. */
  pieces: number;
  splits: number;
  readonly splitBudget: number;
}

/**
 * One input chunk, or one piece of a split chunk, while any of its URLs lacks an outcome. Its
 * bookkeeping is what makes outcomes exactly-once: every URL is in exactly one task's `remaining`.
 */
interface Task {
  readonly index: number;
  /** `chunk-7`, or `chunk-7ab` for the second half of the first half of chunk 7. */
  readonly label: string;
  readonly root: ChunkRoot;
  /** URLs still without an outcome; an outcome is yielded only if its URL is deleted from here. */
  readonly remaining: Set<string>;
  /** Tries after the first this task gets (chunkRetries, or bisectRetries for a half). */
  readonly retries: number;
  /** Invocations of the task's URLs before it was split off (for `attempts`). */
  readonly priorInvocations: number;
  invocations: number;
  failedTries: number;
  throttles: number;
}

type InboxItem =
  | { type: 'settled'; task: Task; chunkId: string; result?: WorkerResult; error?: unknown }
  | { type: 'ready'; task: Task }
  | { type: 'wake' };

/**
 * Runs `chunks` through `invoker` and yields one {@link Outcome} per distinct URL, in the order
 * chunks complete (a slow chunk never holds back a fast one). Nothing starts until iteration does.
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
    const ready: Task[] = [];
    const delayed = new Map<NodeJS.Timeout, Task>();
    /** Invocations whose settlement the loop has not handled yet (their promises, for the final wait). */
    const inFlight = new Set<Promise<void>>();
    let active = 0;
    let nextChunk = 0;
    let mode: 'running' | 'stopped' | 'cancelled' = 'running';
    let fatal: { error: unknown; chunkId: string } | undefined;
    let graceTimer: NodeJS.Timeout | undefined;
    /** The run-wide per-host budget, when given: which task may start now, with which share of its hosts. */
    const gate = options.hostBudget && new HostGate<Task>(options.hostBudget, { maxParked: Math.max(concurrency, 16), onWake: () => inbox.push({ type: 'wake' }) });

    const report = () => options.onProgress?.(progress);
    const halt = (to: 'stopped' | 'cancelled') => {
      if (to === 'cancelled') cancel.abort(options.signal?.reason);
      if (mode === 'cancelled' || mode === to) return;
      mode = to;
      for (const timer of delayed.keys()) clearTimeout(timer);
      delayed.clear();
      ready.length = 0;
      inbox.push({ type: 'wake' });
    };
    const onStop = () => {
      halt('stopped');
      const grace = resolved.stopGraceMs;
      if (grace !== undefined && graceTimer === undefined) graceTimer = setTimeout(() => halt('cancelled'), grace);
    };
    const onCancel = () => halt('cancelled');
    options.stopSignal?.addEventListener('abort', onStop);
    options.signal?.addEventListener('abort', onCancel);
    if (options.stopSignal?.aborted) onStop();
    if (options.signal?.aborted) onCancel();

    const nextTask = (): Task | undefined => {
      const retry = ready.shift();
      if (retry !== undefined) return retry;
      while (nextChunk < chunks.length) {
        const index = nextChunk++;
        const urls = chunks[index]!;
        if (urls.length === 0) continue;
        const remaining = new Set(urls);
        progress.urlsTotal -= urls.length - remaining.size; // a URL repeated inside a chunk gets one outcome
        const root: ChunkRoot = { pieces: 1, splits: 0, splitBudget: resolved.bisect ? maxSplits(remaining.size) : 0 };
        const label = `chunk-${index}`;
        return { index, label, root, remaining, retries: resolved.chunkRetries, priorInvocations: 0, invocations: 0, failedTries: 0, throttles: 0 };
      }
      return undefined;
    };

    const dispatch = () => {
      while (mode === 'running' && active + delayed.size < concurrency) {
        const task = gate ? gate.next(nextTask, active) : nextTask();
        if (task === undefined) return;
        task.invocations++;
        progress.invocations++;
        const chunkId = task.invocations === 1 ? task.label : `${task.label}.${task.invocations}`;
        const taskScrape = gate ? gate.optionsFor(task, scrape) : scrape;
        const event = { runId, chunkId, urls: [...task.remaining], ...(taskScrape === undefined ? {} : { options: taskScrape }) };
        const call: Promise<void> = Promise.resolve()
          .then(() => invoker.invoke(event, cancel.signal))
          .then(
            (result) => inbox.push({ type: 'settled', task, chunkId, result }),
            (error: unknown) => inbox.push({ type: 'settled', task, chunkId, error }),
          )
          .finally(() => inFlight.delete(call));
        inFlight.add(call);
        active++;
      }
    };

    const finish = (task: Task) => {
      if (--task.root.pieces === 0) progress.chunksDone++;
    };

    /** Replaces a failed task by its two halves, which run before any new chunk. */
    const split = (task: Task) => {
      const [first, second] = halve([...task.remaining]);
      const half = (urls: string[], suffix: string): Task => ({
        index: task.index,
        label: task.label + suffix,
        root: task.root,
        remaining: new Set(urls),
        retries: resolved.bisectRetries,
        priorInvocations: task.priorInvocations + task.invocations,
        invocations: 0,
        failedTries: 0,
        throttles: 0,
      });
      task.root.splits++;
      task.root.pieces++; // one piece becomes two
      progress.splits++;
      ready.unshift(half(first, 'a'), half(second, 'b'));
      task.remaining.clear();
    };

    /** What to yield for a settled invocation; schedules the chunk's next invocation if it needs one. */
    const settle = (item: Extract<InboxItem, { type: 'settled' }>): Outcome[] => {
      const { task, chunkId } = item;
      let error = item.error;
      const outcomes: Outcome[] = [];
      if (item.result !== undefined) {
        options.onResult?.(item.result);
        for (const outcome of item.result.outcomes ?? []) {
          if (!outcome.ok && outcome.error.kind === 'not-started') continue; // stays remaining: requeued
          if (task.remaining.delete(outcome.url)) outcomes.push(outcome);
        }
        if (task.remaining.size === 0 || mode !== 'running') {
          finish(task);
          return outcomes;
        }
        if (outcomes.length > 0) {
          progress.requeuedUrls += task.remaining.size;
          ready.unshift(task);
          return outcomes;
        }
        const unstarted = item.result.unstarted?.length ?? 0;
        error = new InvokeError(
          `worker completed none of ${task.remaining.size} URLs (${unstarted} unstarted)`,
          'bad-response',
          chunkId,
        );
      }
      if (mode === 'cancelled') {
        finish(task); // the invocation was cancelled on purpose: not an error, its URLs are abandoned
        return outcomes;
      }
      progress.invokeErrors++;
      if (isFatalInvokeFailure(error)) {
        fatal ??= { error, chunkId };
        options.onChunkError?.({ chunkId, error, urls: task.remaining.size, willRetry: false });
        halt('stopped'); // no retry can help: this task's URLs and every unstarted chunk are abandoned
        finish(task);
        return outcomes;
      }
      const throttled = error instanceof InvokeError && error.reason === 'throttled';
      if (throttled) {
        task.throttles++;
        progress.throttles++;
      } else task.failedTries++;
      const policy = { ...resolved, chunkRetries: task.retries };
      const decision = mode === 'running' ? decideRetry(error, task.failedTries, task.throttles, policy) : { retry: false as const };
      const willSplit = !decision.retry && mode === 'running' && shouldSplit(error, task.remaining.size, task.root.splits, task.root.splitBudget);
      options.onChunkError?.({
        chunkId,
        error,
        urls: task.remaining.size,
        willRetry: decision.retry,
        ...(decision.retry ? { delayMs: decision.delayMs } : {}),
        ...(willSplit ? { willSplit } : {}),
      });
      if (decision.retry) {
        progress.retries++;
        const timer = setTimeout(() => {
          delayed.delete(timer);
          inbox.push({ type: 'ready', task });
        }, decision.delayMs);
        delayed.set(timer, task);
        return outcomes;
      }
      if (willSplit) {
        split(task);
        return outcomes;
      }
      if (mode === 'running') {
        const attempts = task.priorInvocations + task.invocations;
        const failure = workerFailedMessage(error, attempts, task.label !== `chunk-${task.index}` && task.remaining.size === 1);
        for (const url of task.remaining) outcomes.push({ url, ok: false, error: { kind: 'worker-failed', message: failure }, attempts });
        progress.workerFailedUrls += task.remaining.size;
        task.remaining.clear();
      }
      finish(task);
      return outcomes;
    };

    try {
      for (;;) {
        dispatch();
        progress.chunksInFlight = active;
        const idle = ready.length === 0 && delayed.size === 0 && nextChunk >= chunks.length && (gate?.parked ?? 0) === 0;
        if (active === 0 && (mode !== 'running' || idle)) break;
        report();
        const item = await inbox.shift();
        if (item.type === 'wake') continue;
        if (item.type === 'ready') {
          ready.unshift(item.task);
          continue;
        }
        active--;
        const outcomes = settle(item);
        gate?.settled(item.task, item.result);
        dispatch(); // before yielding, so workers stay busy while the consumer writes
        progress.chunksInFlight = active;
        report();
        for (const outcome of outcomes) {
          progress.urlsDone++;
          if (outcome.ok) progress.urlsOk++;
          else progress.urlsFailed++;
          yield outcome;
        }
      }
      progress.state = fatal !== undefined ? 'aborted' : mode === 'running' ? 'done' : mode;
      if (fatal !== undefined) {
        throw new RunAbortedError(fatal.chunkId, progress.urlsTotal - progress.urlsDone, { cause: fatal.error });
      }
    } finally {
      clearTimeout(graceTimer);
      gate?.close();
      if (progress.state === 'running') progress.state = 'cancelled'; // the consumer broke out early
      options.stopSignal?.removeEventListener('abort', onStop);
      options.signal?.removeEventListener('abort', onCancel);
      for (const timer of delayed.keys()) clearTimeout(timer);
      cancel.abort(new Error('run ended'));
      await Promise.allSettled([...inFlight]);
      progress.chunksInFlight = 0;
      progress.abandonedUrls = progress.urlsTotal - progress.urlsDone;
      report();
    }
  }
}
