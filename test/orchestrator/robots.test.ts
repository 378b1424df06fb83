/**
 * robots.txt, against real HTTP servers on 127.0.0.1. Loopback is private, so these caches run with
 * `allowPrivate: true`, except the one test that shows the SSRF guard applies to robots.txt too.
 */
import dns from 'node:dns';
import type http from 'node:http';
import zlib from 'node:zlib';
import { Agent } from 'undici';
import { FailureOutcomeSchema } from '../../core/contract';
import { setConnectSeamsForTests } from '../../http/agent';
import { createGuardedConnector, type LookupFunction } from '../../http/ssrf-guard';
import { productToken, RobotsCache, robotsDisallowedOutcome, type RobotsOptions } from '../../orchestrator/robots';
import { startServer, type TestServer } from '../helpers/http-server';

type Route = (req: http.IncomingMessage, res: http.ServerResponse) => void;
const text =
  (body: string, status = 200): Route =>
  (_req, res) =>
    res.writeHead(status, { 'content-type': 'text/plain' }).end(body);
const status =
  (code: number): Route =>
  (_req, res) =>
    res.writeHead(code).end();
const redirect =
  (location: string, code = 301): Route =>
  (_req, res) =>
    res.writeHead(code, { location }).end();

const servers: TestServer[] = [];
const caches: RobotsCache[] = [];
afterEach(async () => {
  await Promise.all([...caches.splice(0).map((c) => c.close()), ...servers.splice(0).map((s) => s.close())]);
});

/** A loopback site whose paths are answered by `routes` (404 otherwise). */
async function site(routes: Record<string, Route>): Promise<TestServer> {
  const server = await startServer((req, res) => (routes[req.url ?? '/'] ?? status(404))(req, res));
  servers.push(server);
  return server;
}

function cache(options: RobotsOptions = {}): RobotsCache {
  const robots = new RobotsCache({ allowPrivate: true, userAgent: 'fanout/9.9 (+test)', ...options });
  caches.push(robots);
  return robots;
}

const robotsRequests = (server: TestServer) => server.requests.filter((r) => r.path === '/robots.txt').length;

const GROUPS = ['User-agent: *', 'Disallow: /private', 'Crawl-delay: 2', '', 'User-agent: fanout', 'Disallow: /no-fanout', 'Allow: /no-fanout/ok', 'Crawl-delay: 3'].join(
  '\n',
);

