/**
 * A scheduled crawl over several invocations of the orchestrator function's core: an in-memory
 * ObjectStore stands in for S3, workers run through LambdaInvoker + emulator against a loopback
 * site with a known link graph (test/helpers/graph-site.ts). A tiny time budget on a virtual clock
 * (each chunk start spends CHUNK_MS) makes invocations run out of time mid-wave and hand over
 * through their checkpoint: frontier and seen-set objects, then checkpoint.json.
 */
import type { CrawlRecord } from '../../core/crawl-record';
import { RunSummarySchema } from '../../core/summary';
import { RunInputSchema, type ContinueInput, type RunInputInput } from '../../core/schedule-input';
import { CheckpointMismatchError } from '../../functions/scheduled-run/checkpoint-errors';
import { checkpointKey, resultsKey, summaryKey, type Checkpoint } from '../../functions/scheduled-run/checkpoint';
import { orchestrate, type OrchestrateDeps, type OrchestrateResult } from '../../functions/scheduled-run/orchestrate';
import { bfs, randomGraph, startGraphSite, type GraphSite } from '../helpers/graph-site';
import { startLambdaEmulator, type LambdaEmulator } from '../helpers/lambda-emulator';
import { invocationDeps, MemoryStore } from '../helpers/scheduled-run';
import { streamingWorker } from '../helpers/streamed-invoke';

const graph = randomGraph(60, 7);
const MAX_DEPTH = 3;
let site: GraphSite;
let emulator: LambdaEmulator;
beforeAll(async () => {
  site = await startGraphSite(graph, { disallow: ['/private/'] });
  emulator = await startLambdaEmulator({ functions: { worker: streamingWorker() } });
});
afterAll(async () => {
  await emulator.close();
  await site.close();
});
beforeEach(() => site.hits.clear());

/**
 * One invocation that starts chunks for `scrapeMs` of virtual time. Chunks in flight then have a
 * worker timeout's worth of budget no chunk start spends, so none is cancelled and fetched again.
 */
const deps = (store: MemoryStore, sent: ContinueInput[], scrapeMs: number, requestId: string): OrchestrateDeps =>
  invocationDeps(store, sent, scrapeMs, requestId, { endpoint: emulator.endpoint, workerTimeoutMs: 5_000 });

const crawlInput = (schedule: string, crawl: object = {}): RunInputInput => ({
  schedule,
  crawl: { seeds: { urls: [`${site.origin}/`, 'not a url'] }, maxDepth: MAX_DEPTH, ...crawl },
  options: { allowPrivate: true, chunkSize: 3, invokeConcurrency: 2, retries: 0 },
});

const checkpointOf = (store: MemoryStore, runPrefix: string) => JSON.parse(store.objects.get(checkpointKey(runPrefix))!.body) as Checkpoint;
const resultsOf = (store: MemoryStore, runPrefix: string) =>
  store.objects
    .get(resultsKey(runPrefix))!
    .body.trim()
    .split('\n')
    .map((line) => JSON.parse(line) as CrawlRecord);
const pathOf = (url: string) => url.slice(site.origin.length);

