/**
 * Completions counted per time bin over the run, in bounded memory: when a run outlasts
 * MAX_TIME_BINS bins, neighbouring bins merge and the bin width doubles.
 */
import { INITIAL_TIME_BIN_MS, MAX_TIME_BINS } from './constants';

export class TimeBins {
  binMs = INITIAL_TIME_BIN_MS;
  counts: number[] = [];
  total = 0;
  lastMs = 0;

  constructor(private readonly maxBins = MAX_TIME_BINS) {}

  /** Counts one completion `atMs` after the run started (negative times count as 0). */
  add(atMs: number, count = 1): void {
    const t = Math.max(0, atMs);
    let index = Math.floor(t / this.binMs);
    while (index >= this.maxBins) {
      this.halve();
      index = Math.floor(t / this.binMs);
    }
    while (this.counts.length <= index) this.counts.push(0);
    this.counts[index]! += count;
    this.total += count;
    if (t > this.lastMs) this.lastMs = t;
  }

  /** The bins merged `k` at a time (k the smallest integer that fits `maxBins`), for drawing. */
  coarsened(maxBins: number): { binMs: number; counts: number[] } {
    const k = Math.max(1, Math.ceil(this.counts.length / maxBins));
    const counts: number[] = [];
    for (let i = 0; i < this.counts.length; i += k) {
      let sum = 0;
      for (let j = i; j < i + k && j < this.counts.length; j++) sum += this.counts[j]!;
      counts.push(sum);
    }
    return { binMs: this.binMs * k, counts };
  }

  private halve(): void {
    const merged: number[] = [];
    for (let i = 0; i < this.counts.length; i += 2) merged.push(this.counts[i]! + (this.counts[i + 1] ?? 0));
    this.counts = merged;
    this.binMs *= 2;
  }
}
