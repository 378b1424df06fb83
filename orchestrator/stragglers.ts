/**
 * Speculative copies of stragglers. A run's makespan is set by its slowest chunks: near the end,
 * slots sit idle while a few long chunks finish. When nothing waits and a slot is free, the
 * unfinished URLs of the longest-running chunk (one running longer than the median chunk took) go
 * out again as a copy; the first record per URL wins, the loser's is dropped. Copies are capped.
 */
import type { Task } from './run-task';

interface Running {
  startedAt: number;
  abort: AbortController;
  /** Its copy in flight, if any. */
  copy?: Task;
}

export class Stragglers {
  /** Invocations of original tasks in flight. */
  private readonly running = new Map<Task, Running>();
  /** Copies in flight, with their abort. */
  private readonly copies = new Map<Task, AbortController>();
  /** How long finished original invocations took, ms, kept sorted: pick() runs on every dispatch and reads the median. */
  private readonly durations: number[] = [];
  /** Copies made so far. */
  made = 0;

  constructor(
    private readonly maxCopies: number,
    private readonly now: () => number = Date.now,
  ) {}

  /** An invocation of `task` started; `abort` cancels that invocation alone. */
  started(task: Task, abort: AbortController): void {
    if (task.copyOf === undefined) this.running.set(task, { startedAt: this.now(), abort });
    else this.copies.set(task, abort);
  }

  /**
   * An invocation of `task` settled. When its URLs are all done, the other copy of the same URLs
   * (the original's copy, or the copy's original) is no longer needed and is cancelled.
   */
  settled(task: Task, succeeded: boolean): void {
    if (task.copyOf !== undefined) {
      this.copies.delete(task);
      const original = this.running.get(task.copyOf);
      if (original?.copy === task) original.copy = undefined;
      if (task.remaining.size === 0) original?.abort.abort(new Error('a speculative copy finished its URLs first'));
      return;
    }
    const entry = this.running.get(task);
    this.running.delete(task);
    if (entry === undefined) return;
    if (succeeded) this.addDuration(this.now() - entry.startedAt);
    if (entry.copy !== undefined && task.remaining.size === 0) this.copies.get(entry.copy)?.abort(new Error('the original finished its URLs first'));
  }

  /**
   * The original to copy now, if any: the longest-running one with URLs left and no copy yet,
   * running longer than the median finished invocation, while copies are left.
   */
  pick(): Task | undefined {
    if (this.made >= this.maxCopies || this.durations.length === 0) return undefined;
    const median = this.durations[Math.floor(this.durations.length / 2)]!;
    const now = this.now();
    let best: [Task, Running] | undefined;
    for (const entry of this.running) {
      const [task, run] = entry;
      if (run.copy !== undefined || task.remaining.size === 0 || now - run.startedAt <= median) continue;
      if (best === undefined || run.startedAt < best[1].startedAt) best = entry;
    }
    return best?.[0];
  }

  /**
   * Milliseconds until pick() could name an original that it cannot name now (the next one to run
   * longer than the median), or undefined when none will. A straggler's URLs may be hanging with
   * nothing else arriving, so the run loop sets a timer for this instead of waiting for an event.
   */
  nextPickIn(): number | undefined {
    if (this.made >= this.maxCopies || this.durations.length === 0) return undefined;
    const median = this.durations[Math.floor(this.durations.length / 2)]!;
    const now = this.now();
    let soonest: number | undefined;
    for (const [task, run] of this.running) {
      if (run.copy !== undefined || task.remaining.size === 0) continue;
      const wait = run.startedAt + median + 1 - now;
      if (soonest === undefined || wait < soonest) soonest = wait;
    }
    return soonest === undefined ? undefined : Math.max(0, soonest);
  }

  /**
   * Whether two invocations now share the task's URLs (it is a copy, or has one in flight). Then a
   * record does not prove the other invocation has stopped fetching that URL.
   */
  shared(task: Task): boolean {
    return task.copyOf !== undefined || this.running.get(task)?.copy !== undefined;
  }

  /** Inserts `ms` in order (binary search), so the median is one read. */
  private addDuration(ms: number): void {
    let lo = 0;
    let hi = this.durations.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.durations[mid]! <= ms) lo = mid + 1;
      else hi = mid;
    }
    this.durations.splice(lo, 0, ms);
  }

  /** Records that `copy` now runs the URLs of `original`. */
  copied(original: Task, copy: Task): void {
    const entry = this.running.get(original);
    if (entry !== undefined) entry.copy = copy;
    this.made++;
  }
}
