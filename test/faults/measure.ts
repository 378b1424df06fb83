/**
 * What the fault suite measures, and what it does not.
 *
 * Memory (2 cores, Node 20, five runs of `npx jest test/faults`): the largest RSS peak growth was
 * +17.4 MB (the brotli bomb, 200 MB decoded, cap 1 MiB); 60 MB streamed +10 MB at most, 60 MB
 * declared +1 MB, gzip bomb +4.9 MB; limit 100 MB. The server had written 3.8 MB of the 60 MB when
 * the worker closed the socket. `withinMemory` holds each big-body case to the limit, and every
 * file that uses it prints what it measured in `afterAll`, so these numbers can be checked.
 *
 * Time: no stopwatch. A fault that only a timeout can end must come back as `timeout`, with the
 * worker's own message and no sooner than its timeoutMs (see `expectTimedOut`); were the timeout
 * ignored, the case would hang until jest's test timeout and fail. Every other case runs with a
 * timeoutMs far above what it needs (GENEROUS_TIMEOUT_MS), so a slow, shared machine cannot turn
 * it into a timeout, and its record's kind, attempts and the server's counts say what happened.
 * How fast faults end is a performance question for the bench, not for these tests.
 */
import type { Outcome } from '../../core/contract';

const memory: { name: string; peakGrowthMB: number }[] = [];

/** For cases a timeout is not meant to end: far more than any of them needs, less than jest's 30 s. */
export const GENEROUS_TIMEOUT_MS = 10_000;

/**
 * How much earlier than timeoutMs an attempt's deadline may be seen to fire: Node counts timers in
 * whole milliseconds and `ms` is rounded. A lower bound, so a loaded machine only adds to `ms`.
 */
const TIMER_ROUNDING_MS = 2;

/**
 * Asserts that `outcome` ended because the worker's own deadline of `timeoutMs` ran out on its one
 * attempt: kind `timeout`, the worker's message (not one of undici's timers), and not early.
 */
export function expectTimedOut(outcome: Outcome, timeoutMs: number): void {
  expect(outcome).toMatchObject({ ok: false, error: { kind: 'timeout', message: `no complete answer within timeoutMs (${timeoutMs} ms)` }, attempts: 1 });
  expect(outcome.ms).toBeGreaterThanOrEqual(timeoutMs - TIMER_ROUNDING_MS);
}

/** Runs `fn`, sampling RSS every 5 ms; fails if the peak grew by `limitMB` or more over the start. */
export async function withinMemory<T>(name: string, limitMB: number, fn: () => Promise<T>): Promise<T> {
  const start = process.memoryUsage.rss();
  let peak = start;
  const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage.rss())), 5);
  try {
    return await fn();
  } finally {
    clearInterval(sampler);
    peak = Math.max(peak, process.memoryUsage.rss());
    const peakGrowthMB = Math.round(((peak - start) / 1024 / 1024) * 10) / 10;
    memory.push({ name, peakGrowthMB });
    expect(peakGrowthMB).toBeLessThan(limitMB);
  }
}

/** One line per case measured with `withinMemory`. */
export function report(file: string): string {
  return [`fault suite ${file}:`, ...memory.map((m) => `  ${m.name}: RSS peak +${m.peakGrowthMB} MB`)].join('\n');
}
