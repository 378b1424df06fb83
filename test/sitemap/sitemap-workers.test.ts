/**
 * A sitemap index of 40 children fetched by the workers, against a real loopback site: locally by
 * the LocalInvoker's child processes (the real worker module), on Lambda by the deployed streaming
 * entry behind a mocked LambdaClient (aws-sdk-client-mock at the SDK edge). Both modes run the same
 * cases: exactly the index's URLs, the bad children as SitemapErrors naming them, and every child
 * fetched once, in a worker.
 */
import '../helpers/quiet-powertools';
import { InvokeWithResponseStreamCommand, LambdaClient, TooManyRequestsException } from '@aws-sdk/client-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-jest';
import type { SitemapRecord, SitemapsEnd, SitemapsEventInput } from '../../core/sitemap-contract';
import { parseSitemapSource } from '../../core/sitemap-spec';
import { streamChunk } from '../../functions/worker/lambda';
import { streamify } from '../../functions/worker/streamify';
import type { Invoker } from '../../orchestrator/invoker';
import { LambdaInvoker } from '../../orchestrator/invokers/lambda';
import { LocalInvoker } from '../../orchestrator/invokers/local';
import { expandSitemaps, type ExpandSitemapsOptions, type SitemapFile } from '../../orchestrator/sitemap/expand-sitemaps';
import { fakeLambdaRuntime } from '../helpers/fake-lambda-runtime';
import { indexXml, pagePaths, startSitemapSite, urlsetXml, type SitemapFileSpec } from '../helpers/sitemap-site';
import { lambdaContext, streamedEvents } from '../helpers/streamed-invoke';

const lambda = mockClient(LambdaClient);
/** The deployed worker entry (Powertools included), marked as the runtime marks it. */
const deployedWorker = streamify(streamChunk, fakeLambdaRuntime);
const eventOf = (input: { Payload?: unknown }) => JSON.parse(Buffer.from(input.Payload as Uint8Array).toString('utf8')) as unknown;

/**
 * What the first invocation does: crash after its first line (the function's error, as the runtime
 * reports a killed sandbox), or be throttled (429) before it runs.
 */
type FirstCall = 'crash' | 'throttle' | undefined;

function lambdaInvoker(first: FirstCall): LambdaInvoker {
  let calls = 0;
  lambda.on(InvokeWithResponseStreamCommand).callsFake(async (input: { Payload?: unknown }) => {
    const call = ++calls;
    if (call === 1 && first === 'throttle') {
      throw new TooManyRequestsException({ message: 'Rate Exceeded.', $metadata: { httpStatusCode: 429 }, retryAfterSeconds: '0.01', Type: 'User' });
    }
    const events = streamedEvents(deployedWorker, eventOf(input), lambdaContext('fanout-worker'));
    return { StatusCode: 200, $metadata: {}, EventStream: call === 1 && first === 'crash' ? crashAfterFirstLine(events) : events };
  });
  return new LambdaInvoker({ functionName: 'fanout-worker', region: 'us-east-1', concurrency: 4, credentials: { accessKeyId: 'x', secretAccessKey: 'y' } });
}

async function* crashAfterFirstLine(events: AsyncGenerator<{ PayloadChunk?: { Payload?: Uint8Array } }>) {
  for await (const event of events) {
    const payload = event.PayloadChunk?.Payload;
    if (payload === undefined) continue;
    const text = Buffer.from(payload).toString('utf8');
    const cut = text.indexOf('\n');
    if (cut === -1) yield event;
    else {
      yield { PayloadChunk: { Payload: new Uint8Array(Buffer.from(text.slice(0, cut + 1))) } };
      yield { InvokeComplete: { ErrorCode: 'Runtime.ExitError', ErrorDetails: 'RequestId: x Error: Runtime exited with error: signal: killed' } };
      return;
    }
  }
}

/** What went through the invoker: every event, its end message, and the most events in flight at once. */
function watched(invoker: Invoker) {
  const events: SitemapsEventInput[] = [];
  const ends: SitemapsEnd[] = [];
  const failures: unknown[] = [];
  let running = 0;
  let peak = 0;
  const spy: Pick<Invoker, 'capacity' | 'invokeSitemaps'> = {
    capacity: invoker.capacity,
    async invokeSitemaps(event, signal, onRecord: (record: SitemapRecord) => void) {
      events.push(event);
      peak = Math.max(peak, ++running);
      try {
        const end = await invoker.invokeSitemaps!(event, signal, onRecord);
        ends.push(end);
        return end;
      } catch (error) {
        failures.push(error);
        throw error;
      } finally {
        running--;
      }
    },
  };
  return { spy, events, ends, failures, peak: () => peak };
}

