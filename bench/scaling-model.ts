/**
 * Pure helpers of the scaling bench: seeded heavy-tailed chunk durations, and the makespan a
 * zero-overhead scheduler would reach with them (the reference the real run loop is held to).
 */

/** Lognormal shape: sigma 1 is heavy-tailed (the slowest of 10,000 chunks is ~10x the mean, the p99 ~6x). */
export const DURATION_SIGMA = 1.0;
/** Durations are capped here, in means: a worker timeout ends any chunk eventually. */
export const DURATION_CAP_MEANS = 10;

import { seededRandom } from '../scripts/seeded-random';

/** The seeded PRNG, so every run of the bench draws the same chunks. */
export { seededRandom };

/**
 * `count` lognormal durations (ms) with mean `meanMs` (before the cap), shape {@link DURATION_SIGMA},
 * capped at {@link DURATION_CAP_MEANS} x mean.
 */
export function lognormalDurations(count: number, meanMs: number, seed: number): Float64Array {
  const random = seededRandom(seed);
  const mu = Math.log(meanMs) - (DURATION_SIGMA * DURATION_SIGMA) / 2; // so that E[X] = meanMs
  const out = new Float64Array(count);
  for (let i = 0; i < count; i++) {
    const u1 = 1 - random(); // (0, 1]: log(0) would be -Infinity
    const u2 = random();
    const normal = Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
    out[i] = Math.min(Math.exp(mu + DURATION_SIGMA * normal), DURATION_CAP_MEANS * meanMs);
  }
  return out;
}

/**
 * Makespan of list scheduling `durations`, in order, on `slots` parallel slots with no overhead:
 * each job starts the moment a slot frees up. O(n log slots) with a binary min-heap of finish times.
 */
export function zeroOverheadMakespan(durations: ArrayLike<number>, slots: number): number {
  const heap: number[] = [];
  const push = (value: number) => {
    let i = heap.push(value) - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (heap[parent]! <= heap[i]!) break;
      [heap[parent], heap[i]] = [heap[i]!, heap[parent]!];
      i = parent;
    }
  };
  const popPush = (value: number) => {
    heap[0] = value;
    for (let i = 0; ; ) {
      const l = 2 * i + 1;
      const r = l + 1;
      let m = i;
      if (l < heap.length && heap[l]! < heap[m]!) m = l;
      if (r < heap.length && heap[r]! < heap[m]!) m = r;
      if (m === i) break;
      [heap[m], heap[i]] = [heap[i]!, heap[m]!];
      i = m;
    }
  };
  let makespan = 0;
  for (let i = 0; i < durations.length; i++) {
    const start = heap.length < slots ? 0 : heap[0]!;
    const end = start + durations[i]!;
    if (heap.length < slots) push(end);
    else popPush(end);
    makespan = Math.max(makespan, end);
  }
  return makespan;
}
