/**
 * The orchestrator function's core over several invocations: an in-memory ObjectStore stands in for
 * S3, workers run through LambdaInvoker + emulator (test/helpers/scheduled-run.ts). A tiny time
 * budget, on a virtual clock, forces the run across invocations via checkpoints, as a long list would.
 * Politeness cases use a counting loopback site (robots.txt, requests in flight, request starts).
 */
import type { Outcome } from '../../core/contract';
import { RunSummarySchema } from '../../core/summary';
import { checkpointKey, resultsKey, summaryKey, type Checkpoint } from '../../functions/scheduled-run/checkpoint';
import { RunInputSchema, type ContinueInput } from '../../core/schedule-input';
import { orchestrate, type OrchestrateDeps } from '../../functions/scheduled-run/orchestrate';
import { startDemoSite, type DemoSite } from '../../demo/site';
import { startLambdaEmulator, type LambdaEmulator } from '../helpers/lambda-emulator';
import { startCountingSite, type CountingSite } from '../helpers/counting-site';
import { invocationDeps, MemoryStore, type InvocationOptions } from '../helpers/scheduled-run';
import { streamingWorker } from '../helpers/streamed-invoke';

let site: DemoSite;
let emulator: LambdaEmulator;
beforeAll(async () => {
  site = await startDemoSite({ pages: 200, latencyMs: 20 });
  emulator = await startLambdaEmulator({
    functions: {
      worker: streamingWorker(),
      // Every Lambda worker has its own connection pool; in this one process the worker's shared
      // undici Agent would cap a host at `perHost` across all chunks by itself, hiding whether the
      // orchestrator's run-wide budget does. So this worker's pool allows 64; only hostLimits bound it.
      'own-pool-worker': streamingWorker((event) => ({ ...event, options: { ...(event.options as object), perHost: 64 } })),
    },
  });
});
afterAll(async () => {
  await emulator.close();
  await site.close();
});

/** One invocation's dependencies (see invocationDeps), its workers on this file's emulator. */
function deps(store: MemoryStore, sent: ContinueInput[], scrapeMs: number, requestId: string, options: Omit<InvocationOptions, 'endpoint'> = {}): OrchestrateDeps {
  return invocationDeps(store, sent, scrapeMs, requestId, { ...options, endpoint: emulator.endpoint });
}

describe('orchestrate (the orchestrator function core)', () => {
  test('a list too long for one invocation finishes over several, one record per line, via checkpoints', async () => {
    const store = new MemoryStore();
    store.objects.set('lists/demo.txt', { body: [...site.urls(200), 'not a url', site.urls(1)[0]].join('\n'), etag: '"l"' });
    const input = RunInputSchema.parse({ schedule: 'demo', list: { s3Key: 'lists/demo.txt' }, options: { allowPrivate: true, chunkSize: 5, invokeConcurrency: 2 } });
    const sent: ContinueInput[] = [];
    // 300 virtual ms: the third chunk start reaches the stop, and (no worker timeout) cancels the
    // chunk still in flight. What finished before is kept: every invocation moves the run on.
    let result = await orchestrate(input, deps(store, sent, 300, 'req0'));
    let invocations = 1;
    while (result.status === 'continued') {
      result = await orchestrate(sent.at(-1)!, deps(store, sent, 300, `req${invocations++}`));
    }

    expect(result.status).toBe('done');
    expect(invocations).toBeGreaterThan(1);
    expect(invocations).toBeLessThanOrEqual(40); // 40 chunks, at least one kept per invocation
    const prefix = 'runs/demo/2025-01-02T03-04-05-678Z/';
    const records = store.objects
      .get(resultsKey(prefix))!
      .body.trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Outcome);
    expect(records).toHaveLength(201);
    expect(new Set(records.map((r) => r.url)).size).toBe(201);
    expect(records.filter((r) => r.ok)).toHaveLength(200);
    const summary = JSON.parse(store.objects.get(summaryKey(prefix))!.body);
    expect(summary).toMatchObject({ records: 201, ok: 200, failed: 1, failedByKind: { 'invalid-url': 1 }, invocations: invocations, input: { duplicate: 1, invalid: 1 } });
    // The same schema the CLI writes and the report reads.
    expect(RunSummarySchema.parse(summary)).toStrictEqual(summary);
  });

  test('a duplicated continuation (async invokes are at-least-once) is ignored: no record twice', async () => {
    const store = new MemoryStore();
    // 200 URLs in 40 chunks, 2 at a time: the first invocation stops at its second chunk start and
    // lets what it started finish; the second has budget for all the rest.
    const input = RunInputSchema.parse({ schedule: 'dup', list: { urls: site.urls(200) }, options: { allowPrivate: true, chunkSize: 5, invokeConcurrency: 2 } });
    const sent: ContinueInput[] = [];
    let result = await orchestrate(input, deps(store, sent, 200, 'a', { workerTimeoutMs: 1_000 }));
    expect(result.status).toBe('continued');
    expect(result.status === 'continued' && result.invocation.records).toBeGreaterThan(0);
    const continuation = sent.at(-1)!;
    result = await orchestrate(continuation, deps(store, sent, 60_000, 'b'));
    const replay = await orchestrate(continuation, deps(store, sent, 60_000, 'c'));

    expect(result.status).toBe('done');
    expect(replay.status).toBe('stale');
    const checkpoint = JSON.parse(store.objects.get(checkpointKey(result.runPrefix))!.body) as Checkpoint;
    const lines = store.objects.get(resultsKey(result.runPrefix))!.body.trim().split('\n');
    expect(lines).toHaveLength(200);
    expect(new Set(lines.map((l) => (JSON.parse(l) as Outcome).url)).size).toBe(200);
    expect(checkpoint).toMatchObject({ done: true, pending: [] });
  });

  test('out of invocations: the remaining URLs get worker-failed records and the run ends', async () => {
    const store = new MemoryStore();
    const input = RunInputSchema.parse({
      schedule: 'cap',
      list: { urls: site.urls(50) },
      options: { allowPrivate: true, chunkSize: 5, invokeConcurrency: 1, maxInvocations: 1 },
    });
    // One chunk at a time, starting at 100, 200 and 300 virtual ms: the third start passes the stop
    // at 250, and the chunk in flight finishes (the worker timeout keeps the hard stop away).
    const result = await orchestrate(input, deps(store, [], 250, 'x', { workerTimeoutMs: 1_000 }));
    expect(result).toMatchObject({ status: 'done', counts: { records: 50, ok: 15, failed: 35, failedByKind: { 'worker-failed': 35 } } });
  });
});

