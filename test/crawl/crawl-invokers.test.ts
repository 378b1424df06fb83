/**
 * A crawl and a sitemap run through both back ends with the same cases: LocalInvoker (child
 * processes running the real worker) and LambdaInvoker (the real AWS SDK, mocked at its edge with
 * aws-sdk-client-mock: each InvokeWithResponseStream is a streamed invocation of the real worker
 * handler, fetching from the loopback site).
 */
import '../helpers/quiet-powertools';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { InvokeWithResponseStreamCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { ScrapeOptionsSchema, type Outcome } from '../../core/contract';
import type { CrawlRecord } from '../../core/crawl-record';
import { parseSitemapSource } from '../../core/sitemap-spec';
import { Crawl } from '../../orchestrator/crawl/crawl';
import type { Invoker } from '../../orchestrator/invoker';
import { LambdaInvoker } from '../../orchestrator/invokers/lambda';
import { LocalInvoker } from '../../orchestrator/invokers/local';
import { RunSession } from '../../orchestrator/run-session';
import { expandSitemaps } from '../../orchestrator/sitemap/expand-sitemaps';
import { emptySitemapStats, sitemapBatches } from '../../orchestrator/sitemap/sitemap-batches';
import { UrlHashSet } from '../../orchestrator/url-hash-set';
import { bfs, randomGraph, startGraphSite, type GraphSite } from '../helpers/graph-site';
import { indexXml, pagePaths, startSitemapSite, urlsetXml } from '../helpers/sitemap-site';
import { lambdaContext, ndjsonWorker, streamedInvoke } from '../helpers/streamed-invoke';

const lambda = mockClient(LambdaClient);
const graph = randomGraph(120, 11);
const scrape = ScrapeOptionsSchema.parse({ allowPrivate: true, retries: 0, perHost: 4 });
let site: GraphSite;
let dir: string;

beforeAll(async () => {
  site = await startGraphSite(graph, { disallow: ['/private/'] });
  lambda
    .on(InvokeWithResponseStreamCommand, { FunctionName: 'fanout-worker' })
    .callsFake((input: { Payload: Uint8Array }) => streamedInvoke(ndjsonWorker, JSON.parse(Buffer.from(input.Payload).toString('utf8')), lambdaContext('fanout-worker')));
});
afterAll(async () => {
  await site.close();
  lambda.restore();
});
beforeEach(() => {
  site.hits.clear();
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'fanout-crawl-'));
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

const BACKENDS: [string, () => Invoker][] = [
  ['LocalInvoker (child processes)', () => new LocalInvoker({ size: 2 })],
  [
    'LambdaInvoker (SDK mocked at the edge)',
    () => new LambdaInvoker({ functionName: 'fanout-worker', region: 'us-east-1', credentials: { accessKeyId: 'test', secretAccessKey: 'test' }, concurrency: 4 }),
  ],
];

describe.each(BACKENDS)('through the %s', (_name, makeInvoker) => {
  let invoker: Invoker;
  beforeEach(() => {
    invoker = makeInvoker();
  });
  afterEach(async () => {
    await invoker.close();
  });

  it('a crawl reaches exactly the BFS, in waves of small batches, each page fetched once', async () => {
    const crawl = new Crawl({ seeds: [`${site.origin}/`], maxDepth: 3, dir, batchSize: 7 });
    await crawl.start();
    const session = new RunSession({ invoker, scrape, chunkSize: 3, maxSpeculativeCopies: 0 });
    const records: CrawlRecord[] = [];
    try {
      await crawl.run(session, async (record) => void records.push(record));
    } finally {
      await session.close();
    }
    const expected = bfs(graph, '/', 3, ['/private/']);
    const pathOf = (url: string) => url.slice(site.origin.length);
    expect(records.map((r) => pathOf(r.url)).sort()).toStrictEqual([...expected.keys()].sort());
    for (const r of records) expect(r.depth).toBe(expected.get(pathOf(r.url))?.depth);
    expect([...site.hits.values()].every((n) => n === 1)).toBe(true);
    expect(crawl.stats).toMatchObject({ waves: 4, admitted: expected.size, frontier: 0 });
    expect(session.totals.batches).toBeGreaterThan(4); // waves of more than 7 URLs ran as several batches
    expect(session.totals.robotsFetches).toBe(1); // once for the whole crawl
  });

  it('a link that redirects to a path robots.txt forbids gets robots-disallowed, and the path is never requested', async () => {
    const small = await startGraphSite({ '/': ['/r', '/a'], '/a': [] }, { disallow: ['/private/'], redirects: { '/r': '/private/x' } });
    const crawl = new Crawl({ seeds: [`${small.origin}/`], maxDepth: 2, dir });
    await crawl.start();
    const session = new RunSession({ invoker, scrape, maxSpeculativeCopies: 0 });
    const records: CrawlRecord[] = [];
    try {
      await crawl.run(session, async (record) => void records.push(record));
    } finally {
      await session.close();
      await small.close();
    }
    const byPath = new Map(records.map((r) => [r.url.slice(small.origin.length), r]));
    expect([...byPath.keys()].sort()).toStrictEqual(['/', '/a', '/r']);
    expect(byPath.get('/r')).toMatchObject({ ok: false, error: { kind: 'robots-disallowed' }, depth: 1, from: `${small.origin}/` });
    expect(small.hits.has('/private/x')).toBe(false);
  });

  it("a sitemap index's URLs, de-duplicated against a list, run in batches on one session", async () => {
    const sitemaps = await startSitemapSite({
      '/index.xml': indexXml(['{origin}/a.xml', '{origin}/b.xml']),
      '/a.xml': urlsetXml(pagePaths('a', 9)),
      '/b.xml': { body: urlsetXml([...pagePaths('b', 6), '{origin}/a/0']), gzip: 'file' },
    });
    const session = new RunSession({ invoker, scrape, chunkSize: 4, maxSpeculativeCopies: 0 });
    const outcomes: Outcome[] = [];
    const record = async (o: Outcome) => void outcomes.push(o);
    try {
      const list = [`${sitemaps.origin}/a/1`, `${sitemaps.origin}/list-only`];
      const seen = new UrlHashSet();
      for (const url of list) seen.add(url);
      await session.runBatch(list, record);
      const stats = emptySitemapStats();
      const files = expandSitemaps({
        sources: [parseSitemapSource(`${sitemaps.origin}/index.xml`)],
        timeoutMs: 5000,
        maxRedirects: 5,
        retries: 0,
        allowPrivate: true,
        robots: 'obey',
        robotsCache: session.robots,
      });
      for await (const batch of sitemapBatches(files, seen, stats, 5)) await session.runBatch(batch, record);
      expect(stats).toMatchObject({ files: 3, entries: 16, duplicates: 2, urls: 14 });
    } finally {
      await session.close();
      await sitemaps.close();
    }
    const expected = ['/list-only', ...pagePaths('a', 9), ...pagePaths('b', 6)].map((p) => p.replace('{origin}', ''));
    expect(outcomes.map((o) => o.url.slice(sitemaps.origin.length)).sort()).toStrictEqual(expected.sort());
    expect(outcomes.every((o) => o.ok)).toBe(true);
    expect(session.totals.batches).toBe(3); // the list, then each file's new URLs (8, then 6), each at least the batch size of 5
  });
});
