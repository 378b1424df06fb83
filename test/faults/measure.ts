/**
 * Measured (2 cores, Node 20, five runs of `npx jest test/faults`, 53 tests, 9-11 s wall):
 * - memory: the largest RSS peak growth was +17.4 MB (the brotli bomb, 200 MB decoded, cap 1 MiB);
 *   60 MB streamed +10 MB at most, 60 MB declared +1 MB, gzip bomb +4.9 MB; limit 100 MB. The
 *   server had written 3.8 MB of the 60 MB when the worker closed the socket.
 * - slowest against its deadline: "a server that never answers", 825 ms for timeoutMs 800
 *   (deadline 2,300 ms = timeoutMs + MARGIN_MS); drip and slow-loris end at 801-807 ms. The longest
 *   case is the 429 with an HTTP-date Retry-After, 1.0-1.6 s of a 5.5 s deadline (it must wait 1-2 s).
 *
 * Bounds for the fault suite: each case must end within its deadline (a correctness bound: a
 * misbehaving server must not hold a page longer than the options allow), and the big-body cases
 * must keep the process's resident memory growth bounded. Every file prints what it measured in
 * `afterAll`, so the numbers quoted at the top of the suite can be checked.
 */

interface CaseRecord {
  name: string;
  elapsedMs: number;
  deadlineMs: number;
}

const cases: CaseRecord[] = [];
const memory: { name: string; peakGrowthMB: number }[] = [];

/** Slack for scheduling and socket teardown on a loaded 2-core machine; not a performance target. */
export const MARGIN_MS = 1_500;

/**
 * Runs `fn` and fails the test if it took `deadlineMs` or longer.
 * `deadlineMs` should be what the options allow (timeoutMs x attempts + waits) plus {@link MARGIN_MS}.
 */
export async function within<T>(name: string, deadlineMs: number, fn: () => Promise<T>): Promise<T> {
  const started = performance.now();
  const result = await fn();
  const elapsedMs = Math.round(performance.now() - started);
  cases.push({ name, elapsedMs, deadlineMs });
  expect(elapsedMs).toBeLessThan(deadlineMs);
  return result;
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

/** One line per measured case, slowest (relative to its deadline) first. */
export function report(file: string): string {
  const lines = [...cases]
    .sort((a, b) => b.elapsedMs / b.deadlineMs - a.elapsedMs / a.deadlineMs)
    .map((c) => `  ${c.name}: ${c.elapsedMs} ms of ${c.deadlineMs} ms`);
  const mem = memory.map((m) => `  ${m.name}: RSS peak +${m.peakGrowthMB} MB`);
  return [`fault suite ${file}:`, ...lines, ...mem].join('\n');
}
