/**
 * Pure helpers of the scaling bench: the seeded model of how long a worker takes over each URL,
 * and the makespan a zero-overhead scheduler would reach (the reference the run loop is held to).
 *
 * The model, per URL of chunk j run by invocation i: `unitMs x hostFactor[j] x pageFactor(url) x
 * invocationFactor(i)`, the URLs of one invocation fetched `WORKER_CONCURRENCY` at a time in order,
 * each record sent as its URL ends.
 * - hostFactor: lognormal, sigma 1, capped at 10x: a chunk's URLs share hosts, so a chunk is slow
 *   as a whole (this is what makes chunks heavy-tailed).
 * - pageFactor: lognormal, sigma 0.5, drawn from the URL, the same in every invocation.
 * - invocationFactor: 1, but 2-6x for 5 % of invocations (a cold start, a slow instance, a
 *   congested path), drawn from the invocation's id, so a copy of a chunk draws its own.
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
export function zeroOverheadMakespan(durations: ArrayLike<number>, slots: number, onStart?: (index: number, startMs: number) => void): number {
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
    onStart?.(i, start);
  }
  return makespan;
}

/**
 * The in-order reference: chunks started in list order as slots free up, every invocation at full
 * speed (`durations`), and each chunk split as finely as it helps, so it ends no earlier than its
 * slowest URL (`slowest`). A scheduler that does not know the durations in advance starts chunks
 * in list order too; the ideal (longest chunk first) needs to know them.
 */
export function inOrderReference(durations: ArrayLike<number>, slowest: ArrayLike<number>, slots: number): number {
  let total = 0;
  for (let i = 0; i < durations.length; i++) total += durations[i]!;
  let latest = 0;
  zeroOverheadMakespan(durations, slots, (i, start) => {
    latest = Math.max(latest, start + slowest[i]!);
  });
  return Math.max(total / slots, latest);
}

/** URLs a simulated worker fetches at once (its `concurrency`). */
export const WORKER_CONCURRENCY = 8;
/** Share of invocations that run slow, and how slow (uniform). */
export const SLOW_INVOCATION_SHARE = 0.05;
export const SLOW_INVOCATION_FACTOR: readonly [number, number] = [2, 6];

/** A 32-bit FNV-1a hash of `text`, mixed with `seed`. */
export function hash32(text: string, seed: number): number {
  let h = (0x811c9dc5 ^ seed) >>> 0;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193) >>> 0;
  return h;
}

/** A lognormal draw with mean 1 and shape `sigma` from two uniforms in [0, 1). */
function lognormal(u1: number, u2: number, sigma: number): number {
  const normal = Math.sqrt(-2 * Math.log(1 - u1)) * Math.cos(2 * Math.PI * u2);
  return Math.exp(-(sigma * sigma) / 2 + sigma * normal);
}

/** The page's own factor: lognormal, mean 1, sigma 0.5, the same for a URL in every invocation. */
export function pageFactor(url: string, seed: number): number {
  const random = seededRandom(hash32(url, seed));
  return lognormal(random(), random(), 0.5);
}

/** The invocation's factor: 1, or 2-6 for {@link SLOW_INVOCATION_SHARE} of invocation ids. */
export function invocationFactor(invocationId: string, seed: number): number {
  const random = seededRandom(hash32(invocationId, seed ^ 0x5bd1e995));
  if (random() >= SLOW_INVOCATION_SHARE) return 1;
  const [lo, hi] = SLOW_INVOCATION_FACTOR;
  return lo + (hi - lo) * random();
}

/**
 * When each of `times` (ms, in order) ends, fetched `slots` at a time, each starting as soon as
 * a slot is free: a worker's URLs, list-scheduled on its concurrency.
 */
export function endTimes(times: readonly number[], slots: number): number[] {
  const free: number[] = Array.from({ length: Math.min(slots, times.length) }, () => 0);
  return times.map((ms) => {
    let best = 0;
    for (let k = 1; k < free.length; k++) if (free[k]! < free[best]!) best = k;
    free[best]! += ms;
    return free[best]!;
  });
}