describe('RobotsCache.check', () => {
  it('applies the group of our product token, not the * group, and sends our User-Agent', async () => {
    const s = await site({ '/robots.txt': text(GROUPS) });
    const urls = ['/a', '/no-fanout/x', '/no-fanout/ok/y', '/private/z'].map((p) => s.origin + p);

    const result = await cache().check(urls);

    expect(result).toStrictEqual({
      allowed: [urls[0], urls[2], urls[3]],
      disallowed: [urls[1]],
      crawlDelayMs: new Map([[s.origin, 3000]]),
      disallowAll: new Map(),
    });
    expect(s.requests[0]?.headers['user-agent']).toBe('fanout/9.9 (+test)');
  });

  it('falls back to the * group for another agent', async () => {
    const s = await site({ '/robots.txt': text(GROUPS) });
    const urls = ['/no-fanout/x', '/private/z'].map((p) => s.origin + p);

    const result = await cache({ userAgent: 'OtherBot/1.0' }).check(urls);

    expect(result).toStrictEqual({ allowed: [urls[0]], disallowed: [urls[1]], crawlDelayMs: new Map([[s.origin, 2000]]), disallowAll: new Map() });
  });

  it.each([404, 401, 403, 410])('allows everything when robots.txt answers %i', async (code) => {
    const s = await site({ '/robots.txt': status(code) });
    const robots = cache();
    const result = await robots.check([`${s.origin}/anything`]);
    expect(result.allowed).toStrictEqual([`${s.origin}/anything`]);
    expect((await robots.rulesFor(s.origin)).source).toBe('allow-all');
  });

  it.each([500, 503, 429])('disallows everything when robots.txt answers %i, unless the policy allows', async (code) => {
    const s = await site({ '/robots.txt': status(code) });
    const url = `${s.origin}/page`;
    expect(await cache().check([url])).toStrictEqual({
      allowed: [],
      disallowed: [url],
      crawlDelayMs: new Map(),
      disallowAll: new Map([[s.origin, `${s.origin}/robots.txt unreachable (HTTP ${code})`]]),
    });
    expect((await cache({ onUnreachable: 'allow' }).check([url])).allowed).toStrictEqual([url]);
  });

  it('disallows everything when robots.txt gets no complete answer in time (RFC 9309 §2.3.1.4), and says why', async () => {
    const s = await site({ '/robots.txt': () => undefined /* takes the request, never answers */ });
    const url = `${s.origin}/page`;
    expect(await cache({ timeoutMs: 200 }).check([url])).toStrictEqual({
      allowed: [],
      disallowed: [url],
      crawlDelayMs: new Map(),
      disallowAll: new Map([[s.origin, `${s.origin}/robots.txt unreachable (no complete answer within 200 ms)`]]),
    });
  });

  it('disallows everything when the robots.txt connection is reset, and says why', async () => {
    const s = await site({ '/robots.txt': (req) => req.socket.destroy() });
    const url = `${s.origin}/page`;
    const result = await cache().check([url]);
    expect([result.allowed, result.disallowed]).toStrictEqual([[], [url]]);
    expect(result.disallowAll.get(s.origin)).toMatch(new RegExp(`^${s.origin}/robots\\.txt unreachable \\(the connection was reset: .*\\)$`));
  });

  it('disallows everything when robots.txt breaks off mid-answer', async () => {
    const s = await site({
      '/robots.txt': (_req, res) => {
        res.writeHead(200, { 'content-type': 'text/plain', 'content-length': '1000' });
        res.write('User-agent: *\n', () => res.socket?.destroy());
      },
    });
    const result = await cache().check([`${s.origin}/page`]);
    expect(result.disallowed).toStrictEqual([`${s.origin}/page`]);
    expect(result.disallowAll.get(s.origin)).toContain(`${s.origin}/robots.txt unreachable (the connection broke mid-answer: `);
  });

  describe('when the name does not resolve', () => {
    // No real DNS in tests: the resolver seam answers ENOTFOUND for every name.
    const lookup: LookupFunction = (hostname, _options, callback) => callback(Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: dns.NOTFOUND }), '');
    beforeAll(() => setConnectSeamsForTests({ lookup }));
    afterAll(() => setConnectSeamsForTests({}));

    it('lets the pages be fetched, so they fail with their own error (dns)', async () => {
      const robots = cache();
      const url = 'http://no-such-host.test/page';
      expect(await robots.check([url])).toStrictEqual({ allowed: [url], disallowed: [], crawlDelayMs: new Map(), disallowAll: new Map() });
      expect((await robots.rulesFor('http://no-such-host.test')).reason).toBe('robots.txt not fetched (getaddrinfo ENOTFOUND no-such-host.test (ENOTFOUND))');
    });
  });

  it('lets the pages be fetched when the robots.txt connection is refused (a dead host is not robots-disallowed)', async () => {
    const s = await site({});
    const origin = s.origin;
    await s.close();
    const result = await cache().check([`${origin}/page`]);
    expect(result).toMatchObject({ allowed: [`${origin}/page`], disallowed: [] });
  });

  it('matches after decoding percent-encoded unreserved characters, in the path and in the rule (RFC 9309 §2.2.2)', async () => {
    const s = await site({ '/robots.txt': text('User-agent: *\nDisallow: /secret\nDisallow: /%7Ejoe/\nDisallow: /caf\u00e9\n') });
    const urls = ['/%73ecret', '/%73%65%63%72%65%74/x', '/~joe/a', '/%7ejoe/b', '/caf%C3%A9', '/caf%c3%a9/menu', '/secre%74%2F', '/open%2Fsecret'].map((p) => s.origin + p);

    const result = await cache().check(urls);

    // %2F is reserved: not decoded, so /open%2Fsecret is not /open/secret, and /secre%74%2F is /secret%2F.
    expect(result).toMatchObject({ allowed: [urls[7]], disallowed: urls.slice(0, 7) });
  });

  it('caps Crawl-delay at maxCrawlDelayMs and accepts fractions', async () => {
    const slow = await site({ '/robots.txt': text('User-agent: *\nCrawl-delay: 100\n') });
    const fraction = await site({ '/robots.txt': text('User-agent: *\nCrawl-delay: 0.5\n') });
    const result = await cache().check([`${slow.origin}/`, `${fraction.origin}/`]);
    expect(result.crawlDelayMs).toStrictEqual(
      new Map([
        [slow.origin, 30_000],
        [fraction.origin, 500],
      ]),
    );
    const capped = await cache({ maxCrawlDelayMs: 5_000 }).check([`${slow.origin}/`]);
    expect(capped.crawlDelayMs.get(slow.origin)).toBe(5_000);
  });

  it('fetches robots.txt once per origin, however many checks run at once', async () => {
    const s = await site({
      '/robots.txt': (req, res) => setTimeout(() => text('User-agent: *\nDisallow: /x\n')(req, res), 50),
    });
    const robots = cache();
    const batches = Array.from({ length: 20 }, (_, i) => [`${s.origin}/x/${i}`, `${s.origin}/y/${i}`]);

    const results = await Promise.all(batches.map((urls) => robots.check(urls)));
    await robots.check([`${s.origin}/later`]);

    expect(results.map((r) => [r.allowed.length, r.disallowed.length])).toStrictEqual(batches.map(() => [1, 1]));
    expect([robotsRequests(s), robots.fetches]).toStrictEqual([1, 1]);
  });

  it('treats different ports of one host as different origins', async () => {
    const a = await site({ '/robots.txt': text('User-agent: *\nDisallow: /a\n') });
    const b = await site({ '/robots.txt': text('User-agent: *\nDisallow: /b\n') });
    const urls = [`${a.origin}/a`, `${a.origin}/b`, `${b.origin}/a`, `${b.origin}/b`];

    const result = await cache().check(urls);

    expect(result).toMatchObject({ allowed: [urls[1], urls[2]], disallowed: [urls[0], urls[3]] });
    expect([robotsRequests(a), robotsRequests(b)]).toStrictEqual([1, 1]);
  });

  it('follows redirects, and applies a file fetched from another origin to the original one', async () => {
    const elsewhere = await site({ '/rules.txt': text('User-agent: *\nDisallow: /secret\n') });
    const s = await site({ '/robots.txt': redirect('/moved.txt'), '/moved.txt': redirect(`${elsewhere.origin}/rules.txt`, 302) });
    const urls = [`${s.origin}/secret/1`, `${s.origin}/open`];
    expect(await cache().check(urls)).toMatchObject({ allowed: [urls[1]], disallowed: [urls[0]] });
  });

  it('gives up after maxRedirects redirects and allows everything (robots.txt unavailable)', async () => {
    const routes: Record<string, Route> = { '/robots.txt': redirect('/r1') };
    for (let i = 1; i <= 10; i++) routes[`/r${i}`] = redirect(`/r${i + 1}`);
    const s = await site(routes);
    const robots = cache();
    expect((await robots.check([`${s.origin}/x`])).allowed).toStrictEqual([`${s.origin}/x`]);
    expect(s.requests).toHaveLength(6); // the first request and 5 redirects
    expect((await robots.rulesFor(s.origin)).reason).toContain('more than 5 redirects');
  });

  it('stops at a redirect loop and allows everything (robots.txt unavailable)', async () => {
    const s = await site({ '/robots.txt': redirect('/a'), '/a': redirect('/b'), '/b': redirect('/a') });
    const robots = cache();
    expect((await robots.check([`${s.origin}/x`])).allowed).toStrictEqual([`${s.origin}/x`]);
    expect(s.requests).toHaveLength(3); // /robots.txt, /a, /b: /a again is the loop
    expect((await robots.rulesFor(s.origin)).reason).toBe(`no robots.txt: redirect loop: ${s.origin}/a was already visited`);
  });

  it.each([
    [300, '/rules.txt', 'file'],
    [302, 'ftp://a.test/robots.txt', 'no robots.txt: 302 without a usable http(s) Location'],
    [304, undefined, 'no robots.txt: 304 without a usable http(s) Location'],
  ])('treats every 3xx as a redirect: %i to %s', async (code, location, expected) => {
    const s = await site({
      '/robots.txt': (_req, res) => res.writeHead(code, location === undefined ? {} : { location }).end(),
      '/rules.txt': text('User-agent: *\nDisallow: /\n'),
    });
    const rules = await cache().rulesFor(s.origin);
    expect(rules.source === 'file' ? rules.source : rules.reason).toBe(expected);
  });

  it('decodes a compressed robots.txt and drops its byte order mark', async () => {
    const body = zlib.gzipSync('\uFEFFUser-agent: *\nDisallow: /private\n');
    const s = await site({ '/robots.txt': (_req, res) => res.writeHead(200, { 'content-type': 'text/plain', 'content-encoding': 'gzip' }).end(body) });
    const urls = [`${s.origin}/private/1`, `${s.origin}/open`];
    expect(await cache().check(urls)).toMatchObject({ allowed: [urls[1]], disallowed: [urls[0]] });
  });

  it('reads at most maxBytes of robots.txt', async () => {
    const body = `User-agent: *\nDisallow: /early\n#${'x'.repeat(2000)}\nDisallow: /late\n`;
    const s = await site({ '/robots.txt': text(body) });
    const urls = [`${s.origin}/early`, `${s.origin}/late`];
    expect(await cache({ maxBytes: 1024 }).check(urls)).toMatchObject({ allowed: [urls[1]], disallowed: [urls[0]] });
    expect(await cache().check(urls)).toMatchObject({ allowed: [], disallowed: urls });
  });

  it('passes URLs it cannot read through as allowed, without fetching anything', async () => {
    const robots = cache();
    expect(await robots.check(['not a url', 'ftp://x.test/f'])).toStrictEqual({
      allowed: ['not a url', 'ftp://x.test/f'],
      disallowed: [],
      crawlDelayMs: new Map(),
      disallowAll: new Map(),
    });
    expect(robots.fetches).toBe(0);
  });
});

