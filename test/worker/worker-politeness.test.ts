/**
 * The worker's side of politeness, over a real loopback server: a chunk keeps to its lease
 * (`hostLimits`), spaces starts (`hostDelayMs`), and slows down and reports a host that answers 429.
 * Loopback is private, so every call passes `allowPrivate: true`.
 */
import { closeAgents } from '../../http/agent';
import { hostKey } from '../../core/host-key';
import { scrapeChunk } from '../../functions/worker/scrape-chunk';
import { startCountingSite, type CountingSite } from '../helpers/counting-site';

const sites: CountingSite[] = [];
afterEach(async () => {
  await Promise.all(sites.splice(0).map((s) => s.close()));
});
afterAll(() => closeAgents());

async function site(...args: Parameters<typeof startCountingSite>): Promise<CountingSite> {
  const s = await startCountingSite(...args);
  sites.push(s);
  return s;
}

it('keys hosts by host:port with the default port written out', () => {
  expect([hostKey('https://Example.com/a'), hostKey('http://a.test/'), hostKey('http://[::1]:8080/x'), hostKey('ftp://a/'), hostKey('nope')]).toStrictEqual([
    'example.com:443',
    'a.test:80',
    '[::1]:8080',
    undefined,
    undefined,
  ]);
});

it('runs at most hostLimits[host] requests to a host, and leaves a host with 0 unstarted', async () => {
  const [busy, refused] = [await site({ latencyMs: 20 }), await site({ latencyMs: 20 })];
  const urls = [...busy.urls(30), ...refused.urls(5)];
  const result = await scrapeChunk(urls, {
    allowPrivate: true,
    perHost: 8,
    hostLimits: { [hostKey(busy.origin)!]: 3, [hostKey(refused.origin)!]: 0 },
  });
  expect(busy.maxInFlight()).toBe(3);
  expect(refused.starts).toStrictEqual([]);
  expect(result.unstarted).toStrictEqual(refused.urls(5));
  expect(result.outcomes.map((o) => o.url).sort()).toStrictEqual(busy.urls(30).sort());
  expect(result.throttled).toBeUndefined();
});

it('waits hostDelayMs after each request to a host before the next, as the site sees it', async () => {
  const s = await site({ latencyMs: 1 });
  const result = await scrapeChunk(s.urls(4), { allowPrivate: true, hostDelayMs: { [hostKey(s.origin)!]: 150 } });
  expect(result.outcomes.filter((o) => o.ok)).toHaveLength(4);
  const gaps = s.starts.slice(1).map((start, i) => start.at - s.starts[i]!.at);
  for (const gap of gaps) expect(gap).toBeGreaterThanOrEqual(150);
});

it('halves a host that answers 429, pauses it for Retry-After and reports it as throttled', async () => {
  let throttledAt = 0;
  const s = await site({
    latencyMs: 20,
    override: (n, _req, res) => {
      if (n !== 5) return false;
      throttledAt = performance.now();
      res.writeHead(429, { 'retry-after': '1' }).end();
      return true;
    },
  });
  const result = await scrapeChunk(s.urls(40), { allowPrivate: true, perHost: 4, retries: 1 });
  expect(result.throttled).toStrictEqual({ [hostKey(s.origin)!]: 0 }); // its Retry-After ran out before the chunk ended
  expect(result.outcomes.filter((o) => o.ok)).toHaveLength(40);
  const before = s.starts.filter((r) => r.at < throttledAt);
  const after = s.starts.filter((r) => r.at > throttledAt);
  expect(Math.max(...before.map((r) => r.inFlight))).toBe(4);
  // Until Retry-After (1 s) has passed, the only requests that may start are ones the worker sent
  // before it had read the 429: at most one in each of the other 3 slots (without the pause, the
  // thirty-odd left would). Counted, not timed from the 429, so a slow event loop cannot break it.
  // After that, at most 2 at once.
  const pausedUntil = throttledAt + 950;
  expect(after.filter((r) => r.at < pausedUntil).length).toBeLessThanOrEqual(3);
  expect(Math.max(...after.filter((r) => r.at >= pausedUntil).map((r) => r.inFlight))).toBe(2);
});
