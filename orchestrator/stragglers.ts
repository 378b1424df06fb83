/**
 * Speculative copies of stragglers. A run's makespan is set by its slowest invocations: near the
 * end, slots sit idle while a few long chunks finish. When nothing waits and a slot is free, the
 * invocation with the longest estimated time to end gives a slice of its unfinished URLs to a
 * copy: the first record per URL wins, the loser's is dropped. Each free slot steals another slice
 * (no smaller than what a worker fetches at once, taken from the end, where the original is least
 * likely to have got to), so a long chunk is spread over the slots its end leaves idle. Copies are
 * capped.
 *
 * The estimate is LATE's (Zaharia et al., "Improving MapReduce Performance in Heterogeneous
 * Environments", OSDI 2008): records stream in, so an invocation's progress rate is its records
 * over its running time, and its time to end is its URLs left over that rate. An invocation is a
 * straggler when it has run at least half the median invocation and its time to end is over twice
 * the median: a fresh copy would most likely end first. One that has sent nothing yet counts as
 * ending never. Picking by time to end, not by time running, skips a long chunk that is merely
 * big and still moving, and catches a slow one early.
 */
import type { Task } from './run-task';

interface Running {
  startedAt: number;
  /** URLs left when the invocation started: progress is how many of them have gone since. */
  startSize: number;
  abort: AbortController;
  /** Its copies in flight (each runs a slice of its URLs left). */
  copies: Set<Task>;
  /** URLs sent to its copies in flight: the next copy takes others. */
  covered: Set<string>;
  /** Copies made of it so far (names the next one). */
  made: number;
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
    if (task.copyOf === undefined) this.running.set(task, { startedAt: this.now(), startSize: task.remaining.size, abort, copies: new Set(), covered: new Set(), made: 0 });
    else this.copies.set(task, abort);
  }

  /** Copies the cap still allows. */
  get left(): number {
    return Math.max(0, this.maxCopies - this.made);
  }

  /**
   * An invocation of `task` settled. Once the URLs are all done, the other invocations of them
   * (the original and its copies) are no longer needed and are cancelled.
   */
  settled(task: Task, succeeded: boolean): void {
    if (task.copyOf !== undefined) {
      this.copies.delete(task);
      const original = this.running.get(task.copyOf);
      original?.copies.delete(task);
      for (const url of task.slice ?? []) original?.covered.delete(url);
      if (task.remaining.size === 0 && original !== undefined) {
        original.abort.abort(new Error('speculative copies finished its URLs first'));
        this.cancelCopies(original);
      }
      return;
    }
    const entry = this.running.get(task);
    this.running.delete(task);
    if (entry === undefined) return;
    if (succeeded) this.addDuration(this.now() - entry.startedAt);
    if (task.remaining.size === 0) this.cancelCopies(entry);
  }

  /**
   * The original to copy now, if any: of the invocations without a copy that count as stragglers
   * (see the top of the file), the one with the longest estimated time to end, while copies are left.
   */
  pick(): Task | undefined {
    const median = this.median();
    if (median === undefined) return undefined;
    const now = this.now();
    let best: Task | undefined;
    let bestLeft = 2 * median;
    for (const [task, run] of this.running) {
      const elapsed = now - run.startedAt;
      if (!hasUncovered(run, task) || elapsed < median / 2) continue;
      const left = timeToEnd(run, task, elapsed);
      if (left > bestLeft || (left === Infinity && best === undefined)) {
        best = task;
        bestLeft = left;
      }
    }
    return best;
  }

  /**
   * Milliseconds until pick() could name an original that it cannot name now, if nothing else
   * arrives meanwhile (time to end only grows while no record comes), or undefined when none will.
   * A straggler may be hanging with nothing arriving, so the run loop sets a timer for this.
   */
  nextPickIn(): number | undefined {
    const median = this.median();
    if (median === undefined) return undefined;
    const now = this.now();
    let soonest: number | undefined;
    for (const [task, run] of this.running) {
      if (!hasUncovered(run, task)) continue;
      const done = run.startSize - task.remaining.size;
      // elapsed * left / done > 2 * median once elapsed passes 2 * median * done / left.
      const at = Math.max(median / 2, done === 0 ? 0 : (2 * median * done) / task.remaining.size) + 1;
      const wait = run.startedAt + at - now;
      if (soonest === undefined || wait < soonest) soonest = wait;
    }
    return soonest === undefined ? undefined : Math.max(0, soonest);
  }

  /**
   * Whether two invocations now share the task's URLs (it is a copy, or has one in flight). Then a
   * record does not prove the other invocation has stopped fetching that URL.
   */
  shared(task: Task): boolean {
    return task.copyOf !== undefined || (this.running.get(task)?.copies.size ?? 0) > 0;
  }

  /** The median finished original invocation, ms; undefined before the first, or with no copies left. */
  private median(): number | undefined {
    if (this.made >= this.maxCopies || this.durations.length === 0) return undefined;
    return this.durations[Math.floor(this.durations.length / 2)];
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

  /**
   * The URLs the next copy of `original` should run: up to `size` of those left that no copy in
   * flight has, taken from the end, since the original works through its URLs from the front
   * (the way a work-stealing deque is stolen from). Called right after pick() named `original`.
   */
  nextSlice(original: Task, size: number): { slice: string[]; index: number } {
    const run = this.running.get(original);
    const urls = [...original.remaining];
    const slice: string[] = [];
    for (let i = urls.length - 1; i >= 0 && slice.length < size; i--) if (!run?.covered.has(urls[i]!)) slice.push(urls[i]!);
    return { slice: slice.reverse(), index: run?.made ?? 0 };
  }

  /** Records that `copy` now runs its slice of the URLs of `original`. */
  copied(original: Task, copy: Task): void {
    const run = this.running.get(original);
    if (run !== undefined) {
      run.copies.add(copy);
      run.made++;
      for (const url of copy.slice ?? original.remaining) run.covered.add(url);
    }
    this.made++;
  }

  private cancelCopies(entry: Running): void {
    for (const copy of entry.copies) this.copies.get(copy)?.abort(new Error('the URLs were all done'));
  }
}

/** LATE's estimate of an invocation's time to end: its URLs left over its progress rate so far. */
function timeToEnd(run: Running, task: Task, elapsed: number): number {
  const done = run.startSize - task.remaining.size;
  return done <= 0 ? Infinity : (elapsed * task.remaining.size) / done;
}

/** Whether some of the task's URLs left are in no copy in flight. */
function hasUncovered(run: Running, task: Task): boolean {
  if (task.remaining.size > run.covered.size) return true;
  for (const url of task.remaining) if (!run.covered.has(url)) return true;
  return false;
}