/** 40 children: plain, .gz files and Content-Encoding ones, three URLs each, but one malformed, one past the byte cap and one 410. */
function indexOf40(): Record<string, SitemapFileSpec | string> {
  const files: Record<string, SitemapFileSpec | string> = {};
  const children: string[] = [];
  for (let i = 0; i < 40; i++) {
    const path = i % 3 === 1 ? `/child-${i}.xml.gz` : `/child-${i}.xml`;
    children.push(`{origin}${path}`);
    const body = urlsetXml(pagePaths(`p${i}`, 3), ['2024-01-01', undefined, '2024-06-01']);
    files[path] = i % 3 === 1 ? { body, gzip: 'file' } : i % 3 === 2 ? { body, gzip: 'encoding' } : body;
  }
  files['/child-7.xml.gz'] = '<urlset><url><loc>{origin}/x</loc></urlset>'; // malformed (and not even gzip)
  files['/child-20.xml'] = { body: urlsetXml(pagePaths('big', 400)), gzip: 'encoding' }; // past maxBytes once gunzipped
  files['/child-33.xml'] = { body: 'gone', status: 410 };
  files['/index.xml'] = indexXml(children);
  return files;
}

const BAD = new Set([7, 20, 33]);
const expectedUrls = (origin: string) =>
  Array.from({ length: 40 }, (_, i) => i)
    .filter((i) => !BAD.has(i))
    .flatMap((i) => [0, 1, 2].map((n) => `${origin}/p${i}/${n}`))
    .sort();

async function expandThrough(
  invoker: Pick<Invoker, 'capacity' | 'invokeSitemaps'>,
  files: Record<string, SitemapFileSpec | string>,
  more: Partial<ExpandSitemapsOptions> = {},
) {
  const site = await startSitemapSite(files);
  try {
    const got: SitemapFile[] = [];
    for await (const file of expandSitemaps({
      sources: [parseSitemapSource(site.url('/index.xml'))],
      timeoutMs: 10_000,
      maxRedirects: 5,
      retries: 0,
      allowPrivate: true,
      robots: 'obey',
      maxBytes: 10_000,
      workers: { invoker, runId: 'run-1', perHost: 3, sitemapsPerEvent: 4, retries: 1 },
      ...more,
    }))
      got.push(file);
    return { got, site, requests: site.requests.map((r) => r.path) };
  } finally {
    await site.close();
  }
}

describe.each([
  ['local', () => new LocalInvoker({ size: 2, childOutput: 'ignore' })],
  ['lambda', () => lambdaInvoker(undefined)],
] as const)('a 40-child sitemap index expanded by the workers (%s)', (mode, makeInvoker) => {
  let invoker: Invoker;
  beforeEach(() => {
    lambda.reset();
    invoker = makeInvoker();
  });
  afterEach(() => invoker.close());

  it('gives exactly its URLs, names the malformed, oversized and 410 children, and fetches every child once in a worker', async () => {
    const watch = watched(invoker);
    const { got, site, requests } = await expandThrough(watch.spy, indexOf40());
    const o = site.origin;

    expect(got.flatMap((f) => f.urls).sort()).toStrictEqual(expectedUrls(o));
    expect(
      got
        .filter((f) => f.error)
        .map((f) => [f.sitemap.replace(o, ''), f.error?.reason, f.error?.message.startsWith(`sitemap ${f.sitemap}: `)])
        .sort(),
    ).toStrictEqual([
      ['/child-20.xml', 'too-large', true],
      ['/child-33.xml', 'http', true],
      ['/child-7.xml.gz', 'malformed', true],
    ]);
    expect(got.filter((f) => !f.error).map((f) => [f.depth, f.kind, f.counts.entries])).toContainEqual([1, 'urlset', 3]);
    expect(got).toHaveLength(41); // the index and each child once

    // The orchestrator fetched the index; the workers fetched the children, each once, as the events asked.
    const children = requests.filter((p) => p.startsWith('/child-')).sort();
    expect(children).toHaveLength(40);
    expect(new Set(children).size).toBe(40);
    expect(
      watch.events
        .flatMap((e) => e.sitemaps)
        .map((u) => u.replace(o, ''))
        .sort(),
    ).toStrictEqual(children);
    expect(watch.events.every((e) => e.sitemaps.length <= 4)).toBe(true);
    // At most perHost (3) events of the one host at once.
    expect(watch.peak()).toBeLessThanOrEqual(3);
    expect(watch.failures.map(String)).toStrictEqual([]);
    expect(watch.ends.length).toBe(watch.events.length);
    if (mode === 'local') {
      // Fetched in the child processes, not here.
      const pids = new Set(watch.ends.map((end) => end.pid));
      expect(pids.has(process.pid)).toBe(false);
      expect(pids.size).toBeGreaterThanOrEqual(1);
      expect(pids.size).toBeLessThanOrEqual(2);
    } else {
      expect(lambda).toHaveReceivedCommandTimes(InvokeWithResponseStreamCommand, watch.events.length);
    }
  });

  it('splits a big file over several records, and a Crawl-delay keeps one event at a time on the host', async () => {
    const files: Record<string, SitemapFileSpec | string> = {
      '/robots.txt': 'User-agent: *\nCrawl-delay: 0.05\n',
      '/index.xml': indexXml(Array.from({ length: 6 }, (_, i) => `{origin}/s${i}.xml`)),
    };
    for (let i = 0; i < 6; i++) files[`/s${i}.xml`] = urlsetXml(pagePaths(`q${i}`, i === 0 ? 12_000 : 2));
    const records: number[] = [];
    const watch = watched(invoker);
    const counting: Pick<Invoker, 'capacity' | 'invokeSitemaps'> = {
      capacity: watch.spy.capacity,
      invokeSitemaps: (event, signal, onRecord) =>
        watch.spy.invokeSitemaps!(event, signal, (record) => {
          if (record.sitemap.endsWith('/s0.xml')) records.push(record.urls.length);
          onRecord(record);
        }),
    };
    const { got } = await expandThrough(counting, files, { maxBytes: undefined });

    expect(got.find((f) => f.sitemap.endsWith('/s0.xml'))?.urls).toHaveLength(12_000);
    expect(records).toStrictEqual([5_000, 5_000, 2_000]);
    expect(got.flatMap((f) => f.urls)).toHaveLength(12_000 + 5 * 2);
    expect(watch.peak()).toBe(1);
  });
});

