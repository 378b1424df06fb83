/**
 * What the run loop does when an invocation settles: take its records, then finish the chunk,
 * requeue its URLs left, retry it after a backoff, split it, or give its URLs `worker-failed`; a
 * speculative copy only delivers records. Kept apart from run.ts so the loop reads as a loop.
 */
import type { Outcome, WorkerResult } from '../core/contract';
import { isFatalInvokeFailure, planFailure } from './chunk-retry';
import { InvokeError } from './invoker';
import type { ResolvedRunOptions, RunOptions, RunProgress } from './run-options';
import type { TaskQueue } from './run-queue';
import type { StopMode } from './run-stop';
import { failTask, finishPiece, splitTask, takeOutcomes, type Task } from './run-task';
import type { Stragglers } from './stragglers';

export interface SettleContext {
  progress: RunProgress;
  options: RunOptions;
  resolved: ResolvedRunOptions;
  queue: TaskQueue;
  stragglers: Stragglers;
  mode(): 'running' | StopMode;
  halt(to: StopMode): void;
  /** An invoke failed in a way no retry can fix; the run ends with RunAbortedError. */
  fatal(error: unknown, chunkId: string): void;
}

export interface Settled {
  task: Task;
  chunkId: string;
  result?: WorkerResult;
  error?: unknown;
}

export function createSettler(ctx: SettleContext): { settle: (settled: Settled) => Outcome[] } {
  const finish = (task: Task) => {
    if (finishPiece(task)) ctx.progress.chunksDone++;
  };

  /** What to yield for a settled invocation; schedules the chunk's next invocation if it needs one. */
  const settle = ({ task, chunkId, result, error }: Settled): Outcome[] => {
    if (task.copyOf !== undefined) {
      // A copy only ever delivers records: no retry, split or finish of its own.
      const outcomes = result === undefined ? [] : takeOutcomes(task, result);
      if (result !== undefined) ctx.options.onResult?.(result);
      ctx.stragglers.settled(task, result !== undefined);
      return outcomes;
    }
    if (result === undefined) {
      const outcomes = fail(task, chunkId, error);
      ctx.stragglers.settled(task, false);
      return outcomes;
    }
    ctx.options.onResult?.(result);
    const outcomes = takeOutcomes(task, result);
    ctx.stragglers.settled(task, true);
    if (task.remaining.size === 0 || ctx.mode() !== 'running') {
      finish(task);
      return outcomes;
    }
    if (outcomes.length > 0 || task.streamed > 0) {
      ctx.progress.requeuedUrls += task.remaining.size;
      ctx.queue.unshift(task);
      return outcomes;
    }
    // No progress counts as a failed try, so a worker that keeps completing nothing cannot loop forever.
    const unstarted = result.unstarted?.length ?? 0;
    return fail(task, chunkId, new InvokeError(`worker completed none of ${task.remaining.size} URLs (${unstarted} unstarted)`, 'bad-response', chunkId));
  };

  /** A failed invocation: abort the run, retry the task, split it, or give its URLs `worker-failed`. */
  const fail = (task: Task, chunkId: string, error: unknown): Outcome[] => {
    if (ctx.mode() === 'cancelled') {
      finish(task); // the invocation was cancelled on purpose: not an error, its URLs are abandoned
      return [];
    }
    if (task.remaining.size === 0) {
      finish(task); // every URL has its record (streamed before the failure, or by a copy): nothing to run again
      return [];
    }
    ctx.progress.invokeErrors++;
    if (isFatalInvokeFailure(error)) {
      ctx.fatal(error, chunkId);
      ctx.options.onChunkError?.({ chunkId, error, urls: task.remaining.size, willRetry: false });
      ctx.halt('stopped'); // no retry can help: this task's URLs and every unstarted chunk are abandoned
      finish(task);
      return [];
    }
    if (error instanceof InvokeError && error.reason === 'throttled') {
      task.throttles++;
      ctx.progress.throttles++;
    } else task.failedTries++;
    const plan = planFailure(error, task, ctx.mode() === 'running', ctx.resolved);
    const retry = plan.action === 'retry' ? { delayMs: plan.delayMs } : {};
    ctx.options.onChunkError?.({
      chunkId,
      error,
      urls: task.remaining.size,
      willRetry: plan.action === 'retry',
      ...retry,
      ...(plan.action === 'split' ? { willSplit: true } : {}),
    });
    if (plan.action === 'retry') {
      ctx.progress.retries++;
      ctx.queue.retryAfter(task, plan.delayMs);
      return [];
    }
    if (plan.action === 'split') {
      ctx.progress.splits++;
      ctx.queue.unshift(...splitTask(task, ctx.resolved.bisectRetries)); // halves run before any new chunk
      return [];
    }
    const outcomes = ctx.mode() === 'running' ? failTask(task, error) : []; // when stopping, its URLs are abandoned instead
    ctx.progress.workerFailedUrls += outcomes.length;
    finish(task);
    return outcomes;
  };

  return { settle };
}
