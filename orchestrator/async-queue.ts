/**
 * An unbounded FIFO whose `shift()` waits for the next item: the run loop's single inbox, fed by
 * settling invocations and retry timers. Its length is bounded by what the caller has in flight.
 */
export class AsyncQueue<T> {
  /** Items from `head` on are waiting; the consumed front is dropped in one splice now and then, so shift() is O(1) (Array#shift is O(n)). */
  private items: (T | undefined)[] = [];
  private head = 0;
  private readonly waiters: ((item: T) => void)[] = [];

  push(item: T): void {
    const waiter = this.waiters.shift();
    if (waiter !== undefined) waiter(item);
    else this.items.push(item);
  }

  /** The oldest item, waiting for one if there is none yet. */
  shift(): Promise<T> {
    if (this.head < this.items.length) {
      const item = this.items[this.head] as T;
      this.items[this.head++] = undefined;
      if (this.head === this.items.length) {
        this.items = [];
        this.head = 0;
      } else if (this.head >= 1024 && this.head * 2 >= this.items.length) {
        this.items = this.items.slice(this.head);
        this.head = 0;
      }
      return Promise.resolve(item);
    }
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  get length(): number {
    return this.items.length - this.head;
  }
}
