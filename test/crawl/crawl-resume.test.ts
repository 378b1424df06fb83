/**
 * Crawl.replay + pending: feeding back the first records of a crawl (as an interrupted crawl left
 * them) and running on gives the same URLs at the same depths, none twice. An in-memory invoker
 * answers from a link graph, so the waves are exact and no process or socket is involved.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Outcome, WorkerEventInput, WorkerResult } from '../../core/contract';
import type { CrawlRecord } from '../../core/crawl-record';
import { Crawl, type CrawlProgress, type CrawlSnapshot } from '../../orchestrator/crawl/crawl';
import type { Invoker } from '../../orchestrator/invoker';
import { RunSession } from '../../orchestrator/run-session';
import { randomGraph, type LinkGraph } from '../helpers/graph-site';

const ORIGIN = 'http://site.test';

/** Answers each URL from `graph`: its links, resolved; 404 for paths not in it. Counts fetches per URL. */
function graphInvoker(graph: LinkGraph, fetched: Map<string, number>): Invoker {
  const outcome = (url: string): Outcome => {
    fetched.set(url, (fetched.get(url) ?? 0) + 1);
    const links = graph[new URL(url).pathname];
    if (links === undefined) return { url, ok: false, error: { kind: 'http', message: 'HTTP 404', status: 404 }, attempts: 1 };
    const resolved = links.filter((l) => !l.startsWith('{other}')).map((l) => new URL(l, url).href.replace(/#.*$/, ''));
    return {
      url,
      ok: true,
      finalUrl: url,
      status: 200,
      contentType: 'text/html',
      bytes: 1,
      ms: 1,
      title: null,
      description: null,
      links: [...new Set(resolved)],
      attempts: 1,
    };
  };
  return {
    capacity: 2,
    async invoke(event: WorkerEventInput): Promise<WorkerResult> {
      const outcomes = event.urls.map(outcome);
      return { runId: event.runId, chunkId: event.chunkId, outcomes, unstarted: [], stats: { ok: outcomes.length, failed: 0, bytes: 0, ms: 1 } };
    },
    close: async () => {},
  };
}

async function crawlWith(
  graph: LinkGraph,
  fetched: Map<string, number>,
  replay: CrawlRecord[] = [],
  maxDepth = 3,
): Promise<{ records: CrawlRecord[]; left: number; crawl: Crawl }> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'fanout-crawl-resume-'));
  try {
    const crawl = new Crawl({ seeds: [`${ORIGIN}/`], maxDepth, dir, batchSize: 5 });
    await crawl.start();
    for (const record of replay) await crawl.replay(record);
    const left = await crawl.pending();
    const session = new RunSession({
      invoker: graphInvoker(graph, fetched),
      scrape: { concurrency: 8, perHost: 8, timeoutMs: 1000, retries: 0, maxBytes: 1000, maxRedirects: 0, allowPrivate: true, allowPrivateProxy: false },
      robots: 'ignore',
      chunkSize: 3,
      maxSpeculativeCopies: 0,
    });
    const records: CrawlRecord[] = [];
    await crawl.run(session, async (r) => void records.push(r));
    return { records, left, crawl };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

describe('a resumed crawl', () => {
  const graph = randomGraph(80, 3);

  it.each([1, 2, 10, 25])('after the first %i records: the rest, once each, at the same depths', async (k) => {
    const whole = await crawlWith(graph, new Map());
    const first = whole.records.slice(0, k);
    const fetched = new Map<string, number>();
    const rest = await crawlWith(graph, fetched, first);

    const depthOf = new Map(whole.records.map((r) => [r.url, r.depth]));
    const all = [...first, ...rest.records];
    expect(all.map((r) => r.url).sort()).toStrictEqual(whole.records.map((r) => r.url).sort());
    expect(all.every((r) => r.depth === depthOf.get(r.url))).toBe(true);
    expect([...fetched.keys()].sort()).toStrictEqual(rest.records.map((r) => r.url).sort());
    expect([...fetched.values()].every((n) => n === 1)).toBe(true);
    // Left to do: the seed and every in-scope link of the replayed pages, less those replayed.
    const admitted = new Set([`${ORIGIN}/`]);
    for (const r of first) if (r.ok && r.depth < 3) for (const link of r.links) if (link.startsWith(`${ORIGIN}/`)) admitted.add(link);
    expect(rest.left).toBe(admitted.size - k);
  });

  it('with a greater --max-depth goes on from the pages it had', async () => {
    const shallow = await crawlWith(graph, new Map(), [], 1);
    const fetched = new Map<string, number>();
    const deeper = await crawlWith(graph, fetched, shallow.records, 2);
    const direct = await crawlWith(graph, new Map(), [], 2);
    expect([...shallow.records, ...deeper.records].map((r) => r.url).sort()).toStrictEqual(direct.records.map((r) => r.url).sort());
    expect(deeper.records.every((r) => r.depth === 2)).toBe(true);
    expect([...fetched.values()].every((n) => n === 1)).toBe(true);
  });
});

describe('a crawl restored from its snapshot (a scheduled crawl between invocations)', () => {
  const graph = randomGraph(80, 5);
  const scrape = { concurrency: 8, perHost: 8, timeoutMs: 1000, retries: 0, maxBytes: 1000, maxRedirects: 0, allowPrivate: true, allowPrivateProxy: false };

  /** One "invocation": a fresh Crawl in a fresh folder, from `snapshot` (or the seeds), stopped after `k` records. */
  async function step(snapshot: CrawlSnapshot | undefined, k: number, fetched: Map<string, number>, records: CrawlRecord[]): Promise<CrawlSnapshot> {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'fanout-crawl-snapshot-'));
    try {
      const crawl = new Crawl({ seeds: [`${ORIGIN}/`], maxDepth: 3, dir, batchSize: 5, checkpoints: true });
      if (snapshot === undefined) await crawl.start();
      else await crawl.restore(snapshot);
      const stop = new AbortController();
      const session = new RunSession({ invoker: graphInvoker(graph, fetched), scrape, robots: 'ignore', chunkSize: 3, maxSpeculativeCopies: 0, stopSignal: stop.signal });
      let mine = 0;
      await crawl.run(session, async (r) => {
        records.push(r);
        if (++mine >= k) stop.abort();
      });
      return await crawl.snapshot();
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  }

  it.each([1, 7, 30])('stopped every %i records, it ends with the whole crawl: each URL once, at its depth, waves counted once', async (k) => {
    const whole = await crawlWith(graph, new Map());
    const fetched = new Map<string, number>();
    const records: CrawlRecord[] = [];
    let snapshot = await step(undefined, k, fetched, records);
    let steps = 1;
    while (snapshot.frontier.length > 0) {
      snapshot = await step(snapshot, k, fetched, records);
      steps++;
    }

    expect(steps).toBeGreaterThan(1);
    expect(records.map((r) => r.url).sort()).toStrictEqual(whole.records.map((r) => r.url).sort());
    const depthOf = new Map(whole.records.map((r) => [r.url, r.depth]));
    expect(records.every((r) => r.depth === depthOf.get(r.url))).toBe(true);
    expect([...fetched.values()].every((n) => n === 1)).toBe(true);
    const { waves, pagesByDepth, admitted, overMaxPages } = whole.crawl.stats;
    expect(snapshot.progress).toStrictEqual({ depth: 3, waves, pagesByDepth, admitted, done: whole.records.length, overMaxPages } satisfies CrawlProgress);
  });
});
