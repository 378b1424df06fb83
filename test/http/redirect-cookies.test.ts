import { RedirectCookies } from '../../http/redirect-cookies';
import { scrapeChunk } from '../../functions/worker/scrape-chunk';
import { closeAgents } from '../../http/agent';
import { startServer, type TestServer } from '../helpers/http-server';

const at = (url: string) => new URL(url);

describe("RedirectCookies (one chain's jar)", () => {
  test.each([
    ['host-only cookie goes back to the same host', 'http://a.test/', ['s=1; Path=/'], 'http://a.test/', 's=1'],
    ['host-only cookie does not go to a subdomain', 'http://a.test/', ['s=1'], 'http://www.a.test/', undefined],
    ['Domain cookie goes to subdomains', 'http://www.a.test/', ['s=1; Domain=.a.test'], 'http://shop.a.test/', 's=1'],
    ['a server cannot set a cookie for another site', 'http://evil.test/', ['s=1; Domain=a.test'], 'http://a.test/', undefined],
    ['Max-Age=0 deletes', 'http://a.test/', ['s=1', 's=; Max-Age=0'], 'http://a.test/', undefined],
    ['a past Expires deletes', 'http://a.test/', ['s=1', 's=gone; Expires=Thu, 01 Jan 1970 00:00:00 GMT'], 'http://a.test/', undefined],
    ['several cookies join with "; "', 'http://a.test/', ['a=1', 'b=2; HttpOnly'], 'http://a.test/', 'a=1; b=2'],
    ['a later value replaces an earlier one', 'http://a.test/', ['a=1', 'a=2'], 'http://a.test/', 'a=2'],
    ['values may hold "="', 'http://a.test/', ['t=x=y'], 'http://a.test/', 't=x=y'],
    ['a line without a name is ignored', 'http://a.test/', ['=v', 'novalue'], 'http://a.test/', undefined],
  ])('%s', (_name, from, lines, to, expected) => {
    const jar = new RedirectCookies();
    for (const line of lines) jar.store(at(from), line);
    expect(jar.headerFor(at(to))).toBe(expected);
  });

  // RFC 6265 section 5.3 step 5: a Domain attribute that is a public suffix is refused, unless it
  // is the request host itself, when the cookie becomes host-only. The list's private section
  // (github.io, ...) counts, as in browsers: its sites are as separate as any two .com sites.
  test.each([
    ['Domain=com', 'http://www.example.com/', 'http://other.com/'],
    ['Domain=.com', 'http://www.example.com/', 'http://www.example.com/'],
    ['Domain=co.uk', 'http://shop.example.co.uk/', 'http://evil.co.uk/'],
    ['Domain=github.io', 'http://me.github.io/', 'http://you.github.io/'],
    ['Domain=test', 'http://a.test/', 'http://b.test/'],
  ])('%s is a public suffix: the cookie is refused (set by %s, asked for by %s)', (attribute, from, to) => {
    const jar = new RedirectCookies();
    jar.store(at(from), `s=1; ${attribute}`);
    expect([jar.headerFor(at(to)), jar.headerFor(at(from))]).toStrictEqual([undefined, undefined]);
  });

  test('a Domain that is a public suffix and the host itself makes a host-only cookie', () => {
    const jar = new RedirectCookies();
    jar.store(at('http://localhost/'), 's=1; Domain=localhost');
    expect([jar.headerFor(at('http://localhost/')), jar.headerFor(at('http://app.localhost/'))]).toStrictEqual(['s=1', undefined]);
  });

  test('an IP host matches its own address only, never a "parent" of it', () => {
    const jar = new RedirectCookies();
    jar.store(at('http://127.0.0.1/'), 'a=1; Domain=0.0.1');
    jar.store(at('http://127.0.0.1/'), 'b=2; Domain=127.0.0.1');
    expect(jar.headerFor(at('http://127.0.0.1/'))).toBe('b=2');
  });

  // RFC 6265 section 5.4 step 1: a secure-only cookie goes only to a secure scheme.
  test.each([
    ['set over https', 'https://a.test/'],
    ['set over http', 'http://a.test/'],
  ])('a Secure cookie %s goes to https only', (_name, from) => {
    const jar = new RedirectCookies();
    jar.store(at(from), ['s=1; Secure; Path=/', 'plain=2']);
    expect([jar.headerFor(at('https://a.test/')), jar.headerFor(at('http://a.test/'))]).toStrictEqual(['s=1; plain=2', 'plain=2']);
  });

  test('holds at most 50 cookies, however many a server sets', () => {
    const jar = new RedirectCookies();
    jar.store(
      at('http://a.test/'),
      Array.from({ length: 500 }, (_, i) => `c${i}=v`),
    );
    expect(jar.headerFor(at('http://a.test/'))?.split('; ')).toHaveLength(50);
  });
});

