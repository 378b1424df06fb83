/**
 * A whole run through a proxy pool, on both back ends with the same cases: local worker processes,
 * and Lambda with the SDK mocked at its edge (aws-sdk-client-mock) and the real worker handler
 * behind it. Real forward proxies and a real site on loopback. The run keeps the pool: chunks carry
 * its benches, workers' reports add up, and a pool with nothing left stops the run.
 */
import '../helpers/quiet-powertools';
import { InvokeWithResponseStreamCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import type { Outcome, WorkerEventInput } from '../../core/contract';
import { handler } from '../../functions/worker/handler';
import { closeAgents } from '../../http/agent';
import { ProxyPoolExhaustedError } from '../../http/proxy-errors';
import { RunAbortedError, runUrls, type Invoker } from '../../orchestrator';
import { LambdaInvoker } from '../../orchestrator/invokers/lambda';
import { LocalInvoker } from '../../orchestrator/invokers/local';
import { streamedResult } from '../invokers/factories';
import { deadProxyUrl, startForwardProxy, type ForwardProxy } from '../helpers/forward-proxy';
import { startServer, type TestServer } from '../helpers/http-server';

const lambda = mockClient(LambdaClient);

/** The Lambda back end: every invoke runs the real worker here and streams its result back. */
function lambdaInvoker(): LambdaInvoker {
  lambda.reset();
  lambda.on(InvokeWithResponseStreamCommand).callsFake(async (input: { Payload?: Uint8Array }) => {
    const event = JSON.parse(Buffer.from(input.Payload!).toString('utf8')) as WorkerEventInput;
    return streamedResult(await handler(event));
  });
  return new LambdaInvoker({ functionName: 'fanout-worker', region: 'us-east-1', concurrency: 2, credentials: { accessKeyId: 'x', secretAccessKey: 'y' } });
}

/** `invoker`, noting every event it is sent (as the run decorated it). */
function spy(invoker: Invoker, events: WorkerEventInput[]): Invoker {
  return {
    capacity: invoker.capacity,
    close: () => invoker.close(),
    invoke: (event, signal, onRecord) => {
      events.push(event);
      return invoker.invoke(event, signal, onRecord);
    },
  };
}

let site: TestServer;
let a: ForwardProxy;
let b: ForwardProxy;
beforeAll(async () => {
  // Closing every connection makes every request a tunnel of its own: the proxies' counts are exact.
  site = await startServer((req, res) => {
    if (req.url === '/robots.txt') res.writeHead(404, { connection: 'close' }).end();
    else res.writeHead(200, { 'content-type': 'text/html', connection: 'close' }).end(`<title>${req.url}</title>`);
  });
});
beforeEach(async () => {
  a = await startForwardProxy({ credentials: { user: 'ann', password: 'hunter2' } });
  b = await startForwardProxy();
});
afterEach(async () => {
  await closeAgents();
  await Promise.all([a.close(), b.close()]);
});
afterAll(() => site.close());

const urls = (n: number) => Array.from({ length: n }, (_, i) => `${site.origin}/p/${i}`);

describe.each([
  ['local', () => new LocalInvoker({ size: 2 })],
  ['lambda', lambdaInvoker],
])('a run through a proxy pool (%s)', (_mode, makeInvoker) => {
  test('one dead proxy of three: every URL ok, the live two carry every request, the dead one is benched run-wide', async () => {
    const dead = await deadProxyUrl();
    const proxies = [dead, a.urlWith('ann', 'hunter2'), b.url];
    const events: WorkerEventInput[] = [];
    const records: Outcome[] = [];
    const invoker = makeInvoker();
    try {
      const ran = await runUrls(
        urls(60),
        {
          invoker: spy(invoker, events),
          scrape: {
            allowPrivate: true,
            allowPrivateProxy: true,
            retries: 0,
            perHost: 8,
            concurrency: 8,
            maxBytes: 1e6,
            maxRedirects: 5,
            timeoutMs: 5_000,
            proxy: { mode: 'pool', proxies, rotation: 'request', benchAfterFailures: 3, benchMs: 60_000 },
          },
          chunkSize: 10,
          concurrency: 2,
          maxSpeculativeCopies: 0, // counts requests exactly: a copy would fetch a straggler's URLs twice
        },
        async (outcome) => {
          records.push(outcome);
        },
      );

      expect(ran.aborted).toBeUndefined();
      expect(records.map((r) => [r.url, r.ok]).sort()).toStrictEqual(
        urls(60)
          .map((u) => [u, true])
          .sort(),
      );
      const [deadStat, aStat, bStat] = ran.proxies ?? [];
      // 60 pages and robots.txt, each exactly once through a live proxy, with a tunnel each.
      expect((aStat?.requests ?? 0) + (bStat?.requests ?? 0)).toBe(61);
      expect(a.tunnelCount() + b.tunnelCount()).toBe(61);
      expect(aStat).toMatchObject({ proxy: `http://ann:***@127.0.0.1:${a.port}`, failures: 0, benched: 0 });
      expect(bStat).toMatchObject({ proxy: b.url, failures: 0, benched: 0 });
      expect(Math.min(aStat?.requests ?? 0, bStat?.requests ?? 0)).toBeGreaterThan(10);
      expect(deadStat?.failures).toBe(deadStat?.requests);
      expect(deadStat?.benched).toBeGreaterThanOrEqual(1);
      // Chunks sent after a worker benched it are told so; and each starts the rotation elsewhere.
      const last = events[events.length - 1]?.options?.proxy;
      expect(last?.mode === 'pool' && Number(last.benchedMs?.['0'])).toBeGreaterThan(0);
      expect(events.slice(0, 3).map((e) => (e.options?.proxy?.mode === 'pool' ? e.options.proxy.start : undefined))).toStrictEqual([0, 1, 2]);
      expect(records.every((r) => r.proxy === aStat?.proxy || r.proxy === bStat?.proxy)).toBe(true);
    } finally {
      await invoker.close();
    }
  });

  test("every proxy dead: the run stops with the pool's error, no URL gets a record, and nothing more is sent", async () => {
    const proxies = [await deadProxyUrl(), a.urlWith('ann', 'wrong-password')];
    const events: WorkerEventInput[] = [];
    const records: Outcome[] = [];
    const invoker = makeInvoker();
    try {
      const ran = await runUrls(
        urls(40),
        {
          invoker: spy(invoker, events),
          scrape: {
            allowPrivate: true,
            allowPrivateProxy: true,
            retries: 2,
            perHost: 8,
            concurrency: 8,
            maxBytes: 1e6,
            maxRedirects: 5,
            timeoutMs: 5_000,
            proxy: { mode: 'pool', proxies, rotation: 'request', benchAfterFailures: 3, benchMs: 60_000 },
          },
          chunkSize: 10,
          concurrency: 2,
          maxSpeculativeCopies: 0, // counts requests exactly: a copy would fetch a straggler's URLs twice
        },
        async (outcome) => {
          records.push(outcome);
        },
      );

      expect(ran.aborted).toBeInstanceOf(RunAbortedError);
      expect(ran.aborted?.cause).toBeInstanceOf(ProxyPoolExhaustedError);
      expect(ran.aborted?.message).toContain(`every proxy in the pool is benched after failing repeatedly: ${proxies[0]} (could not be reached: connect ECONNREFUSED`);
      expect(ran.aborted?.message).toContain(`http://ann:***@127.0.0.1:${a.port} (answered 407 Proxy Authentication Required`);
      expect(ran.aborted?.message).not.toContain('wrong-password');
      expect(records).toStrictEqual([]);
      expect(ran.progress?.abandonedUrls).toBe(40);
      // One host, 8 slots: one chunk at a time. The first found the pool dead; no other was sent.
      expect(events.map((e) => e.chunkId)).toStrictEqual(['chunk-0']);
      expect(ran.proxies?.map((p) => p.benched > 0)).toStrictEqual([true, true]);
      expect(a.tunnelCount()).toBe(0);
    } finally {
      await invoker.close();
    }
  });
});
