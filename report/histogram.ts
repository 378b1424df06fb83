/**
 * A fixed log-scale histogram of milliseconds: constant memory whatever the count, and
 * percentiles within one bucket's width (≈ 4.4% relative) of the exact value.
 */
import { HISTOGRAM_BUCKETS_PER_DOUBLING as PER_DOUBLING, HISTOGRAM_DOUBLINGS } from './constants';

/** Bucket 0 is [0, 1 ms); bucket i ≥ 1 is [2^((i-1)/k), 2^(i/k)) ms; the last also takes everything slower. */
export const BUCKET_COUNT = 2 + HISTOGRAM_DOUBLINGS * PER_DOUBLING;

/** Index of the bucket that holds `ms`. */
export function bucketOf(ms: number): number {
  if (!(ms >= 1)) return 0; // also NaN and negatives: a clock quirk should not crash the report
  const i = 1 + Math.floor(Math.log2(ms) * PER_DOUBLING);
  return Math.min(i, BUCKET_COUNT - 1);
}

/** Lower bound (inclusive) of bucket `i`, in ms. */
export function bucketLowMs(i: number): number {
  return i === 0 ? 0 : 2 ** ((i - 1) / PER_DOUBLING);
}

/** Upper bound (exclusive) of bucket `i`, in ms; the last bucket is open-ended. */
export function bucketHighMs(i: number): number {
  return i >= BUCKET_COUNT - 1 ? Infinity : 2 ** (i / PER_DOUBLING);
}

export class LogHistogram {
  readonly counts = new Uint32Array(BUCKET_COUNT);
  count = 0;
  sumMs = 0;
  minMs = Infinity;
  maxMs = -Infinity;

  add(ms: number): void {
    if (!Number.isFinite(ms)) return;
    const buckets = this.counts;
    buckets[bucketOf(ms)]! += 1;
    this.count += 1;
    this.sumMs += ms;
    if (ms < this.minMs) this.minMs = ms;
    if (ms > this.maxMs) this.maxMs = ms;
  }

  /** Adds every sample of `other` into this one (used when a host is folded into "other"). */
  merge(other: LogHistogram): void {
    for (let i = 0; i < BUCKET_COUNT; i++) this.counts[i]! += other.counts[i]!;
    this.count += other.count;
    this.sumMs += other.sumMs;
    this.minMs = Math.min(this.minMs, other.minMs);
    this.maxMs = Math.max(this.maxMs, other.maxMs);
  }

  /**
   * The q-quantile (0 < q ≤ 1) in ms: the geometric middle of the bucket holding the
   * ceil(q·n)-th smallest sample, clamped to the exact min and max. `null` when empty.
   */
  quantile(q: number): number | null {
    if (this.count === 0) return null;
    const rank = Math.max(1, Math.ceil(q * this.count));
    let seen = 0;
    for (let i = 0; i < BUCKET_COUNT; i++) {
      seen += this.counts[i]!;
      if (seen >= rank) {
        const low = bucketLowMs(i);
        const high = bucketHighMs(i);
        const mid = i === 0 ? 0.5 : Number.isFinite(high) ? Math.sqrt(low * high) : this.maxMs;
        return Math.min(this.maxMs, Math.max(this.minMs, mid));
      }
    }
    return this.maxMs;
  }

  meanMs(): number | null {
    return this.count === 0 ? null : this.sumMs / this.count;
  }
}
