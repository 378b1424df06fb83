/**
 * An unbounded FIFO whose `shift()` waits for the next item: the run loop's single inbox, fed by
 * settling invocations and retry timers. Its length is bounded by what the caller has in flight.
 */
export class AsyncQueue<T> {
  private readonly items: T[] = [];
  private readonly waiters: ((item: T) => void)[] = [];

  push(item: T): void {
    const waiter = this.waiters.shift();
    if (waiter !== undefined) waiter(item);
    else this.items.push(item);
  }

  /** The oldest item, waiting for one if there is none yet. */
  shift(): Promise<T> {
    if (this.items.length > 0) return Promise.resolve(this.items.shift() as T);
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  get length(): number {
    return this.items.length;
  }
}
