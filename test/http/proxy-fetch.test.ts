/**
 * The fetch path through real forward proxies on loopback (test/helpers/forward-proxy.ts): CONNECT
 * tunnels with the URL's credentials, failover and benching in a pool, what is and is not blamed on
 * a proxy, the SSRF guard's two halves (visible targets, the proxy's own address), the standard
 * environment with NO_PROXY, and https through a tunnel.
 */
import fs from 'node:fs';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import type { ProxySettingsInput } from '../../core/proxy';
import { closeAgents, setConnectSeamsForTests } from '../../http/agent';
import type { FetchError } from '../../http/fetch-error';
import { fetchPage, pageDispatcher, type FetchOptions } from '../../http/fetch-page';
import { ProxyPool } from '../../http/proxy-pool';
import { deadProxyUrl, startForwardProxy, type ForwardProxy } from '../helpers/forward-proxy';
import { startServer, type TestServer } from '../helpers/http-server';
import { ScrapeOptionsSchema } from '../../core/contract';

let site: TestServer;
const proxies: ForwardProxy[] = [];

async function proxy(options?: Parameters<typeof startForwardProxy>[0]): Promise<ForwardProxy> {
  const started = await startForwardProxy(options);
  proxies.push(started);
  return started;
}

/** Fetch options for `proxy` settings, as a worker would parse them from its event. */
function optionsFor(proxySettings: ProxySettingsInput | undefined, overrides: Partial<FetchOptions> = {}): FetchOptions {
  return { ...ScrapeOptionsSchema.parse({ proxy: proxySettings, allowPrivate: true, allowPrivateProxy: true, timeoutMs: 5_000 }), ...overrides };
}

/** Fetches `urls` one after another through a pool of `urls` proxies; each result or the error's kind. */
async function fetchAllThrough(pool: ProxyPool, urls: string[], overrides: Partial<FetchOptions> = {}) {
  const options = optionsFor({ mode: 'pool', proxies: [...pool.urls] }, overrides);
  const dispatcher = pageDispatcher(options, pool);
  const results = [];
  for (const url of urls) {
    try {
      const page = await fetchPage(new URL(url), options, undefined, dispatcher);
      results.push({ ok: true, status: page.status, proxy: page.proxy });
    } catch (err) {
      const error = err as FetchError;
      results.push({ ok: false, kind: error.kind, status: error.status, message: error.message, proxy: error.details.proxy });
    }
  }
  return results;
}

beforeAll(async () => {
  // Every answer closes its connection, so every request needs a tunnel of its own: exact counts.
  site = await startServer((req, res) =>
    res.writeHead(req.url === '/missing' ? 404 : 200, { 'content-type': 'text/html', connection: 'close' }).end(`<title>${req.url}</title>`),
  );
});
afterEach(async () => {
  await closeAgents();
  await Promise.all(proxies.splice(0).map((p) => p.close()));
});
afterAll(() => site.close());

