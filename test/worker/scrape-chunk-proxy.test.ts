/**
 * A worker's chunk through a proxy pool (real loopback proxies): one dead proxy costs no URL and is
 * benched while the others share the work; a pool with no working proxy records nothing and hands
 * every URL back, for the orchestrator to stop the run; records name the proxy without its password.
 */
import type { Outcome, ScrapeOptionsInput } from '../../core/contract';
import { closeAgents } from '../../http/agent';
import { scrapeChunk } from '../../functions/worker/scrape-chunk';
import { deadProxyUrl, startForwardProxy, type ForwardProxy } from '../helpers/forward-proxy';
import { startServer, type TestServer } from '../helpers/http-server';

let site: TestServer;
let a: ForwardProxy;
let b: ForwardProxy;
let dead: string;

beforeAll(async () => {
  site = await startServer((req, res) => res.writeHead(200, { 'content-type': 'text/html' }).end(`<title>${req.url}</title>`));
  a = await startForwardProxy({ credentials: { user: 'ann', password: 'hunter2' } });
  b = await startForwardProxy();
  dead = await deadProxyUrl();
});
afterAll(async () => {
  await closeAgents();
  await Promise.all([site.close(), a.close(), b.close()]);
});

const urls = (n: number) => Array.from({ length: n }, (_, i) => `${site.origin}/p/${i}`);

function options(proxies: string[], overrides: ScrapeOptionsInput = {}): ScrapeOptionsInput {
  return { allowPrivate: true, allowPrivateProxy: true, concurrency: 1, retries: 0, timeoutMs: 5_000, proxy: { mode: 'pool', proxies }, ...overrides };
}

describe('scrapeChunk through a proxy pool', () => {
  test('one dead proxy: every URL ok, round-robin over the live ones, the dead one benched after 3 failures', async () => {
    const pool = [dead, a.urlWith('ann', 'hunter2'), b.url];

    const result = await scrapeChunk(urls(9), options(pool));

    const labelA = `http://ann:***@127.0.0.1:${a.port}`;
    expect(result.unstarted).toStrictEqual([]);
    expect(result.outcomes.map((o) => [o.url, o.ok, o.proxy])).toStrictEqual(
      urls(9).map((url, i) => [url, true, i % 2 === 0 ? labelA : b.url]), // the dead one fails over to the next, A
    );
    expect(result.proxies).toStrictEqual([
      { requests: 3, failures: 3, benchings: 1, benchedMs: expect.any(Number), lastError: `could not be reached: connect ECONNREFUSED 127.0.0.1:${new URL(dead).port}` },
      { requests: 5, failures: 0, benchings: 0, benchedMs: 0 },
      { requests: 4, failures: 0, benchings: 0, benchedMs: 0 },
    ]);
    expect(result.proxies?.[0]?.benchedMs).toBeGreaterThan(0);
    expect(JSON.stringify(result)).not.toContain('hunter2');
  });

  test('a proxy the run has benched gets nothing, from the start given', async () => {
    const result = await scrapeChunk(
      urls(4),
      options([a.urlWith('ann', 'hunter2'), b.url, dead], {
        proxy: { mode: 'pool', proxies: [a.urlWith('ann', 'hunter2'), b.url, dead], benchedMs: { '2': 60_000 }, start: 1 },
      }),
    );

    expect(result.outcomes.every((o) => o.ok)).toBe(true);
    expect(result.proxies?.map((p) => p.requests)).toStrictEqual([2, 2, 0]);
  });

  test('no working proxy: nothing is recorded, every URL is handed back unstarted, and every proxy is benched', async () => {
    const strict = a.urlWith('ann', 'wrong'); // 407
    const records: Outcome[] = [];

    const result = await scrapeChunk(urls(20), options([dead, strict], { concurrency: 4, retries: 2 }), { onOutcome: (o) => records.push(o) });

    expect(records).toStrictEqual([]);
    expect(result.outcomes).toStrictEqual([]);
    expect(result.unstarted).toStrictEqual(urls(20));
    expect(result.proxies?.map((p) => [p.benchings, p.benchedMs > 0])).toStrictEqual([
      [1, true],
      [1, true],
    ]);
    expect(result.proxies?.[1]?.lastError).toBe('answered 407 Proxy Authentication Required: check the user and password in its URL');
    expect(JSON.stringify(result)).not.toContain('wrong');
  });
});
