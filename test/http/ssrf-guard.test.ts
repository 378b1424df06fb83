/**
 * The SSRF guard, against real sockets on loopback. Loopback is the only non-public address a test
 * may reach, so "public" hosts are played by 127.0.0.2 through an `isAllowed` predicate, and DNS
 * answers come from a resolver passed in through the guard's `lookup` seam (no mock of the network).
 */
import dns from 'node:dns';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Agent, interceptors, request } from 'undici';
import {
  BlockedAddressError,
  classifyHostLiteral,
  createGuardedConnector,
  createGuardedLookup,
  findBlockedAddressError,
  isPublicAddress,
  type LookupFunction,
} from '../../http/ssrf-guard';
import { canListenOnIpv6Loopback } from '../helpers/ipv6-loopback';

const itWithIpv6 = canListenOnIpv6Loopback ? it : it.skip;

interface CountingServer {
  port: number;
  /** TCP connections accepted: zero means not one byte reached the server. */
  connections: number;
  requests: number;
  close(): Promise<void>;
}

/** A server on any loopback address (test/helpers/http-server.ts binds only 127.0.0.1). */
async function listen(host: string, handler: http.RequestListener, port = 0): Promise<CountingServer> {
  const server = http.createServer((req, res) => {
    counting.requests += 1;
    handler(req, res);
  });
  server.on('connection', () => (counting.connections += 1));
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, resolve);
  });
  const counting: CountingServer = {
    port: (server.address() as AddressInfo).port,
    connections: 0,
    requests: 0,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
  return counting;
}

const ok: http.RequestListener = (_req, res) => res.end('ok');

/** A resolver that answers from a table, in the `dns.lookup` shapes net uses. */
function fakeResolver(answer: (hostname: string) => string[]): LookupFunction {
  return (hostname, options, callback) => {
    const addresses = answer(hostname).map((address) => ({ address, family: address.includes(':') ? 6 : 4 }));
    if (options.all) callback(null, addresses);
    else callback(null, addresses[0]!.address, addresses[0]!.family);
  };
}

describe('isPublicAddress', () => {
  it.each([
    '8.8.8.8',
    '1.1.1.1',
    '2606:4700:4700::1111',
    '::ffff:8.8.8.8',
    '64:ff9b::808:808', // NAT64 of a public address
    '2002:808:808::1', // 6to4 of a public address
  ])('%s is public', (ip) => expect(isPublicAddress(ip)).toBe(true));

  it.each([
    ['127.0.0.1', 'loopback'],
    ['127.255.255.254', 'loopback'],
    ['10.0.0.1', 'RFC 1918'],
    ['172.16.0.1', 'RFC 1918'],
    ['192.168.1.1', 'RFC 1918'],
    ['169.254.169.254', 'cloud metadata (link-local)'],
    ['100.64.0.1', 'CGNAT'],
    ['0.0.0.0', 'unspecified (reaches this host on Linux)'],
    ['224.0.0.1', 'multicast'],
    ['255.255.255.255', 'broadcast'],
    ['240.0.0.1', 'reserved'],
    ['192.0.2.1', 'documentation'],
    ['::1', 'IPv6 loopback'],
    ['::', 'IPv6 unspecified'],
    ['fe80::1', 'IPv6 link-local'],
    ['fe80::1%eth0', 'IPv6 link-local with zone'],
    ['fc00::1', 'unique-local'],
    ['fd12:3456::1', 'unique-local'],
    ['ff02::1', 'IPv6 multicast'],
    ['::ffff:127.0.0.1', 'IPv4-mapped loopback'],
    ['::ffff:7f00:1', 'IPv4-mapped loopback, hex'],
    ['::ffff:169.254.169.254', 'IPv4-mapped metadata'],
    ['64:ff9b::7f00:1', 'NAT64 of loopback'],
    ['64:ff9b:1::808:808', 'local-use NAT64'],
    ['2002:7f00:1::', '6to4 of loopback'],
    ['2001:0:4136:e378:8000:63bf:80ff:fffe', 'Teredo'],
    ['::127.0.0.1', 'deprecated IPv4-compatible'],
    ['2001:db8::1', 'documentation'],
    ['2130706433', 'decimal spelling of 127.0.0.1'],
    ['0x7f.1', 'hex short form of 127.0.0.1'],
    ['0177.0.0.1', 'octal spelling of 127.0.0.1'],
    ['[::1]', 'bracketed IPv6 loopback'],
    ['example.com', 'not an address at all'],
    ['', 'empty'],
  ])('%s is not public (%s)', (ip) => expect(isPublicAddress(ip)).toBe(false));
});