describe('fetching through a pool of proxies', () => {
  test('a tunnel per request, with the credentials of the proxy URL; the page names the proxy, password redacted', async () => {
    const live = await proxy({ credentials: { user: 'ann', password: 'pa:ss@word' } });
    const pool = new ProxyPool([live.urlWith('ann', 'pa:ss@word')]);

    const results = await fetchAllThrough(pool, [`${site.origin}/a`, `${site.origin}/b`]);

    const label = `http://ann:***@127.0.0.1:${live.port}`;
    expect(results).toStrictEqual([
      { ok: true, status: 200, proxy: label },
      { ok: true, status: 200, proxy: label },
    ]);
    expect(live.authorizations).toStrictEqual(['ann:pa:ss@word', 'ann:pa:ss@word']);
    expect(live.tunnels).toStrictEqual(new Map([[`127.0.0.1:${site.port}`, 2]]));
    expect(live.plainRequests()).toBe(0);
  });

  test('a dead proxy costs no page: the request goes on through the next one, and after 3 failures it is benched', async () => {
    const live = await proxy();
    const dead = await deadProxyUrl();
    const pool = new ProxyPool([dead, live.url]);

    const results = await fetchAllThrough(
      pool,
      Array.from({ length: 6 }, (_, i) => `${site.origin}/p/${i}`),
    );

    expect(results.map((r) => [r.ok, r.proxy])).toStrictEqual(Array.from({ length: 6 }, () => [true, live.url]));
    expect(pool.stats()).toStrictEqual([
      { proxy: dead, requests: 3, failures: 3, benched: 1, lastError: `could not be reached: connect ECONNREFUSED 127.0.0.1:${new URL(dead).port}` },
      { proxy: live.url, requests: 6, failures: 0, benched: 0 },
    ]);
    expect(live.tunnelCount()).toBe(6);
  });

  test("407 is the proxy's failure: the record says so, with the label and never the password", async () => {
    const strict = await proxy({ credentials: { user: 'ann', password: 'right' } });
    const pool = new ProxyPool([strict.urlWith('ann', 'wrong-pw')]);

    const [result] = await fetchAllThrough(pool, [`${site.origin}/x`]);

    const label = `http://ann:***@127.0.0.1:${strict.port}`;
    expect(result).toStrictEqual({
      ok: false,
      kind: 'proxy',
      status: 407,
      message: `proxy ${label} answered 407 Proxy Authentication Required: check the user and password in its URL`,
      proxy: label,
    });
    expect(pool.stats()[0]).toMatchObject({ requests: 1, failures: 1 });
    expect(site.requests.filter((r) => r.path === '/x')).toHaveLength(0);
  });

  test('a CONNECT refused with 502 is blamed on that proxy only when another one gets through', async () => {
    const refuser = await proxy({ refuse: () => 502 });
    const live = await proxy();
    const pool = new ProxyPool([refuser.url, live.url]);
    expect(await fetchAllThrough(pool, [`${site.origin}/one`])).toStrictEqual([{ ok: true, status: 200, proxy: live.url }]);
    expect(pool.stats().map((s) => s.failures)).toStrictEqual([1, 0]);

    // Every proxy refuses this target: maybe the site is down, so no proxy is blamed, and the record tells.
    const other = await proxy({ refuse: () => 502 });
    const allRefuse = new ProxyPool([refuser.url, other.url]);
    const [result] = await fetchAllThrough(allRefuse, [`${site.origin}/two`]);
    expect(result).toStrictEqual({
      ok: false,
      kind: 'proxy',
      status: 502,
      message: `proxy ${other.url} answered 502 Bad Gateway to CONNECT 127.0.0.1:${site.port}`,
      proxy: other.url,
    });
    expect(allRefuse.stats().map((s) => [s.requests, s.failures])).toStrictEqual([
      [1, 0],
      [1, 0],
    ]);
  });

  test("the site's own failure is no proxy's: a 404 names the proxy that carried it and counts against none", async () => {
    const live = await proxy();
    const pool = new ProxyPool([live.url]);
    expect(await fetchAllThrough(pool, [`${site.origin}/missing`])).toStrictEqual([{ ok: false, kind: 'http', status: 404, message: 'HTTP 404 Not Found', proxy: live.url }]);
    expect(pool.stats()[0]).toStrictEqual({ proxy: live.url, requests: 1, failures: 0, benched: 0 });
  });

  test('a redirect to another host through the tunnel sends that host its own Host header', async () => {
    const hosts: string[] = [];
    const second = await startServer((req, res) => {
      hosts.push(req.headers.host ?? '');
      res.writeHead(200, { 'content-type': 'text/html' }).end('<title>landed</title>');
    });
    const first = await startServer((_req, res) => res.writeHead(302, { location: `http://localhost:${second.port}/landed` }).end());
    try {
      const live = await proxy();
      const results = await fetchAllThrough(new ProxyPool([live.url]), [`${first.origin}/start`]);
      expect(results).toStrictEqual([{ ok: true, status: 200, proxy: live.url }]);
      expect(hosts).toStrictEqual([`localhost:${second.port}`]);
    } finally {
      await Promise.all([first.close(), second.close()]);
    }
  });
});

describe('the SSRF guard through a proxy', () => {
  test.each([
    'http://127.0.0.1:1/',
    'http://2130706433/',
    'http://0x7f.1/',
    'http://[::1]:1/',
    'http://[::ffff:127.0.0.1]/',
    'http://10.0.0.1/',
    'http://169.254.169.254/latest/meta-data/',
    'http://localhost:1/',
    'http://LOCALHOST./',
    'http://app.localhost/',
  ])('%s is refused without allowPrivate, and no proxy is asked', async (url) => {
    const live = await proxy();
    const pool = new ProxyPool([live.url]);

    const [result] = await fetchAllThrough(pool, [url], { allowPrivate: false });

    expect(result).toMatchObject({ ok: false, kind: 'blocked' });
    expect(result?.message).toMatch(/--allow-private /);
    expect(pool.stats()[0]?.requests).toBe(0);
    expect(live.connections()).toBe(0);
  });

  describe('with 127.0.0.2 playing a public host', () => {
    beforeAll(() => setConnectSeamsForTests({ isAllowed: (ip) => ip === '127.0.0.2' }));
    afterAll(() => setConnectSeamsForTests({}));

    test('a proxy on loopback is refused without allowPrivateProxy, before a byte is sent to it', async () => {
      const live = await proxy();
      const [result] = await fetchAllThrough(new ProxyPool([live.url]), [`http://127.0.0.2:${site.port}/`], { allowPrivate: false, allowPrivateProxy: false });
      expect(result).toStrictEqual({
        ok: false,
        kind: 'proxy',
        status: undefined,
        message: `proxy ${live.url} is on a non-public address (127.0.0.1); pass --allow-private-proxy (allowPrivateProxy: true) to use a proxy on a private network`,
        proxy: live.url,
      });
      expect(live.connections()).toBe(0);
    });

    test('allowPrivateProxy lets the proxy be used, and the public target is reached through it', async () => {
      const publicSite = await startServer((_req, res) => res.writeHead(200, { 'content-type': 'text/html' }).end('<title>public</title>'), '127.0.0.2');
      try {
        const live = await proxy();
        const results = await fetchAllThrough(new ProxyPool([live.url]), [`http://127.0.0.2:${publicSite.port}/public`], { allowPrivate: false, allowPrivateProxy: true });
        expect(results).toStrictEqual([{ ok: true, status: 200, proxy: live.url }]);
        expect(live.tunnels).toStrictEqual(new Map([[`127.0.0.2:${publicSite.port}`, 1]]));
      } finally {
        await publicSite.close();
      }
    });
  });
});