describe('redirect chains with cookies (loopback server)', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startServer((req, res) => {
      const hasSession = /(^|; )session=ok/.test(req.headers.cookie ?? '');
      if (req.url === '/gate') {
        // "Set a cookie and come back": the same URL again, which is only a loop without cookies.
        if (hasSession) res.writeHead(200, { 'content-type': 'text/html' }).end('<title>inside</title>');
        else res.writeHead(302, { location: '/gate', 'set-cookie': 'session=ok; Path=/; HttpOnly' }).end();
      } else if (req.url === '/secure-gate') {
        // The cookie is Secure and this is http: a browser would not send it back, so neither do we.
        if (/(^|; )s=ok/.test(req.headers.cookie ?? '')) res.writeHead(200, { 'content-type': 'text/html' }).end('<title>inside</title>');
        else res.writeHead(302, { location: '/secure-gate', 'set-cookie': 's=ok; Secure' }).end();
      } else if (req.url === '/always') {
        res.writeHead(302, { location: '/always', 'set-cookie': 'session=ok' }).end();
      } else {
        res.writeHead(404).end();
      }
    });
  });
  afterAll(async () => {
    await closeAgents();
    await server.close();
  });

  test('a page that sets a cookie and redirects to itself is reached', async () => {
    const { outcomes } = await scrapeChunk([`${server.origin}/gate`], { allowPrivate: true, retries: 0 });
    expect(outcomes[0]).toMatchObject({ ok: true, status: 200, title: 'inside', finalUrl: `${server.origin}/gate` });
    expect(server.requests.filter((r) => r.path === '/gate').map((r) => r.headers.cookie)).toStrictEqual([undefined, 'session=ok']);
  });

  test('a Secure cookie is not sent back over http, so its gate is a loop', async () => {
    const { outcomes } = await scrapeChunk([`${server.origin}/secure-gate`], { allowPrivate: true, retries: 0 });
    expect(outcomes[0]).toMatchObject({ ok: false, error: { kind: 'redirect-loop' }, attempts: 1 });
    expect(server.requests.filter((r) => r.path === '/secure-gate').map((r) => r.headers.cookie)).toStrictEqual([undefined]);
  });

  test('a real loop is still a loop once the cookie changes nothing', async () => {
    const { outcomes } = await scrapeChunk([`${server.origin}/always`], { allowPrivate: true, retries: 0 });
    expect(outcomes[0]).toMatchObject({ ok: false, error: { kind: 'redirect-loop' }, attempts: 1 });
    expect(server.requests.filter((r) => r.path === '/always')).toHaveLength(2);
  });

  test("cookies do not leak from one URL's chain to the next URL", async () => {
    server.requests.length = 0;
    await scrapeChunk([`${server.origin}/gate`, `${server.origin}/gate?second`], { allowPrivate: true, retries: 0, concurrency: 1 });
    const firstHops = server.requests.filter((r) => r.path.startsWith('/gate')).map((r) => [r.path, r.headers.cookie]);
    expect(firstHops).toContainEqual(['/gate?second', undefined]);
  });
});
