/**
 * A run's unit of work: one input chunk, or one piece of a split chunk, while any of its URLs
 * lacks an outcome. Its bookkeeping is what makes outcomes exactly-once: every URL is in exactly
 * one task's `remaining`, and an outcome is kept only if its URL is deleted from there.
 */
import type { Outcome, WorkerResult } from '../core/contract';
import { halve, maxSplits } from './bisect';
import { workerFailedMessage } from './chunk-retry';

/** An input chunk, shared by the pieces it is split into. */
export interface ChunkRoot {
  /** `chunk-7` for input chunk 7. */
  readonly label: string;
  /** Pieces not yet finished; the chunk is done at 0. */
  pieces: number;
  splits: number;
  readonly splitBudget: number;
}

export interface Task {
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
  /** Records the current invocation has streamed so far (progress, even if the call then fails). */
  streamed: number;
  failedTries: number;
  throttles: number;
  /** Set on a speculative copy (see stragglers.ts): the task whose `remaining` it shares. */
  readonly copyOf?: Task;
  /** A copy's slice of those URLs, the ones it is sent (it takes records for any of `remaining`). */
  readonly slice?: readonly string[];
}

/**
 * The task for input chunk `index`, with one URL per distinct URL of the chunk.
 *
 * @param retries tries after the first (`chunkRetries`)
 * @param bisect whether a chunk that kills its worker may be split (see bisect.ts)
 */
export function chunkTask(index: number, urls: readonly string[], retries: number, bisect: boolean): Task {
  const remaining = new Set(urls);
  const label = `chunk-${index}`;
  const root: ChunkRoot = { label, pieces: 1, splits: 0, splitBudget: bisect ? maxSplits(remaining.size) : 0 };
  return { label, root, remaining, retries, priorInvocations: 0, invocations: 0, streamed: 0, failedTries: 0, throttles: 0 };
}

/** The chunk id of the task's invocation now running (see {@link nextChunkId}). */
export function currentChunkId(task: Task): string {
  return task.invocations <= 1 ? task.label : `${task.label}.${task.invocations}`;
}

/** Counts one more invocation of the task and returns its chunk id: `chunk-7`, then `chunk-7.2`, ... */
export function nextChunkId(task: Task): string {
  task.invocations++;
  task.streamed = 0;
  return currentChunkId(task);
}

/**
 * The outcomes of `result` that complete one of the task's URLs, each deleted from `remaining`.
 * Duplicates, repeats and foreign URLs are dropped; `not-started` outcomes keep their URL remaining
 * so that it is sent again.
 */
export function takeOutcomes(task: Task, result: WorkerResult): Outcome[] {
  return (result.outcomes ?? []).filter((outcome) => claim(task, outcome));
}

/** Whether `outcome` completes one of the task's URLs, which it then takes out of `remaining`. */
function claim(task: Task, outcome: Outcome): boolean {
  if (!outcome.ok && outcome.error.kind === 'not-started') return false;
  return task.remaining.delete(outcome.url);
}

/**
 * A speculative copy of `task` that runs `slice` of its URLs left (all of them by default), sharing
 * its `remaining` set, so whichever invocation delivers a URL's record first takes it. It never
 * retries, splits or finishes the chunk; its id is `<label>~`, then `<label>~2`, ... for `index`.
 */
export function copyTask(task: Task, slice?: readonly string[], index = 0): Task {
  return {
    label: `${task.label}~${index === 0 ? '' : index + 1}`,
    slice,
    root: task.root,
    remaining: task.remaining,
    retries: 0,
    priorInvocations: task.priorInvocations + task.invocations,
    invocations: 0,
    streamed: 0,
    failedTries: 0,
    throttles: 0,
    copyOf: task,
  };
}

/**
 * A streamed record, if it completes one of the task's URLs (deleted from `remaining`); undefined
 * for a duplicate, a foreign URL, or `not-started` (the URL stays remaining, to be sent again).
 */
export function takeRecord(task: Task, record: Outcome): Outcome | undefined {
  if (!claim(task, record)) return undefined;
  task.streamed++;
  return record;
}

/**
 * Splits the task's URLs into two halves (`<label>a`, `<label>b`) that share its chunk root and each
 * get `retries`; the task is left empty.
 */
export function splitTask(task: Task, retries: number): [Task, Task] {
  const [first, second] = halve([...task.remaining]);
  const half = (urls: string[], suffix: string): Task => ({
    label: task.label + suffix,
    root: task.root,
    remaining: new Set(urls),
    retries,
    priorInvocations: task.priorInvocations + task.invocations,
    invocations: 0,
    streamed: 0,
    failedTries: 0,
    throttles: 0,
  });
  task.root.splits++;
  task.root.pieces++; // one piece becomes two
  task.remaining.clear();
  return [half(first, 'a'), half(second, 'b')];
}

/**
 * A `worker-failed` outcome for each URL the task has left, after its last try failed with
 * `error`; the task is left empty.
 */
export function failTask(task: Task, error: unknown): Outcome[] {
  const attempts = task.priorInvocations + task.invocations;
  const alone = task.label !== task.root.label && task.remaining.size === 1; // isolated by splitting
  const message = workerFailedMessage(error, attempts, alone);
  const outcomes = [...task.remaining].map((url): Outcome => ({ url, ok: false, error: { kind: 'worker-failed', message }, attempts }));
  task.remaining.clear();
  return outcomes;
}

/** Marks one piece of the task's chunk finished; `true` when that finishes the whole input chunk. */
export function finishPiece(task: Task): boolean {
  return --task.root.pieces === 0;
}

/** The URLs an invocation of `task` is sent: a copy's slice (those still without a record), or all it has left. */
export function urlsToSend(task: Task): string[] {
  return task.slice === undefined ? [...task.remaining] : task.slice.filter((url) => task.remaining.has(url));
}