/**
 * Runs `input` to the end, each invocation starting chunks for `scrapeMs` of virtual time, and
 * returns the result and the invocations used. Chunks in flight then have a worker timeout's worth
 * of budget that no chunk start spends, so none is cancelled and run again: the site sees each URL once.
 */
async function runToEnd(store: MemoryStore, input: unknown, scrapeMs: number) {
  const sent: ContinueInput[] = [];
  const extra = { workerTimeoutMs: 5_000, functionName: 'own-pool-worker' };
  let result = await orchestrate(RunInputSchema.parse(input), deps(store, sent, scrapeMs, 'req0', extra));
  let invocations = 1;
  while (result.status === 'continued') result = await orchestrate(sent.at(-1)!, deps(store, sent, scrapeMs, `req${invocations++}`, extra));
  const records =
    result.status === 'done'
      ? store.objects
          .get(resultsKey(result.runPrefix))!
          .body.trim()
          .split('\n')
          .map((l) => JSON.parse(l) as Outcome)
      : [];
  return { result, invocations, records };
}

describe('orchestrate: as polite as a CLI run', () => {
  const sites: CountingSite[] = [];
  afterAll(async () => Promise.all(sites.map((s) => s.close())));
  const site = async (options: Parameters<typeof startCountingSite>[0]) => {
    const s = await startCountingSite(options);
    sites.push(s);
    return s;
  };

  test('robots.txt is read once for the whole run; disallowed URLs get robots-disallowed records and are never fetched; perHost holds across chunks', async () => {
    const s = await site({ latencyMs: 20, robotsTxt: 'User-agent: *\nDisallow: /private/\n' });
    const forbidden = Array.from({ length: 10 }, (_, i) => `${s.origin}/private/${i}`);
    const store = new MemoryStore();
    // 4 chunks in flight with a worker perHost of 2 would put 8 requests on the site without the run-wide budget.
    const { result, invocations, records } = await runToEnd(
      store,
      { schedule: 'polite', list: { urls: [...s.urls(60), ...forbidden] }, options: { allowPrivate: true, chunkSize: 3, invokeConcurrency: 4, perHost: 2 } },
      300,
    );

    expect(result.status).toBe('done');
    expect(invocations).toBeGreaterThan(1);
    expect(s.robotsRequests()).toBe(1);
    expect(records).toHaveLength(70);
    const disallowed = records.filter((r) => !r.ok && r.error.kind === 'robots-disallowed').map((r) => r.url);
    expect(new Set(disallowed)).toStrictEqual(new Set(forbidden));
    expect(records.filter((r) => r.ok)).toHaveLength(60);
    expect(s.starts.filter((r) => r.path.startsWith('/private/'))).toHaveLength(0);
    expect(s.starts).toHaveLength(60);
    expect(s.maxInFlight()).toBeLessThanOrEqual(2);
    const summary = JSON.parse(store.objects.get(summaryKey(result.runPrefix))!.body);
    expect(summary).toMatchObject({ failedByKind: { 'robots-disallowed': 10 }, robots: { mode: 'obey', fetches: 1 } });
  });

  test('a Crawl-delay read by the first invocation spaces requests in every continuation, across the handovers too', async () => {
    const s = await site({ latencyMs: 1, robotsTxt: 'User-agent: *\nCrawl-delay: 0.15\n' });
    const { result, invocations, records } = await runToEnd(
      new MemoryStore(),
      { schedule: 'delay', list: { urls: s.urls(8) }, options: { allowPrivate: true, chunkSize: 2, invokeConcurrency: 2 } },
      250,
    );

    expect(result.status).toBe('done');
    expect(invocations).toBeGreaterThan(1);
    expect(records.filter((r) => !r.ok)).toStrictEqual([]);
    expect(records).toHaveLength(8);
    expect(s.robotsRequests()).toBe(1);
    expect(s.starts).toHaveLength(8);
    const gaps = s.starts.slice(1).map((start, i) => start.at - s.starts[i]!.at);
    for (const gap of gaps) expect(gap).toBeGreaterThanOrEqual(150);
    expect(s.maxInFlight()).toBe(1);
  });

  test("robots: 'ignore' fetches no robots.txt and runs the URLs it would forbid", async () => {
    const s = await site({ latencyMs: 1, robotsTxt: 'User-agent: *\nDisallow: /\n' });
    const { result, records } = await runToEnd(new MemoryStore(), { schedule: 'rude', list: { urls: s.urls(5) }, options: { allowPrivate: true, robots: 'ignore' } }, 60_000);
    expect(result.status).toBe('done');
    expect(s.robotsRequests()).toBe(0);
    expect(records.filter((r) => r.ok)).toHaveLength(5);
  });
});
