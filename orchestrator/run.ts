/**
 * The run loop: chunks -> invoker, with bounded concurrency, retries and requeues, yielding each
 * URL's outcome as its chunk completes. One outcome per URL: never lost, never twice.
 */
import type { Outcome, WorkerResult } from '../functions/worker/contract';
import { AsyncQueue } from './async-queue';
import { InvokeError, type Invoker } from './invoker';
import { decideRetry, workerFailedMessage } from './retry-policy';
import { initialProgress, resolveRunOptions, type RunOptions, type RunProgress } from './run-options';

export type { ChunkErrorInfo, RunOptions, RunProgress } from './run-options';

/** A run: iterate it (once) for outcomes; read `progress` at any time, and after the loop for the summary. */
export interface Run extends AsyncIterable<Outcome> {
  readonly runId: string;
  readonly progress: Readonly<RunProgress>;
}

/** One input chunk while any of its URLs lacks an outcome. Its bookkeeping is what makes outcomes exactly-once. */
interface Task {
  readonly index: number;
  /** URLs still without an outcome; an outcome is yielded only if its URL is deleted from here. */
  readonly remaining: Set<string>;
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
 * - Retries: a failed invocation ({@link InvokeError} or any rejection) is retried up to
 *   `chunkRetries` times with exponential backoff; `throttled` waits `retryAfterMs` and does not
 *   use up a try. A chunk that fails every try yields a `worker-failed` outcome per URL, whose
 *   message says why (crashed / timed out, and the last error).
 * - Requeues: URLs a worker left `unstarted` (or as `not-started` outcomes, or left out) are sent
 *   again as a new invocation of the same chunk (`chunk-7.2`). A result that completes no URL at
 *   all counts as a failed try, so a run always ends.
 * - Exactly once: an outcome is yielded only for a URL of that chunk still without one, so
 *   duplicated outcomes, results delivered twice, or outcomes for foreign URLs are dropped.
 *   Chunks must not share URLs (readUrls de-duplicates).
 * - Stopping: see `stopSignal` (graceful) and `signal` (hard) in {@link RunOptions}. Either way
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
    const onStop = () => halt('stopped');
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
        return { index, remaining, invocations: 0, failedTries: 0, throttles: 0 };
      }
      return undefined;
    };

    const dispatch = () => {
      while (mode === 'running' && active + delayed.size < concurrency) {
        const task = nextTask();
        if (task === undefined) return;
        task.invocations++;
        progress.invocations++;
        const chunkId = task.invocations === 1 ? `chunk-${task.index}` : `chunk-${task.index}.${task.invocations}`;
        const event = { runId, chunkId, urls: [...task.remaining], ...(scrape === undefined ? {} : { options: scrape }) };
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

    const finish = () => {
      progress.chunksDone++;
    };

    /** What to yield for a settled invocation; schedules the chunk's next invocation if it needs one. */
    const settle = (item: Extract<InboxItem, { type: 'settled' }>): Outcome[] => {
      const { task, chunkId } = item;
      let error = item.error;
      const outcomes: Outcome[] = [];
      if (item.result !== undefined) {
        for (const outcome of item.result.outcomes ?? []) {
          if (!outcome.ok && outcome.error.kind === 'not-started') continue; // stays remaining: requeued
          if (task.remaining.delete(outcome.url)) outcomes.push(outcome);
        }
        if (task.remaining.size === 0 || mode !== 'running') {
          finish();
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
        finish(); // the invocation was cancelled on purpose: not an error, its URLs are abandoned
        return outcomes;
      }
      progress.invokeErrors++;
      const throttled = error instanceof InvokeError && error.reason === 'throttled';
      if (throttled) {
        task.throttles++;
        progress.throttles++;
      } else task.failedTries++;
      const decision = mode === 'running' ? decideRetry(error, task.failedTries, task.throttles, resolved) : { retry: false as const };
      options.onChunkError?.({
        chunkId,
        error,
        urls: task.remaining.size,
        willRetry: decision.retry,
        ...(decision.retry ? { delayMs: decision.delayMs } : {}),
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
      if (mode === 'running') {
        const failure = workerFailedMessage(error, task.invocations);
        for (const url of task.remaining) outcomes.push({ url, ok: false, error: { kind: 'worker-failed', message: failure }, attempts: task.invocations });
        progress.workerFailedUrls += task.remaining.size;
        task.remaining.clear();
      }
      finish();
      return outcomes;
    };

    try {
      for (;;) {
        dispatch();
        progress.chunksInFlight = active;
        const idle = ready.length === 0 && delayed.size === 0 && nextChunk >= chunks.length;
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
      progress.state = mode === 'running' ? 'done' : mode;
    } finally {
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
