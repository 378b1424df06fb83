/**
 * The SSRF guard as wired into the worker (agent.ts -> ssrf-guard.ts), on by default: loopback in
 * every spelling is refused before a socket opens, as a `blocked` record, never retried; redirect
 * hops are checked too; and the CLI gives the same record. Real servers on loopback, no mocks.
 * A "public" host is played by 127.0.0.2 through the worker's test-only connect seam
 * (setConnectSeamsForTests), since loopback is the only thing a test may reach.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { closeAgents, setConnectSeamsForTests } from '../../http/agent';
import type { FailureOutcome, Outcome, ScrapeOptionsInput } from '../../core/contract';
import { scrapeChunk } from '../../functions/worker/scrape-chunk';
import { runCli } from '../cli/run-cli';
import { canListenOnIpv6Loopback } from '../helpers/ipv6-loopback';

const itWithIpv6 = canListenOnIpv6Loopback ? it : it.skip;

interface CountingServer {
  port: number;
  connections: number;
  requests: string[];
  close(): Promise<void>;
}

async function listen(host: string, handler: http.RequestListener = (_q, res) => res.end('<title>reached</title>')): Promise<CountingServer> {
  const server = http.createServer((req, res) => {
    counting.requests.push(req.url ?? '/');
    handler(req, res);
  });
  server.on('connection', () => counting.connections++);
  await new Promise<void>((resolve, reject) => server.once('error', reject).listen(0, host, resolve));
  const counting: CountingServer = {
    port: (server.address() as AddressInfo).port,
    connections: 0,
    requests: [],
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
  return counting;
}

async function scrapeOne(url: string, options: ScrapeOptionsInput = {}): Promise<Outcome> {
  const { outcomes } = await scrapeChunk([url], { timeoutMs: 2_000, ...options });
  expect(outcomes).toHaveLength(1);
  return outcomes[0]!;
}

let loopback: CountingServer;
beforeEach(async () => {
  loopback = await listen('127.0.0.1');
});
afterEach(() => loopback.close());
afterAll(() => closeAgents());

describe('the worker blocks loopback by default', () => {
  it.each([
    ['127.0.0.1', /^blocked: 127\.0\.0\.1 is a loopback address \(SSRF guard\); pass --allow-private/],
    ['localhost', /^blocked: localhost resolves to (127\.0\.0\.1|::1), a loopback address/],
    ['[::ffff:127.0.0.1]', /^blocked: ::ffff:7f00:1 is IPv4-mapped 127\.0\.0\.1, a loopback address/],
    ['2130706433', /^blocked: 127\.0\.0\.1 is a loopback address/],
    ['0x7f.1', /^blocked: 127\.0\.0\.1 is a loopback address/],
  ])('http://%s:PORT/ is blocked after one attempt, and the server sees no connection', async (host, message) => {
    const outcome = await scrapeOne(`http://${host}:${loopback.port}/`, { retries: 3 });
    expect(outcome).toStrictEqual({
      url: `http://${host}:${loopback.port}/`,
      ok: false,
      error: { kind: 'blocked', message: expect.stringMatching(message) },
      attempts: 1,
      ms: expect.any(Number),
    });
    expect(loopback.connections).toBe(0);
  });

  itWithIpv6('http://[::1]:PORT/ is blocked (needs IPv6 loopback; skipped without it)', async () => {
    const v6 = await listen('::1');
    try {
      const outcome = (await scrapeOne(`http://[::1]:${v6.port}/`)) as FailureOutcome;
      expect(outcome).toMatchObject({ ok: false, error: { kind: 'blocked', message: expect.stringMatching(/^blocked: ::1 is a loopback address/) }, attempts: 1 });
      expect(v6.connections).toBe(0);
    } finally {
      await v6.close();
    }
  });

  it('lets the same URL through with allowPrivate (control: the block is the guard, not the server)', async () => {
    const outcome = await scrapeOne(`http://127.0.0.1:${loopback.port}/`, { allowPrivate: true });
    expect(outcome).toMatchObject({ ok: true, title: 'reached' });
    expect(loopback.requests).toStrictEqual(['/']);
  });
});

describe('every redirect hop is checked at connect time', () => {
  let publicStandIn: CountingServer;
  let target: CountingServer;
  beforeAll(() => setConnectSeamsForTests({ isAllowed: (ip) => ip === '127.0.0.2' }));
  afterAll(() => setConnectSeamsForTests({}));
  beforeEach(async () => {
    target = await listen('127.0.0.3');
    publicStandIn = await listen('127.0.0.2', (req, res) => {
      if (req.url === '/to-private') res.writeHead(302, { location: `http://127.0.0.3:${target.port}/secret` }).end();
      else if (req.url === '/to-loopback-name') res.writeHead(301, { location: `http://localhost:${loopback.port}/` }).end();
      else if (req.url === '/to-self') res.writeHead(302, { location: '/landing' }).end();
      else res.end('<title>public page</title>');
    });
  });
  afterEach(() => Promise.all([publicStandIn.close(), target.close()]));

  it.each(['/to-private', '/to-loopback-name'])('%s: the first hop is fetched, the private hop is blocked', async (path) => {
    const outcome = await scrapeOne(`http://127.0.0.2:${publicStandIn.port}${path}`, { retries: 2 });
    expect(outcome).toMatchObject({ ok: false, error: { kind: 'blocked' }, attempts: 1 });
    expect(publicStandIn.requests).toStrictEqual([path]);
    expect([target.connections, loopback.connections]).toStrictEqual([0, 0]);
  });

  it('follows a redirect between allowed addresses (control)', async () => {
    const outcome = await scrapeOne(`http://127.0.0.2:${publicStandIn.port}/to-self`);
    expect(outcome).toMatchObject({ ok: true, title: 'public page', finalUrl: `http://127.0.0.2:${publicStandIn.port}/landing` });
  });
});

describe('the CLI', () => {
  it('`fanout run - --quiet` writes a blocked record for a loopback URL and never connects', async () => {
    const url = `http://127.0.0.1:${loopback.port}/`;
    const { code, stdout, stderr } = await runCli(['run', '-', '--quiet'], { input: `${url}\n` });
    expect({ code, stderr }).toStrictEqual({ code: 0, stderr: '' });
    expect(JSON.parse(stdout)).toMatchObject({
      url,
      ok: false,
      error: { kind: 'blocked', message: expect.stringContaining('pass --allow-private') },
      attempts: 1,
    });
    expect(loopback.connections).toBe(0);
  }, 20_000);
});