describe('classifyHostLiteral', () => {
  it.each([
    ['127.0.0.1', { kind: 'ip', family: 4, address: '127.0.0.1' }],
    ['2130706433', { kind: 'ip', family: 4, address: '127.0.0.1' }],
    ['0x7f.1', { kind: 'ip', family: 4, address: '127.0.0.1' }],
    ['0x7f000001', { kind: 'ip', family: 4, address: '127.0.0.1' }],
    ['0177.0.0.1', { kind: 'ip', family: 4, address: '127.0.0.1' }],
    ['127.1', { kind: 'ip', family: 4, address: '127.0.0.1' }],
    ['[::1]', { kind: 'ip', family: 6, address: '::1' }],
    ['::ffff:127.0.0.1', { kind: 'ip', family: 6, address: '::ffff:7f00:1' }],
    ['localhost', { kind: 'name', name: 'localhost' }],
    ['example.com', { kind: 'name', name: 'example.com' }],
  ])('%s', (hostname, expected) => expect(classifyHostLiteral(hostname)).toStrictEqual(expected));

  it('agrees with WHATWG URL, which already canonicalises the legacy IPv4 spellings', () => {
    for (const spelling of ['2130706433', '0x7f.1', '0177.0.0.1', '127.1', '0x7f000001']) {
      const { hostname } = new URL(`http://${spelling}/`);
      expect(hostname).toBe('127.0.0.1');
      expect(classifyHostLiteral(spelling)).toStrictEqual(classifyHostLiteral(hostname));
    }
  });
});

describe('createGuardedLookup', () => {
  const lookup = (fn: LookupFunction, host: string, all: boolean) =>
    new Promise<unknown>((resolve, reject) => fn(host, { all }, (err, address, family) => (err ? reject(err) : resolve(all ? address : { address, family }))));

  it('blocks a name if any of its addresses is not public', async () => {
    const guarded = createGuardedLookup({ lookup: fakeResolver(() => ['8.8.8.8', '10.0.0.7']) });
    for (const all of [true, false]) {
      const error = await lookup(guarded, 'mixed.test', all).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(BlockedAddressError);
      expect(error).toMatchObject({ code: 'FANOUT_BLOCKED', host: 'mixed.test', address: '10.0.0.7' });
    }
  });

  it('passes public answers through in both the all and single-address forms', async () => {
    const guarded = createGuardedLookup({ lookup: fakeResolver(() => ['8.8.8.8', '2606:4700:4700::1111']) });
    await expect(lookup(guarded, 'public.test', true)).resolves.toStrictEqual([
      { address: '8.8.8.8', family: 4 },
      { address: '2606:4700:4700::1111', family: 6 },
    ]);
    await expect(lookup(guarded, 'public.test', false)).resolves.toStrictEqual({ address: '8.8.8.8', family: 4 });
  });

  it('blocks localhost through the system resolver and passes its DNS errors on', async () => {
    await expect(lookup(createGuardedLookup(), 'localhost', false)).rejects.toBeInstanceOf(BlockedAddressError);
    const failing: LookupFunction = (_h, _o, cb) => cb(Object.assign(new Error('nope'), { code: dns.NOTFOUND }), '');
    await expect(lookup(createGuardedLookup({ lookup: failing }), 'x.test', true)).rejects.toMatchObject({
      code: dns.NOTFOUND,
    });
  });
});