describe('a scheduled crawl (orchestrate with crawl settings)', () => {
  test('runs out of time mid-wave and goes on in fresh invocations: the records are the BFS of the graph within depth, each URL once', async () => {
    const store = new MemoryStore();
    const sent: ContinueInput[] = [];
    const results: OrchestrateResult[] = [await orchestrate(RunInputSchema.parse(crawlInput('graph')), deps(store, sent, 300, 'req0'))];
    const midWave: boolean[] = [];
    while (results.at(-1)!.status === 'continued') {
      // Handed over with URLs left at the depth of the wave in progress: it stopped inside a wave.
      const { crawl } = checkpointOf(store, results.at(-1)!.runPrefix);
      midWave.push(crawl!.frontier.some((f) => f.depth === crawl!.progress.depth));
      results.push(await orchestrate(sent.at(-1)!, deps(store, sent, 300, `req${results.length}`)));
    }

    const last = results.at(-1)!;
    expect(last.status).toBe('done');
    expect(results.length).toBeGreaterThanOrEqual(3);
    expect(midWave).toContain(true);
    const expected = bfs(graph, '/', MAX_DEPTH, ['/private/']);
    const records = resultsOf(store, last.runPrefix);
    const fetched = records.filter((r) => r.url.startsWith(site.origin));
    expect(fetched.map((r) => pathOf(r.url)).sort()).toStrictEqual([...expected.keys()].sort());
    for (const r of fetched) {
      const want = expected.get(pathOf(r.url))!;
      expect(r.depth).toBe(want.depth);
      if (r.depth === 0) expect(r.from).toBeNull();
      else expect(want.parents.has(pathOf(r.from!))).toBe(true);
    }
    // The invalid seed line has its record; every page was requested once, over all invocations.
    expect(records.filter((r) => !r.url.startsWith(site.origin))).toMatchObject([{ url: 'not a url', ok: false, error: { kind: 'invalid-url' }, depth: 0, from: null }]);
    expect([...site.hits.values()].filter((n) => n !== 1)).toStrictEqual([]);
    expect(site.hits.size).toBe([...expected.keys()].filter((p) => !p.startsWith('/private/')).length);

    const pagesByDepth = [0, 1, 2, 3].map((d) => [...expected.values()].filter((v) => v.depth === d).length);
    const summary = JSON.parse(store.objects.get(summaryKey(last.runPrefix))!.body);
    expect(RunSummarySchema.parse(summary)).toStrictEqual(summary);
    expect(summary).toMatchObject({ records: expected.size + 1, invocations: results.length, input: { read: 2, valid: 1, invalid: 1 } });
    expect(summary.crawl).toMatchObject({ scope: 'host', maxDepth: MAX_DEPTH, waves: 4, pagesByDepth, admitted: expected.size, frontier: 0, overMaxPages: 0 });
    expect(summary.crawl.seen).toBeGreaterThanOrEqual(expected.size);
    expect(last).toMatchObject({ crawl: { waves: 4, frontier: 0, pagesByDepth } });
  });

  test('a duplicate continuation is fenced: run side by side with the original, or late, it advances nothing and no record is doubled', async () => {
    const store = new MemoryStore();
    const sent: ContinueInput[] = [];
    const first = await orchestrate(RunInputSchema.parse(crawlInput('dup')), deps(store, sent, 300, 'a'));
    expect(first.status).toBe('continued');
    const continuation = sent.at(-1)!;

    // Both read generation 1 and crawl the same wave; only one may write generation 2.
    const pair = await Promise.all([orchestrate(continuation, deps(store, sent, 300, 'b1')), orchestrate(continuation, deps(store, sent, 300, 'b2'))]);
    expect(pair.map((r) => r.status).sort()).toStrictEqual(['continued', 'stale']);
    const late = await orchestrate(continuation, deps(store, sent, 300, 'c'));
    expect(late.status).toBe('stale');
    let result: OrchestrateResult = pair.find((r) => r.status === 'continued')!;
    const winner = sent.at(-1)!; // the stale ones sent nothing
    expect(winner.continue.generation).toBe(2);
    for (let i = 0; result.status === 'continued'; i++) result = await orchestrate(sent.at(-1)!, deps(store, sent, 60_000, `d${i}`));

    expect(result.status).toBe('done');
    const urls = resultsOf(store, result.runPrefix).map((r) => r.url);
    expect(urls).toHaveLength(new Set(urls).size);
    expect(urls).toHaveLength(bfs(graph, '/', MAX_DEPTH, ['/private/']).size + 1);
  });

  test('a frontier object changed between invocations is refused: the continuation stops, nothing is fetched', async () => {
    const store = new MemoryStore();
    const sent: ContinueInput[] = [];
    const first = await orchestrate(RunInputSchema.parse(crawlInput('tamper')), deps(store, sent, 300, 'a'));
    const { crawl } = checkpointOf(store, first.runPrefix);
    const target = crawl!.frontier[0]!;
    store.objects.set(target.key, { body: `${JSON.stringify(['http://169.254.169.254/latest/meta-data/', null])}\n`, etag: '"x"' });
    site.hits.clear();

    const error = await orchestrate(sent.at(-1)!, deps(store, sent, 300, 'b')).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CheckpointMismatchError);
    expect(error).toMatchObject({ field: 'sha256', key: target.key });
    expect(site.hits.size).toBe(0);
  });

  test("maxPages and exclude are the crawl's: admitted URLs stop at maxPages, excluded links are not followed", async () => {
    const store = new MemoryStore();
    const sent: ContinueInput[] = [];
    let result = await orchestrate(RunInputSchema.parse(crawlInput('limits', { maxPages: 12, exclude: ['*/p/1', '*/p/2'] })), deps(store, sent, 300, 'r0'));
    for (let i = 1; result.status === 'continued'; i++) result = await orchestrate(sent.at(-1)!, deps(store, sent, 300, `r${i}`));

    const fetched = resultsOf(store, result.runPrefix).filter((r) => r.url.startsWith(site.origin));
    expect(fetched).toHaveLength(12);
    expect(fetched.map((r) => pathOf(r.url))).not.toEqual(expect.arrayContaining(['/p/1']));
    expect(fetched.map((r) => pathOf(r.url))).not.toEqual(expect.arrayContaining(['/p/2']));
    const summary = JSON.parse(store.objects.get(summaryKey(result.runPrefix))!.body);
    expect(summary.crawl).toMatchObject({ maxPages: 12, admitted: 12, frontier: 0, exclude: ['*/p/1', '*/p/2'] });
    expect(summary.crawl.overMaxPages).toBeGreaterThan(0);
  });
});