describe('robots.txt and the SSRF guard', () => {
  it('does not fetch robots.txt from a private address without allowPrivate, and leaves the URLs to the worker', async () => {
    const s = await site({ '/robots.txt': text('User-agent: *\nDisallow: /\n') });
    const robots = new RobotsCache({ userAgent: 'fanout/9.9' });
    caches.push(robots);

    const result = await robots.check([`${s.origin}/page`]);

    expect(result.allowed).toStrictEqual([`${s.origin}/page`]);
    expect((await robots.rulesFor(s.origin)).reason).toContain('blocked');
    expect(s.requests).toHaveLength(0);
  });

  it('uses the dispatcher it is given', async () => {
    const s = await site({ '/robots.txt': text('User-agent: *\nDisallow: /\n') });
    const agent = new Agent({ connect: createGuardedConnector({ allowPrivate: true }) });
    const robots = new RobotsCache({ dispatcher: agent });
    const result = await robots.check([`${s.origin}/page`]);
    await robots.close(); // must leave the caller's agent open
    expect(result.disallowed).toStrictEqual([`${s.origin}/page`]);
    expect(agent.closed).toBe(false);
    await agent.close();
  });
});

describe('robotsDisallowedOutcome', () => {
  it('is a valid failure outcome naming the robots.txt, with no attempt', () => {
    const outcome = robotsDisallowedOutcome('https://a.test:8443/private/x?q=1');
    expect(outcome).toStrictEqual({
      url: 'https://a.test:8443/private/x?q=1',
      ok: false,
      error: { kind: 'robots-disallowed', message: 'disallowed by https://a.test:8443/robots.txt' },
      attempts: 0,
    });
    expect(FailureOutcomeSchema.parse(outcome)).toStrictEqual(outcome);
  });
});

describe('productToken', () => {
  it.each([
    ['fanout/0.1.0 (+https://github.com/fanout-scraper/fanout)', 'fanout'],
    ['Fanout', 'fanout'],
    ['My-Bot_2/1.0 (compatible)', 'my-bot_'],
    ['Mozilla/5.0 (compatible; fanout/1.0)', 'mozilla'],
    ['  ', 'fanout'],
  ])('%j -> %s', (userAgent, token) => expect(productToken(userAgent)).toBe(token));
});
