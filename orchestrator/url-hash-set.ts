/**
 * Pure: a set of URLs that scales to tens of millions in a few hundred MB. It keeps a 64-bit hash
 * of each URL, never the URL: 8 bytes a slot in one open-addressing table (linear probing, at most
 * 3/4 full, doubled when it gets there). 10 million URLs take a 2^24-slot table: 128 MiB, where a
 * Set<string> of the URLs themselves takes gigabytes. bench/seen-set.ts measures both.
 *
 * The price: two different URLs with the same 64-bit hash count as one, so the second would be
 * taken for already seen. With a well-mixed hash the chance that any pair of n URLs collides is
 * about n² / 2^65: 3 in a million for a 10-million-URL crawl.
 */

/** Slots of a new table when no size is expected. */
const MIN_SLOTS = 1 << 10;
/** Load past which the table doubles: linear probing stays short below it. */
const MAX_LOAD = 0.75;
const HEADER_WORDS = 2;

/**
 * Two independent 32-bit lanes over the string's UTF-16 code units (cyrb53's mixing, both lanes
 * kept whole): fast in plain JS (Math.imul), and well mixed in every bit.
 */
export function hash64(text: string): [hi: number, lo: number] {
  let h1 = 0xdeadbeef;
  let h2 = 0x41c6ce57;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    h1 = Math.imul(h1 ^ c, 2654435761);
    h2 = Math.imul(h2 ^ c, 1597334677);
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507);
  h1 ^= Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507);
  h2 ^= Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  return [h1 >>> 0, h2 >>> 0];
}

function slotsFor(expected: number): number {
  let slots = MIN_SLOTS;
  while (slots * MAX_LOAD < expected) slots *= 2;
  return slots;
}

/**
 * @example
 * const seen = new UrlHashSet();
 * seen.add('https://a.test/') // true: new
 * seen.add('https://a.test/') // false: already there
 * const copy = UrlHashSet.fromBuffer(seen.toBuffer()); // a checkpoint
 */
export class UrlHashSet {
  /** Pairs of words (hi, lo); (0, 0) marks an empty slot. */
  private table: Uint32Array;
  private mask: number;
  private count = 0;

  /** @param expected URLs to size the table for at once (it grows anyway). @default 0 */
  constructor(expected = 0) {
    const slots = slotsFor(expected);
    this.table = new Uint32Array(slots * 2);
    this.mask = slots - 1;
  }

  /** URLs in the set. */
  get size(): number {
    return this.count;
  }

  /** Bytes the table holds (what the set costs; the object itself is a few dozen bytes). */
  get bytes(): number {
    return this.table.byteLength;
  }

  /** Adds `url`; true when it was not there yet. */
  add(url: string): boolean {
    const [hi, lo] = hash64(url);
    return this.addHash(hi, lo);
  }

  has(url: string): boolean {
    const [hi, lo0] = hash64(url);
    const lo = hi === 0 && lo0 === 0 ? 1 : lo0;
    const { table, mask } = this;
    for (let slot = hi & mask; ; slot = (slot + 1) & mask) {
      const h = table[slot * 2]!;
      const l = table[slot * 2 + 1]!;
      if (h === 0 && l === 0) return false;
      if (h === hi && l === lo) return true;
    }
  }

  /** The set as bytes, for a checkpoint: a small header, then the table as it is. */
  toBuffer(): Buffer {
    const out = Buffer.alloc(HEADER_WORDS * 4 + this.table.byteLength);
    out.writeUInt32LE(this.count, 0);
    out.writeUInt32LE(this.mask + 1, 4);
    Buffer.from(this.table.buffer, this.table.byteOffset, this.table.byteLength).copy(out, HEADER_WORDS * 4);
    return out;
  }

  /** A set from {@link toBuffer}'s bytes. Throws RangeError when they are not such bytes. */
  static fromBuffer(bytes: Uint8Array): UrlHashSet {
    const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    if (buffer.length < HEADER_WORDS * 4) throw new RangeError('not a UrlHashSet: too short');
    const count = buffer.readUInt32LE(0);
    const slots = buffer.readUInt32LE(4);
    if (slots < MIN_SLOTS || (slots & (slots - 1)) !== 0 || buffer.length !== HEADER_WORDS * 4 + slots * 8 || count > slots * MAX_LOAD) {
      throw new RangeError('not a UrlHashSet: header and length disagree');
    }
    const set = new UrlHashSet();
    set.table = new Uint32Array(slots * 2);
    Buffer.from(set.table.buffer).set(buffer.subarray(HEADER_WORDS * 4));
    set.mask = slots - 1;
    set.count = count;
    return set;
  }

  private addHash(hi: number, lo0: number): boolean {
    const lo = hi === 0 && lo0 === 0 ? 1 : lo0;
    const { table, mask } = this;
    let slot = hi & mask;
    for (; ; slot = (slot + 1) & mask) {
      const h = table[slot * 2]!;
      const l = table[slot * 2 + 1]!;
      if (h === 0 && l === 0) break;
      if (h === hi && l === lo) return false;
    }
    table[slot * 2] = hi;
    table[slot * 2 + 1] = lo;
    this.count++;
    if (this.count > (mask + 1) * MAX_LOAD) this.grow();
    return true;
  }

  private grow(): void {
    const old = this.table;
    const slots = (this.mask + 1) * 2;
    this.table = new Uint32Array(slots * 2);
    this.mask = slots - 1;
    this.count = 0;
    for (let i = 0; i < old.length; i += 2) {
      const hi = old[i]!;
      const lo = old[i + 1]!;
      if (hi !== 0 || lo !== 0) this.addHash(hi, lo);
    }
  }
}