describe('the standard environment (EnvHttpProxyAgent with the values the CLI read)', () => {
  async function fetchEnv(settings: ProxySettingsInput, url: string) {
    const options = optionsFor(settings);
    return fetchPage(new URL(url), options);
  }

  test('http pages go through HTTP_PROXY unless NO_PROXY names their host', async () => {
    const envProxy = await proxy();
    const settings: ProxySettingsInput = { mode: 'env', httpProxy: envProxy.url, noProxy: 'localhost' };

    await fetchEnv(settings, `http://127.0.0.1:${site.port}/via-proxy`);
    await fetchEnv(settings, `http://localhost:${site.port}/direct`);

    expect(envProxy.tunnels).toStrictEqual(new Map([[`127.0.0.1:${site.port}`, 1]]));
    expect(site.requests.map((r) => r.path)).toEqual(expect.arrayContaining(['/via-proxy', '/direct']));
  });

  test('NO_PROXY=* sends everything direct', async () => {
    const envProxy = await proxy();
    await fetchEnv({ mode: 'env', httpProxy: envProxy.url, noProxy: '*' }, `http://127.0.0.1:${site.port}/star`);
    expect(envProxy.tunnelCount()).toBe(0);
  });

  test('only the values sent count: a worker never reads its own HTTP_PROXY', async () => {
    const dead = await deadProxyUrl();
    const httpsOnly = await proxy();
    const saved = process.env.http_proxy;
    process.env.http_proxy = dead;
    try {
      const page = await fetchEnv({ mode: 'env', httpsProxy: httpsOnly.url }, `http://127.0.0.1:${site.port}/env-ignored`);
      expect(page.status).toBe(200);
      expect(httpsOnly.tunnelCount()).toBe(0);
    } finally {
      if (saved === undefined) delete process.env.http_proxy;
      else process.env.http_proxy = saved;
    }
  });

  test("the target guard holds through the environment's proxy too", async () => {
    const envProxy = await proxy();
    await expect(fetchPage(new URL('http://localhost:1/'), optionsFor({ mode: 'env', httpProxy: envProxy.url }, { allowPrivate: false }))).rejects.toMatchObject({
      kind: 'blocked',
    });
    expect(envProxy.connections()).toBe(0);
  });
});

describe('https through a CONNECT tunnel', () => {
  const fixture = (name: string) => fs.readFileSync(path.join(__dirname, '..', 'fixtures', name));
  let secure: https.Server;
  let securePort: number;
  let served = 0;
  beforeAll(async () => {
    secure = https.createServer({ key: fixture('tls-selfsigned.key'), cert: fixture('tls-selfsigned.crt') }, (_req, res) => {
      served++;
      res.writeHead(200, { 'content-type': 'text/html' }).end('<title>secure</title>');
    });
    await new Promise<void>((resolve) => secure.listen(0, '127.0.0.1', resolve));
    securePort = (secure.address() as AddressInfo).port;
  });
  afterAll(async () => {
    secure.closeAllConnections();
    await new Promise((resolve) => secure.close(resolve));
  });

  test.each([
    ['a pool', (url: string): ProxySettingsInput => ({ mode: 'pool', proxies: [url] })],
    ['HTTPS_PROXY', (url: string): ProxySettingsInput => ({ mode: 'env', httpsProxy: url })],
    ['HTTP_PROXY alone (undici uses it for https too)', (url: string): ProxySettingsInput => ({ mode: 'env', httpProxy: url })],
  ])('through %s: TLS is end to end, so the self-signed certificate is refused by us, not by the proxy', async (_name, settingsFor) => {
    const tunnel = await proxy();
    const settings = settingsFor(tunnel.url);
    const options = optionsFor(settings);
    const pool = settings.mode === 'pool' ? new ProxyPool(settings.proxies) : undefined;

    const error = await fetchPage(new URL(`https://127.0.0.1:${securePort}/`), options, undefined, pageDispatcher(options, pool)).catch((err: FetchError) => err);

    expect(error).toMatchObject({ kind: 'tls', message: expect.stringMatching(/certificate/i) });
    expect(tunnel.tunnels).toStrictEqual(new Map([[`127.0.0.1:${securePort}`, 1]]));
    expect(served).toBe(0);
  });
});
