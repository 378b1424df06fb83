import { RedirectCookies } from '../../http/redirect-cookies';
import { scrapeChunk } from '../../functions/worker/scrape-chunk';
import { closeAgents } from '../../http/agent';
import { startServer, type TestServer } from '../helpers/http-server';

describe("RedirectCookies (one chain's jar)", () => {
  test.each([
    ['host-only cookie goes back to the same host', 'a.test', ['s=1; Path=/'], 'a.test', 's=1'],
    ['host-only cookie does not go to a subdomain', 'a.test', ['s=1'], 'www.a.test', undefined],
    ['Domain cookie goes to subdomains', 'www.a.test', ['s=1; Domain=.a.test'], 'shop.a.test', 's=1'],
    ['a server cannot set a cookie for another site', 'evil.test', ['s=1; Domain=a.test'], 'a.test', undefined],
    ['Max-Age=0 deletes', 'a.test', ['s=1', 's=; Max-Age=0'], 'a.test', undefined],
    ['a past Expires deletes', 'a.test', ['s=1', 's=gone; Expires=Thu, 01 Jan 1970 00:00:00 GMT'], 'a.test', undefined],
    ['several cookies join with "; "', 'a.test', ['a=1', 'b=2; HttpOnly'], 'a.test', 'a=1; b=2'],
    ['a later value replaces an earlier one', 'a.test', ['a=1', 'a=2'], 'a.test', 'a=2'],
    ['values may hold "="', 'a.test', ['t=x=y'], 'a.test', 't=x=y'],
    ['a line without a name is ignored', 'a.test', ['=v', 'novalue'], 'a.test', undefined],
  ])('%s', (_name, from, lines, to, expected) => {
    const jar = new RedirectCookies();
    for (const line of lines) jar.store(from, line);
    expect(jar.headerFor(to)).toBe(expected);
  });

  test('holds at most 50 cookies, however many a server sets', () => {
    const jar = new RedirectCookies();
    jar.store(
      'a.test',
      Array.from({ length: 500 }, (_, i) => `c${i}=v`),
    );
    expect(jar.headerFor('a.test')?.split('; ')).toHaveLength(50);
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
