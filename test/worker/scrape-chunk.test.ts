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
  /** `onEnter` hears the count each time a request arrives. */
  constructor(private readonly onEnter?: (now: number) => void) {}
  enter(): void {
    this.max = Math.max(this.max, ++this.now);
    this.onEnter?.(this.now);
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
    // One at a time. The first starts if it does so within SPARE_MS (timeoutMs still fits before the
    // deadline) and is answered well inside timeoutMs; the server holds it longer than SPARE_MS, so
    // once it is done less than timeoutMs is left and nothing else starts, however slow the machine.
    const SPARE_MS = 1_500;
    const timeoutMs = 5_000;
    const server = await startCountingServer(SPARE_MS + 100);
    try {
      const urls = Array.from({ length: 5 }, (_, i) => `${server.origin}/p${i}`);
      const { outcomes, unstarted } = await scrapeChunk(urls, { allowPrivate: true, perHost: 1, timeoutMs }, { deadline: Date.now() + timeoutMs + SPARE_MS });
      expect(outcomes.map((o) => o.url)).toStrictEqual([urls[0]]);
      expect(outcomes[0]!.ok).toBe(true);
      expect(unstarted).toStrictEqual(urls.slice(1));
    } finally {
      await server.close();
    }
  });

  it('on abort, cancels in-flight fetches and reports them and the rest unstarted', async () => {
    // Aborted once both requests perHost allows are in flight. The server would answer them only
    // after a minute (past timeoutMs and jest's timeout), so scrapeChunk returns with no outcome
    // only if it cancelled them.
    const controller = new AbortController();
    const server = await startCountingServer(60_000, new InFlight((now) => now === 2 && controller.abort()));
    try {
      const urls = Array.from({ length: 6 }, (_, i) => `${server.origin}/p${i}`);
      const { outcomes, unstarted } = await scrapeChunk(urls, { allowPrivate: true, perHost: 2 }, { signal: controller.signal });
      expect(server.maxInFlight()).toBe(2);
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
