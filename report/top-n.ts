/**
 * Keeps the N largest items seen so far, by a numeric key, in O(N) memory and O(log N) per item:
 * a binary min-heap whose root is the smallest item kept, so a newcomer only has to beat the root.
 */
export class TopN<T> {
  private readonly heap: T[] = [];

  constructor(
    private readonly limit: number,
    private readonly keyOf: (item: T) => number,
  ) {}

  /** Offers an item; it is kept if it is among the N largest so far. */
  offer(item: T): void {
    if (this.limit <= 0) return;
    const heap = this.heap;
    if (heap.length < this.limit) {
      heap.push(item);
      this.siftUp(heap.length - 1);
    } else if (this.keyOf(item) > this.keyOf(heap[0]!)) {
      heap[0] = item;
      this.siftDown(0);
    }
  }

  /** Whether an item with this key would be kept: lets a caller skip building items that would not. */
  accepts(key: number): boolean {
    return this.limit > 0 && (this.heap.length < this.limit || key > this.keyOf(this.heap[0]!));
  }

  /** The items kept, largest first. */
  sorted(): T[] {
    return [...this.heap].sort((a, b) => this.keyOf(b) - this.keyOf(a));
  }

  get size(): number {
    return this.heap.length;
  }

  private siftUp(i: number): void {
    const heap = this.heap;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (this.keyOf(heap[i]!) >= this.keyOf(heap[parent]!)) return;
      [heap[i], heap[parent]] = [heap[parent]!, heap[i]!];
      i = parent;
    }
  }

  private siftDown(i: number): void {
    const heap = this.heap;
    for (;;) {
      const left = 2 * i + 1;
      const right = left + 1;
      let smallest = i;
      if (left < heap.length && this.keyOf(heap[left]!) < this.keyOf(heap[smallest]!)) smallest = left;
      if (right < heap.length && this.keyOf(heap[right]!) < this.keyOf(heap[smallest]!)) smallest = right;
      if (smallest === i) return;
      [heap[i], heap[smallest]] = [heap[smallest]!, heap[i]!];
      i = smallest;
    }
  }
}