it('sends the files of a worker that crashed mid-event again (Lambda), and still gives exactly the URLs', async () => {
  lambda.reset();
  const invoker = lambdaInvoker('crash');
  try {
    const watch = watched(invoker);
    const { got, site } = await expandThrough(watch.spy, indexOf40());
    expect(got.flatMap((f) => f.urls).sort()).toStrictEqual(expectedUrls(site.origin));
    expect(
      got
        .filter((f) => f.error)
        .map((f) => f.error?.reason)
        .sort(),
    ).toStrictEqual(['http', 'malformed', 'too-large']);
    // Every event is one call; the crashed event's files without a record were sent again in another.
    expect(lambda).toHaveReceivedCommandTimes(InvokeWithResponseStreamCommand, watch.events.length);
    const sent = watch.events.flatMap((e) => e.sitemaps);
    expect(sent.length).toBeGreaterThan(40);
    expect(new Set(sent).size).toBe(40);
  } finally {
    await invoker.close();
  }
});

it('sends a throttled event again without using up a try (Lambda)', async () => {
  lambda.reset();
  const invoker = lambdaInvoker('throttle');
  try {
    const watch = watched(invoker);
    const { got, site } = await expandThrough(watch.spy, indexOf40(), { workers: { invoker: watch.spy, runId: 'run-1', perHost: 3, sitemapsPerEvent: 4, retries: 0 } });
    expect(got.flatMap((f) => f.urls).sort()).toStrictEqual(expectedUrls(site.origin));
    // With no retries, a throttle that used up a try would have failed the throttled event's files as `fetch`.
    expect(
      got
        .filter((f) => f.error)
        .map((f) => f.error?.reason)
        .sort(),
    ).toStrictEqual(['http', 'malformed', 'too-large']);
    expect(watch.events.flatMap((e) => e.sitemaps).length).toBeGreaterThan(40); // the throttled event's files went out twice
  } finally {
    await invoker.close();
  }
});

it('leaves an index of a few children to the orchestrator', async () => {
  const invoker = new LocalInvoker({ size: 1, childOutput: 'ignore' });
  try {
    const watch = watched(invoker);
    const { got } = await expandThrough(watch.spy, {
      '/index.xml': indexXml(['{origin}/a.xml', '{origin}/b.xml']),
      '/a.xml': urlsetXml(pagePaths('a', 1)),
      '/b.xml': urlsetXml(pagePaths('b', 1)),
    });
    expect(got.flatMap((f) => f.urls)).toHaveLength(2);
    expect(watch.events).toStrictEqual([]);
  } finally {
    await invoker.close();
  }
});