describe('createGuardedConnector with a real undici Agent', () => {
  let v4: CountingServer;
  beforeEach(async () => {
    v4 = await listen('127.0.0.1', ok);
  });
  afterEach(() => v4.close());

  const spellings = ['127.0.0.1', 'localhost', '[::ffff:127.0.0.1]', '2130706433', '0x7f.1', '0177.0.0.1', '127.1'];

  it.each(spellings)('blocks http://%s/ without opening a connection', async (host) => {
    const agent = new Agent({ connect: createGuardedConnector() });
    const error = await request(`http://${host}:${v4.port}/`, { dispatcher: agent }).catch((e: unknown) => e);
    await agent.close();
    expect(error).toBeInstanceOf(BlockedAddressError);
    expect(findBlockedAddressError(new TypeError('fetch failed', { cause: error }))).toBe(error);
    expect(v4.connections).toBe(0);
  });

  it.each(spellings)('lets http://%s/ through when allowPrivate is on', async (host) => {
    const agent = new Agent({ connect: createGuardedConnector({ allowPrivate: true }) });
    const response = await request(`http://${host}:${v4.port}/`, { dispatcher: agent });
    const body = await response.body.text();
    await agent.close();
    expect([response.statusCode, body, v4.requests]).toStrictEqual([200, 'ok', 1]);
  });

  it.each(['2130706433', '0x7f.1', '0177.0.0.1', '127.1'])('checks the unparsed host %s when called directly, not through a WHATWG URL', async (hostname) => {
    const connect = createGuardedConnector();
    const error = await new Promise((resolve) => connect({ hostname, protocol: 'http:', port: String(v4.port) }, (...args) => resolve(args[0])));
    expect(error).toMatchObject({ name: 'BlockedAddressError', address: '127.0.0.1' });
    expect(v4.connections).toBe(0);
  });

  itWithIpv6('blocks [::1] (needs IPv6 loopback; skipped without it)', async () => {
    const v6 = await listen('::1', ok);
    const guarded = new Agent({ connect: createGuardedConnector() });
    const open = new Agent({ connect: createGuardedConnector({ allowPrivate: true }) });
    try {
      await expect(request(`http://[::1]:${v6.port}/`, { dispatcher: guarded })).rejects.toBeInstanceOf(BlockedAddressError);
      expect(v6.connections).toBe(0);
      const response = await request(`http://[::1]:${v6.port}/`, { dispatcher: open });
      expect(await response.body.text()).toBe('ok');
    } finally {
      await Promise.all([guarded.close(), open.close(), v6.close()]);
    }
  });
});

describe('the guard is at connect time', () => {
  // 127.0.0.2 stands in for a public host; 127.0.0.3 is the private target.
  const standInIsPublic = (ip: string) => ip === '127.0.0.2';
  let publicStandIn: CountingServer;
  let target: CountingServer;
  beforeEach(async () => {
    target = await listen('127.0.0.3', ok);
    publicStandIn = await listen('127.0.0.2', (req, res) => {
      if (req.url === '/jump') res.writeHead(302, { location: `http://127.0.0.3:${target.port}/secret` }).end();
      else res.end('ok');
    });
  });
  afterEach(() => Promise.all([publicStandIn.close(), target.close()]));

  it('blocks a redirect hop to a non-public address', async () => {
    const agent = new Agent({ connect: createGuardedConnector({ isAllowed: standInIsPublic }) });
    const dispatcher = agent.compose(interceptors.redirect({ maxRedirections: 3 }));
    const error = await request(`http://127.0.0.2:${publicStandIn.port}/jump`, { dispatcher }).catch((e) => e);
    await agent.close();
    expect(error).toMatchObject({ name: 'BlockedAddressError', address: '127.0.0.3' });
    expect([publicStandIn.requests, target.connections]).toStrictEqual([1, 0]);
  });

  it('follows the same redirect when the target is allowed (control)', async () => {
    const agent = new Agent({ connect: createGuardedConnector({ isAllowed: () => true }) });
    const dispatcher = agent.compose(interceptors.redirect({ maxRedirections: 3 }));
    const response = await request(`http://127.0.0.2:${publicStandIn.port}/jump`, { dispatcher });
    expect(await response.body.text()).toBe('ok');
    await agent.close();
    expect(target.requests).toBe(1);
  });

  it('catches DNS rebinding: a name that resolved public is checked again on the next connection', async () => {
    const answers = ['127.0.0.2', '127.0.0.3'];
    const lookup = fakeResolver(() => [answers.shift() ?? '127.0.0.3']);
    const agent = new Agent({ connect: createGuardedConnector({ isAllowed: standInIsPublic, lookup }) });
    const url = `http://rebind.test:${publicStandIn.port}/`;
    // `reset: true` closes the connection after the response, so the second request must reconnect.
    const first = await request(url, { dispatcher: agent, reset: true });
    expect(await first.body.text()).toBe('ok');
    const error = await request(url, { dispatcher: agent }).catch((e: unknown) => e);
    await agent.close();
    expect(error).toMatchObject({ name: 'BlockedAddressError', host: 'rebind.test', address: '127.0.0.3' });
    expect(target.connections).toBe(0);
  });
});
