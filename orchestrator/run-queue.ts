/**
 * The tasks a run has yet to invoke: requeued tasks, retries whose backoff is over and split halves
 * first, then the input chunks in order. Retries waiting out a backoff are kept here too, because
 * each holds its chunk's slot until it is due.
 */
import type { Task } from './run-task';

export class TaskQueue {
  /** Tasks to invoke before any new chunk. */
  private readonly ready: Task[] = [];
  /** Backoff timers of retries not yet due. */
  private readonly delayed = new Set<NodeJS.Timeout>();
  private nextChunk = 0;

  /**
   * @param newTask makes the task of input chunk `index` (called once per non-empty chunk, in order, as it is reached)
   * @param onDue gets a retry when its backoff is over; hand it back with {@link unshift}
   */
  constructor(
    private readonly chunks: readonly (readonly string[])[],
    private readonly newTask: (index: number, urls: readonly string[]) => Task,
    private readonly onDue: (task: Task) => void,
  ) {}

  /** The task to invoke next, or `undefined` if none is ready now. */
  next(): Task | undefined {
    const first = this.ready.shift();
    if (first !== undefined) return first;
    while (this.nextChunk < this.chunks.length) {
      const index = this.nextChunk++;
      const urls = this.chunks[index]!;
      if (urls.length > 0) return this.newTask(index, urls);
    }
    return undefined;
  }

  /** Puts tasks first in line, ahead of any new chunk. */
  unshift(...tasks: Task[]): void {
    this.ready.unshift(...tasks);
  }

  /** Hands `task` to `onDue` after `delayMs`, unless {@link clear} comes first. */
  retryAfter(task: Task, delayMs: number): void {
    const timer = setTimeout(() => {
      this.delayed.delete(timer);
      this.onDue(task);
    }, delayMs);
    this.delayed.add(timer);
  }

  /** Retries waiting out a backoff. */
  get waiting(): number {
    return this.delayed.size;
  }

  /** Nothing ready, waiting, or left among the input chunks. */
  get empty(): boolean {
    return this.ready.length === 0 && this.delayed.size === 0 && this.nextChunk >= this.chunks.length;
  }

  /** Drops the ready tasks and cancels the retries waiting: a stopping or ended run starts neither. */
  clear(): void {
    this.ready.length = 0;
    for (const timer of this.delayed) clearTimeout(timer);
    this.delayed.clear();
  }
}
