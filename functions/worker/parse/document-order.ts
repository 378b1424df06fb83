/**
 * Items (the record's links) in the document's tree order, which is the order of their start tags
 * except for foster parenting: content misplaced in a table (an `<a>` between rows) is inserted
 * before the table, so its links come before the table's own, as `querySelectorAll` lists them.
 *
 * Each open element has a chunk its content goes into: its parent's, or, for an element fostered
 * out of a table, the chunk reserved just before that table. A table reserves its slot when it
 * opens (an empty slot left by a table that fostered nothing is dropped when it closes, if last),
 * so every operation is O(1) and the items are flattened once at the end.
 */

type Chunk = (string | Chunk | null)[];

/** Where one open element's content goes: its chunk, and for a table its reserved slot. */
export interface Place {
  chunk: Chunk;
  slotChunk: Chunk | undefined;
  slotIndex: number;
}

/** Where an opening element's content goes. */
export enum Placement {
  /** Inside the current node, like everything else. */
  Child = 0,
  /** A table: inside the current node, with a slot reserved before it for fostered content. */
  Table = 1,
  /** Fostered: before the innermost open table. */
  Fostered = 2,
}

export class DocumentOrder {
  private readonly root: Chunk = [];
  /** Per open element (by stack position): the chunk its content goes into. */
  private readonly chunks: Chunk[] = [];
  /** Per open table: the chunk holding its reserved slot, and the slot's index there. */
  private readonly slotChunks: (Chunk | undefined)[] = [];
  private readonly slotIndexes: number[] = [];

  /** Element `at` opened above `parent` (-1: the document), placed as `placement`; `table` is the innermost open table when fostered. */
  open(at: number, parent: number, placement: Placement, table: number): void {
    const parentChunk = parent < 0 ? this.root : this.chunks[parent]!;
    this.slotChunks[at] = undefined;
    if (placement === Placement.Fostered && table >= 0) {
      this.chunks[at] = this.fosterChunk(table);
      return;
    }
    this.chunks[at] = parentChunk;
    if (placement === Placement.Table) {
      this.slotChunks[at] = parentChunk;
      this.slotIndexes[at] = parentChunk.push(null) - 1;
    }
  }

  /** Element `at` closed. */
  close(at: number): void {
    const slotChunk = this.slotChunks[at];
    if (slotChunk === undefined) return;
    this.slotChunks[at] = undefined;
    if (slotChunk[this.slotIndexes[at]!] === null && slotChunk.length === this.slotIndexes[at]! + 1) slotChunk.pop();
  }

  /** Where the element at `at` puts its content (to move it with {@link restore}). */
  placeOf(at: number): Place {
    return { chunk: this.chunks[at]!, slotChunk: this.slotChunks[at], slotIndex: this.slotIndexes[at] ?? 0 };
  }

  /** The element now at `at` puts its content where `place` says (the stack was rearranged). */
  restore(at: number, place: Place): void {
    this.chunks[at] = place.chunk;
    this.slotChunks[at] = place.slotChunk;
    this.slotIndexes[at] = place.slotIndex;
  }

  /** An item inside the element at `current` (-1: the document). */
  add(item: string, current: number): void {
    (current < 0 ? this.root : this.chunks[current]!).push(item);
  }

  /** Every item, in tree order. */
  items(): string[] {
    const items: string[] = [];
    const stack: [Chunk, number][] = [[this.root, 0]];
    while (stack.length > 0) {
      const top = stack[stack.length - 1]!;
      const [chunk, index] = top;
      if (index === chunk.length) {
        stack.pop();
        continue;
      }
      top[1] = index + 1;
      const item = chunk[index];
      if (typeof item === 'string') items.push(item);
      else if (item !== null && item !== undefined) stack.push([item, 0]);
    }
    return items;
  }

  private fosterChunk(table: number): Chunk {
    const slotChunk = this.slotChunks[table];
    if (slotChunk === undefined) return this.chunks[table]!; // the table's slot is gone (it was moved): its own chunk
    const index = this.slotIndexes[table]!;
    let chunk = slotChunk[index];
    if (chunk === null || chunk === undefined || typeof chunk === 'string') {
      chunk = [];
      slotChunk[index] = chunk;
    }
    return chunk;
  }
}
