/**
 * The run-wide host budget through runChunks and a real LocalInvoker (worker child processes)
 * against loopback sites: each host its own budget, and a host that answers 429 slowed for the
 * rest of the run. Loopback is private, so workers run with `allowPrivate: true`.
 */
import type { Outcome, WorkerEventInput } from '../../core/contract';
import { hostKey } from '../../core/host-key';
import { chunkUrls } from '../../orchestrator/chunk';
import type { HostBudget } from '../../orchestrator/host-budget';
import type { Invoker } from '../../orchestrator/invoker';
import { LocalInvoker } from '../../orchestrator/invokers/local';
import { preparePoliteness } from '../../orchestrator/politeness';
import { runChunks } from '../../orchestrator/run';
import { SimulatedInvoker } from '../helpers/simulated-invoker';
import { startCountingSite, type CountingSite } from '../helpers/counting-site';

let invoker: LocalInvoker;
const sites: CountingSite[] = [];
beforeAll(() => {
  invoker = new LocalInvoker({ size: 3 });
});
afterEach(async () => {
  await Promise.all(sites.splice(0).map((s) => s.close()));
});
afterAll(() => invoker.close());

async function site(...args: Parameters<typeof startCountingSite>): Promise<CountingSite> {
  const s = await startCountingSite(...args);
  sites.push(s);
  return s;
}

/**
 * Runs `urls` in chunks of `chunkSize` with the run-wide budget; returns outcomes by URL (one each,
 * or the test fails). `watch` may wrap the invoker, with the run's host budget at hand.
 */
async function polite(urls: string[], perHost: number, chunkSize: number, on: Invoker = invoker, watch = (i: Invoker, _b: HostBudget) => i) {
  // No robots.txt for the simulated invoker's made-up host (unreachable would disallow everything).
  const robots = on === invoker ? 'obey' : 'ignore';
  const setup = await preparePoliteness(urls, { robots, perHost, workerConcurrency: 64, chunkConcurrency: on.capacity, allowPrivate: true });
  const run = runChunks(chunkUrls(setup.allowed, chunkSize), watch(on, setup.budget), {
    scrape: { allowPrivate: true, perHost, retries: 1 },
    hostBudget: setup.budget,
    maxSpeculativeCopies: 0, // the counts and in-flight bounds below are per original chunk
  });
  const outcomes = new Map<string, Outcome>();
  for await (const outcome of run) {
    expect(outcomes.has(outcome.url)).toBe(false);
    outcomes.set(outcome.url, outcome);
  }
  expect([...outcomes.keys()].sort()).toStrictEqual([...urls].sort());
  return { outcomes, budget: setup.budget, progress: run.progress };
}

it('gives each host (host:port) its own budget', async () => {
  const shared = { now: 0, max: 0 };
  const [a, b] = [await site({ latencyMs: 30, shared }), await site({ latencyMs: 30, shared })];
  const { outcomes } = await polite([...a.urls(40), ...b.urls(40)], 2, 8);
  expect([...outcomes.values()].every((o) => o.ok)).toBe(true);
  expect([a.maxInFlight(), b.maxInFlight()]).toStrictEqual([2, 2]);
  expect(shared.max).toBeGreaterThan(2); // both hosts at once: the budgets are not one shared pool
});

it('slows a host that answered 429 with Retry-After for the rest of the run', async () => {
  let throttledAt = Infinity;
  const s = await site({
    latencyMs: 30,
    override: (n, _req, res) => {
      if (n !== 15) return false;
      throttledAt = performance.now();
      res.writeHead(429, { 'retry-after': '1' }).end();
      return true;
    },
  });
  // Pages of the chunks that started once the host's limit was down to 2 and every chunk that
  // started before had ended (its leases back). Told by the budget's state, not by the time since
  // the 429, so a slow machine that takes longer to get there cannot break it.
  const host = hostKey(s.origin)!;
  const lowered = new Set<string>();
  const running = new Map<string, number>(); // chunk id -> the host's limit when it started
  const watch = (inner: Invoker, budget: HostBudget): Invoker => ({
    capacity: inner.capacity,
    close: async () => {},
    async invoke(event: WorkerEventInput, signal?: AbortSignal, onRecord?: (record: Outcome) => void) {
      const { limit } = budget.state(host);
      if (limit === 2 && [...running.values()].every((l) => l === 2)) for (const url of event.urls) lowered.add(new URL(url).pathname);
      running.set(event.chunkId, limit);
      try {
        return await inner.invoke(event, signal, onRecord);
      } finally {
        running.delete(event.chunkId);
      }
    },
  });
  const { outcomes, budget } = await polite(s.urls(200), 4, 10, invoker, watch);
  expect([...outcomes.values()].every((o) => o.ok)).toBe(true);
  expect(budget.state(host)).toMatchObject({ limit: 2, throttles: 1 });
  const before = s.starts.filter((r) => r.at < throttledAt);
  const later = s.starts.filter((r) => lowered.has(r.path));
  expect(Math.max(...before.map((r) => r.inFlight))).toBe(4);
  expect(later.length).toBeGreaterThan(30);
  expect(Math.max(...later.map((r) => r.inFlight))).toBeLessThanOrEqual(2);
});

it('shares one host between 50 workers within its budget, without tiny invocations', async () => {
  // The simulated invoker answers in 5 ms; this wrapper adds up the slots leased to calls in flight.
  const sim = new SimulatedInvoker({ capacity: 50, script: () => ({ delayMs: 5 }) });
  const leased = { now: 0, max: 0, perCall: [] as number[] };
  const counting = {
    capacity: sim.capacity,
    close: () => sim.close(),
    async invoke(event: WorkerEventInput, signal?: AbortSignal) {
      const slots = event.options?.hostLimits?.['one.test:80'] ?? NaN;
      leased.perCall.push(slots);
      leased.now += slots;
      leased.max = Math.max(leased.max, leased.now);
      try {
        return await sim.invoke(event, signal);
      } finally {
        leased.now -= slots;
      }
    },
  };
  const urls = Array.from({ length: 1_000 }, (_, i) => `http://one.test/${i}`);
  const { progress } = await polite(urls, 8, 20, counting);
  expect(progress).toMatchObject({ chunksTotal: 50, invocations: 50, requeuedUrls: 0, invokeErrors: 0 });
  expect(leased.max).toBe(8);
  expect(leased.perCall.every((n) => n >= 1)).toBe(true);
  expect(sim.maxInFlight).toBeLessThanOrEqual(8);
});
