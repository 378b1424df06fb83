/**
 * scrapeChunk over real loopback servers: exactly-once coverage, concurrency limits, deadline and abort.
 * Loopback is private, so every call passes `allowPrivate: true` (the guard is tested in test/faults).
 */
import { closeAgents } from '../../http/agent';
import { SpecError } from '../../core/extract-spec';
import { scrapeChunk } from '../../functions/worker/scrape-chunk';
import { expectedLinks, startDemoSite, type DemoSite } from '../../demo/site';
import { startServer, type TestServer } from '../helpers/http-server';

/** Counts requests in flight, across however many servers share it. */
class InFlight {
  now = 0;
  max = 0;
  enter(): void {
    this.max = Math.max(this.max, ++this.now);
  }
  leave(): void {
    this.now--;
  }
}

/** A server that holds each request `holdMs` before answering, counting requests in flight. */
async function startCountingServer(holdMs: number, counter = new InFlight()): Promise<TestServer & { maxInFlight(): number }> {
  const server = await startServer((_req, res) => {
    counter.enter();
    const timer = setTimeout(() => res.writeHead(200, { 'content-type': 'text/html' }).end('<title>t</title>'), holdMs);
    res.on('close', () => {
      clearTimeout(timer);
      counter.leave();
    });
  });
  return Object.assign(server, { maxInFlight: () => counter.max });
}

const sorted = (xs: readonly string[]) => [...xs].sort();

let site: DemoSite;
beforeAll(async () => {
  site = await startDemoSite({ pages: 50 });
});
afterAll(async () => {
  await site.close();
  await closeAgents();
});

describe('scrapeChunk', () => {
  it('records every demo page with its title and links', async () => {
    const urls = site.urls(50);
    const { outcomes, unstarted, stats } = await scrapeChunk(urls, { allowPrivate: true });
    expect(unstarted).toStrictEqual([]);
    expect(sorted(outcomes.map((o) => o.url))).toStrictEqual(sorted(urls));
    for (const outcome of outcomes) {
      const n = Number(outcome.url.split('/').at(-1));
      expect(outcome).toMatchObject({ ok: true, status: 200, title: `Page ${n}`, links: expectedLinks(site.origin, n, 50) });
    }
    expect(stats).toMatchObject({ ok: 50, failed: 0 });
    expect(stats.bytes).toBe(outcomes.reduce((sum, o) => sum + (o.ok ? o.bytes : 0), 0));
  });

  it('applies options.extract', async () => {
    const { outcomes } = await scrapeChunk([`${site.origin}/page/4`], {
      allowPrivate: true,
      extract: { price: { selector: '.price', attr: 'data-value' }, tags: { selector: '.tag', all: true } },
    });
    expect(outcomes[0]).toMatchObject({ ok: true, data: { price: '6.00', tags: ['demo', 'n4'] } });
  });

  it('gives one outcome per input entry: invalid lines, duplicates and 404s included', async () => {
    const inputs = [`${site.origin}/page/1`, 'not a url', `${site.origin}/page/1`, 'ftp://example.com/x', '', `${site.origin}/nope`, '/page/2'];
    const { outcomes, unstarted, stats } = await scrapeChunk(inputs, { allowPrivate: true });
    expect(unstarted).toStrictEqual([]);
    expect(sorted(outcomes.map((o) => o.url))).toStrictEqual(sorted(inputs));
    const invalid = outcomes.filter((o) => !o.ok && o.error.kind === 'invalid-url').map((o) => o.url);
    expect(sorted(invalid)).toStrictEqual(sorted(['not a url', 'ftp://example.com/x', '', '/page/2']));
    expect(outcomes.find((o) => o.url.endsWith('/nope'))).toMatchObject({ ok: false, error: { kind: 'http', status: 404 }, attempts: 1 });
    expect(stats).toMatchObject({ ok: 2, failed: 5 });
  });

  it('keeps per-host concurrency to perHost', async () => {
    const server = await startCountingServer(50);
    try {
      const urls = Array.from({ length: 24 }, (_, i) => `${server.origin}/p${i}`);
      const { outcomes } = await scrapeChunk(urls, { allowPrivate: true, perHost: 3, concurrency: 64 });
      expect(outcomes.every((o) => o.ok)).toBe(true);
      expect(server.maxInFlight()).toBe(3);
    } finally {
      await server.close();
    }
  });

  it('keeps total concurrency to concurrency across hosts', async () => {
    const total = new InFlight();
    const servers = await Promise.all([1, 2, 3].map(() => startCountingServer(50, total)));
    try {
      const urls = servers.flatMap((s) => Array.from({ length: 10 }, (_, i) => `${s.origin}/p${i}`));
      const { outcomes } = await scrapeChunk(urls, { allowPrivate: true, perHost: 8, concurrency: 4 });
      expect(outcomes.filter((o) => o.ok)).toHaveLength(30);
      expect(total.max).toBe(4);
    } finally {
      await Promise.all(servers.map((s) => s.close()));
    }
  });

  it('starts nothing when the deadline leaves less than timeoutMs', async () => {
    const urls = [...site.urls(3), 'bad'];
    const { outcomes, unstarted } = await scrapeChunk(urls, { allowPrivate: true, timeoutMs: 5_000 }, { deadline: Date.now() + 1_000 });
    expect(unstarted).toStrictEqual(site.urls(3));
    expect(outcomes).toStrictEqual([{ url: 'bad', ok: false, error: { kind: 'invalid-url', message: expect.any(String) }, attempts: 0 }]);
  });

  it('stops starting URLs as the deadline nears and reports the rest unstarted', async () => {
    const server = await startCountingServer(1_200);
    try {
      const urls = Array.from({ length: 5 }, (_, i) => `${server.origin}/p${i}`);
      // One at a time; each takes 1.2 s. At 1.2 s only 1.8 s of the 3 s remain, less than timeoutMs (2 s).
      const { outcomes, unstarted } = await scrapeChunk(urls, { allowPrivate: true, perHost: 1, timeoutMs: 2_000 }, { deadline: Date.now() + 3_000 });
      expect(outcomes.map((o) => o.url)).toStrictEqual([urls[0]]);
      expect(outcomes[0]!.ok).toBe(true);
      expect(unstarted).toStrictEqual(urls.slice(1));
    } finally {
      await server.close();
    }
  });

  it('on abort, cancels in-flight fetches and reports them and the rest unstarted', async () => {
    const server = await startCountingServer(5_000);
    try {
      const urls = Array.from({ length: 6 }, (_, i) => `${server.origin}/p${i}`);
      const controller = new AbortController();
      setTimeout(() => controller.abort(), 200);
      const started = Date.now();
      const { outcomes, unstarted } = await scrapeChunk(urls, { allowPrivate: true, perHost: 2 }, { signal: controller.signal });
      expect(Date.now() - started).toBeLessThan(4_000);
      expect(outcomes).toStrictEqual([]);
      expect(unstarted).toStrictEqual(urls);
    } finally {
      await server.close();
    }
  });

  it('rejects a spec with a bad selector before fetching anything', async () => {
    const server = await startCountingServer(0);
    try {
      await expect(scrapeChunk([`${server.origin}/x`], { allowPrivate: true, extract: { price: { selector: 'p:nope' } } })).rejects.toThrow(SpecError);
      expect(server.requests).toHaveLength(0);
    } finally {
      await server.close();
    }
  });
});
