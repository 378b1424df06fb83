/**
 * Fetch behaviour end to end: real HTTP servers on 127.0.0.1 (port 0), undici, no mocks.
 * Each case goes through scrapeChunk with one URL, so it asserts the record a user would get.
 */
import type http from 'node:http';
import net from 'node:net';
import zlib from 'node:zlib';
import { closeAgents, setConnectSeamsForTests } from '../../http/agent';
import type { FailureOutcome, Outcome, ScrapeOptionsInput, SuccessOutcome } from '../../core/contract';
import { scrapeChunk } from '../../functions/worker/scrape-chunk';
import { DEFAULT_USER_AGENT } from '../../core/version';
import { startServer, type TestServer } from '../helpers/http-server';

const HTML = '<!doctype html><html><head><title>Hello</title><meta name="description" content="Desc"></head><body><a href="/next">n</a></body></html>';
const PNG = Buffer.from('89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c4890000000d4944415478da63f8cfc0f01f0005000201e2', 'hex');

type Route = (req: http.IncomingMessage, res: http.ServerResponse) => void;

/** The page gzipped `layers` times over (issue 12: 2000 layers, 46 KB, kept a worker busy for 37 s). */
function gzippedTimes(layers: number): Buffer {
  let body = Buffer.from(HTML);
  for (let i = 0; i < layers; i++) body = zlib.gzipSync(body, { level: 0 });
  return body;
}

/**
 * 1 GiB of zeros gzipped twice: 16 gzip members of 64 MiB (1 MB), gzipped again into 2.4 KB. The
 * decoders take in the whole body at once, so the request is complete and its abort reaches nothing,
 * and then inflating takes far longer than 200 ms.
 */
let bomb: Buffer | undefined;
const slowBomb = () => (bomb ??= zlib.gzipSync(Buffer.concat(Array<Buffer>(16).fill(zlib.gzipSync(Buffer.alloc(64 * 1024 * 1024))))));
const routes = new Map<string, Route>();
const hits = new Map<string, number>();
let server: TestServer;
let origin: string;

function hit(path: string): number {
  const n = (hits.get(path) ?? 0) + 1;
  hits.set(path, n);
  return n;
}

const html = (res: http.ServerResponse, body = HTML, headers: http.OutgoingHttpHeaders = {}) =>
  res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', ...headers }).end(body);
const redirect = (res: http.ServerResponse, location: string | undefined, status = 302) => res.writeHead(status, location === undefined ? {} : { location }).end();

beforeAll(async () => {
  server = await startServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0]!;
    hit(path);
    const route = routes.get(path) ?? [...routes.entries()].find(([prefix]) => prefix.endsWith('*') && path.startsWith(prefix.slice(0, -1)))?.[1];
    if (route) route(req, res);
    else res.writeHead(404, { 'content-type': 'text/html' }).end('<title>Not found</title>');
  });
  origin = server.origin;

  routes.set('/ok', (_req, res) => html(res));
  routes.set('/ua', (req, res) => html(res, `<title>${req.headers['user-agent']}</title>`));
  routes.set('/r1', (_req, res) => redirect(res, '/r2', 301));
  routes.set('/r2', (_req, res) => redirect(res, `${origin}/r3`, 303));
  routes.set('/r3', (_req, res) => redirect(res, 'ok#frag', 307));
  routes.set('/loop-a', (_req, res) => redirect(res, '/loop-b'));
  routes.set('/loop-b', (_req, res) => redirect(res, '/loop-a'));
  routes.set('/chain/*', (req, res) => redirect(res, `/chain/${Number(req.url!.split('/')[2]) + 1}`));
  routes.set('/no-location', (_req, res) => redirect(res, undefined));
  routes.set('/to-ftp', (_req, res) => redirect(res, 'ftp://example.com/file'));
  // Node writes header strings as latin1: these are the raw bytes of the UTF-8 '/café' and of latin1 0xE9 alone.
  routes.set('/utf8-location', (_req, res) => redirect(res, Buffer.from('/café?q=ü', 'utf8').toString('latin1')));
  routes.set('/latin1-location', (_req, res) => redirect(res, '/caf\u00e9'));
  routes.set('/caf%C3%A9', (_req, res) => html(res, '<title>café</title>'));
  routes.set('/flaky', (_req, res) => (hit('flaky-count') === 1 ? res.writeHead(503).end('busy') : html(res)));
  routes.set('/always-500', (_req, res) => res.writeHead(500).end());
  routes.set('/throttled', (_req, res) => (hit('throttled-count') === 1 ? res.writeHead(429, { 'retry-after': '1' }).end() : html(res)));
  routes.set('/missing', (_req, res) => res.writeHead(404).end('no'));
  routes.set('/silent', () => undefined); // never answers
  routes.set('/drip', (_req, res) => {
    res.writeHead(200, { 'content-type': 'text/html' });
    const timer = setInterval(() => res.write('x'), 100);
    res.on('close', () => clearInterval(timer));
  });
  routes.set('/big-declared', (_req, res) => res.writeHead(200, { 'content-type': 'text/html', 'content-length': 2_000_000 }).end(Buffer.alloc(2_000_000, 0x20)));
  routes.set('/big-chunked', (_req, res) => {
    res.writeHead(200, { 'content-type': 'text/html' });
    for (let i = 0; i < 40; i++) res.write(Buffer.alloc(64 * 1024, 0x20));
    res.end();
  });
  const bomb = zlib.gzipSync(Buffer.alloc(50 * 1024 * 1024));
  routes.set('/bomb', (_req, res) => res.writeHead(200, { 'content-type': 'text/html', 'content-encoding': 'gzip' }).end(bomb));
  const encoded = { gzip: zlib.gzipSync(HTML), deflate: zlib.deflateSync(HTML), br: zlib.brotliCompressSync(HTML) };
  for (const [coding, body] of Object.entries(encoded)) {
    routes.set(`/enc/${coding}`, (req, res) =>
      html(res, body as unknown as string, { 'content-encoding': coding, 'x-accept-encoding': String(req.headers['accept-encoding']) }),
    );
  }
  routes.set('/bad-gzip', (_req, res) => html(res, 'this is not gzip', { 'content-encoding': 'gzip' }));
  routes.set('/enc/stacked/*', (req, res) => {
    const layers = Number(req.url!.split('/')[3]);
    html(res, gzippedTimes(layers) as unknown as string, { 'content-encoding': Array<string>(layers).fill('gzip').join(', ') });
  });
  routes.set('/enc/slow-bomb', (_req, res) => res.writeHead(200, { 'content-type': 'image/png', 'content-encoding': 'gzip, gzip' }).end(slowBomb()));
  routes.set('/png', (_req, res) => res.writeHead(200, { 'content-type': 'image/png' }).end(PNG));
  routes.set('/untyped-html', (_req, res) => res.end('\n  <!DOCTYPE html><title>Sniffed</title>'));
  routes.set('/untyped-binary', (_req, res) => res.end(PNG));
  routes.set('/empty', (_req, res) => res.writeHead(200, { 'content-type': 'text/html' }).end());
  routes.set('/cp1251', (_req, res) =>
    res
      .writeHead(200, { 'content-type': 'text/html; charset=windows-1251' })
      .end(Buffer.concat([Buffer.from('<title>'), Buffer.from([0xcf, 0xf0, 0xe8, 0xe2, 0xe5, 0xf2]), Buffer.from('</title>')])),
  );
  routes.set('/cut', (_req, res) => {
    res.writeHead(200, { 'content-type': 'text/html', 'content-length': 1000 });
    res.write('<title>cut');
    setTimeout(() => res.socket?.destroy(), 20);
  });
  routes.set('/reset', (req) => req.socket.destroy());
  // Headers past Node's 16 KiB (a long policy, dozens of cookies), as real sites send and browsers take; and past a browser's limit.
  const cookies = (kib: number) => Array.from({ length: kib }, (_, i) => `c${i}=${'v'.repeat(1000)}`);
  routes.set('/big-headers', (_req, res) => html(res, HTML, { 'content-security-policy': `default-src ${"'self' ".repeat(4000)}`, 'set-cookie': cookies(60) }));
  routes.set('/huge-headers', (_req, res) => html(res, HTML, { 'set-cookie': cookies(300) }));
});

afterAll(async () => {
  await server.close();
  await closeAgents();
});

/** Every server here is on loopback, so the SSRF guard is off (test/faults covers it on). */
async function scrapeOne(url: string, options: ScrapeOptionsInput = {}): Promise<Outcome> {
  const { outcomes, unstarted } = await scrapeChunk([url], { allowPrivate: true, ...options });
  expect(unstarted).toStrictEqual([]);
  expect(outcomes).toHaveLength(1);
  return outcomes[0]!;
}
async function success(url: string, options?: ScrapeOptionsInput): Promise<SuccessOutcome> {
  const outcome = await scrapeOne(url, options);
  if (!outcome.ok) throw new Error(`expected success, got ${JSON.stringify(outcome)}`);
  return outcome;
}
async function failure(url: string, options?: ScrapeOptionsInput): Promise<FailureOutcome> {
  const outcome = await scrapeOne(url, options);
  if (outcome.ok) throw new Error(`expected failure, got ${JSON.stringify(outcome)}`);
  return outcome;
}

describe('successful pages', () => {
  it('records a 200 page', async () => {
    const url = `${origin}/ok`;
    expect(await success(url)).toStrictEqual({
      url,
      ok: true,
      finalUrl: url,
      status: 200,
      contentType: 'text/html; charset=utf-8',
      bytes: Buffer.byteLength(HTML),
      ms: expect.any(Number),
      title: 'Hello',
      description: 'Desc',
      links: [`${origin}/next`],
      attempts: 1,
    });
  });

  it('sends the default User-Agent, or the configured one', async () => {
    expect((await success(`${origin}/ua`)).title).toBe(DEFAULT_USER_AGENT);
    expect((await success(`${origin}/ua`, { userAgent: 'probe/1' })).title).toBe('probe/1');
  });

  it('follows a redirect chain and records the final URL; links resolve against it', async () => {
    const outcome = await success(`${origin}/r1`);
    expect(outcome.finalUrl).toBe(`${origin}/ok#frag`);
    expect(outcome.links).toStrictEqual([`${origin}/next`]);
    expect(outcome.attempts).toBe(1);
  });

  it('reads a raw UTF-8 Location as browsers do (percent-encoded UTF-8), and a byte that is not UTF-8 as latin1', async () => {
    expect(await success(`${origin}/utf8-location`)).toMatchObject({ finalUrl: `${origin}/caf%C3%A9?q=%C3%BC`, title: 'café' });
    expect(await success(`${origin}/latin1-location`)).toMatchObject({ finalUrl: `${origin}/caf%C3%A9`, title: 'café' });
  });

  it.each(['gzip', 'deflate', 'br'])('decodes a %s body and counts decompressed bytes', async (coding) => {
    const outcome = await success(`${origin}/enc/${coding}`);
    expect(outcome).toMatchObject({ title: 'Hello', description: 'Desc', bytes: Buffer.byteLength(HTML) });
  });

  it('asks for gzip, deflate and br', async () => {
    await success(`${origin}/enc/gzip`);
    const request = server.requests.filter((r) => r.path === '/enc/gzip').at(-1)!;
    expect(request.headers['accept-encoding']).toBe('gzip, deflate, br');
  });

  it('does not parse a PNG, even with an extraction spec', async () => {
    const outcome = await success(`${origin}/png`, { extract: { t: { selector: 'title' } } });
    expect(outcome).toMatchObject({ contentType: 'image/png', bytes: PNG.length, title: null, description: null, links: [] });
    expect(outcome).not.toHaveProperty('data');
  });

  it('sniffs HTML when there is no Content-Type, and leaves binary alone', async () => {
    expect(await success(`${origin}/untyped-html`)).toMatchObject({ contentType: null, title: 'Sniffed' });
    expect(await success(`${origin}/untyped-binary`)).toMatchObject({ contentType: null, title: null, bytes: PNG.length });
  });

  it('treats an empty body as a page with nulls', async () => {
    expect(await success(`${origin}/empty`)).toMatchObject({ bytes: 0, title: null, description: null, links: [] });
  });

  it('decodes the charset from Content-Type', async () => {
    expect((await success(`${origin}/cp1251`)).title).toBe('Привет');
  });
});

describe('redirect failures', () => {
  it('detects a loop', async () => {
    expect((await failure(`${origin}/loop-a`)).error.kind).toBe('redirect-loop');
  });

  it('stops after maxRedirects', async () => {
    const before = hits.get('/chain/0') ?? 0;
    const outcome = await failure(`${origin}/chain/0`, { maxRedirects: 3 });
    expect(outcome).toMatchObject({ error: { kind: 'too-many-redirects' }, attempts: 1 });
    expect(hits.get('/chain/0')).toBe(before + 1);
    expect(hits.get('/chain/3')).toBeGreaterThanOrEqual(1);
    expect(hits.get('/chain/4') ?? 0).toBe(0);
  });

  it.each(['/no-location', '/to-ftp'])('rejects %s as bad-redirect', async (path) => {
    expect((await failure(`${origin}${path}`)).error.kind).toBe('bad-redirect');
  });
});

describe('retries', () => {
  it('retries a 503 and succeeds on the second attempt', async () => {
    expect(await success(`${origin}/flaky`)).toMatchObject({ title: 'Hello', attempts: 2 });
  });

  it('gives up on a persistent 500 after retries, as an http failure with status', async () => {
    expect(await failure(`${origin}/always-500`, { retries: 2 })).toStrictEqual({
      url: `${origin}/always-500`,
      ok: false,
      error: { kind: 'http', message: 'HTTP 500 Internal Server Error', status: 500 },
      attempts: 3,
      ms: expect.any(Number),
    });
  });

  it('waits for Retry-After on a 429', async () => {
    const started = Date.now();
    const outcome = await success(`${origin}/throttled`);
    expect(outcome.attempts).toBe(2);
    expect(Date.now() - started).toBeGreaterThanOrEqual(950);
    expect(outcome.ms).toBeGreaterThanOrEqual(950);
  });

  it('does not retry a 404', async () => {
    const before = hits.get('/missing') ?? 0;
    expect(await failure(`${origin}/missing`)).toMatchObject({ error: { kind: 'http', status: 404 }, attempts: 1 });
    expect(hits.get('/missing')).toBe(before + 1);
  });
});

describe('timeouts and size caps', () => {
  // Both end by the attempt's own deadline, which the message names (undici's backstop timers say
  // something else). No upper bound on the time: were the deadline ignored, the drip would go on
  // until jest's test timeout, and a loaded machine may legitimately take longer than timeoutMs.
  it('times out on a server that never answers', async () => {
    expect(await failure(`${origin}/silent`, { timeoutMs: 300, retries: 0 })).toMatchObject({
      error: { kind: 'timeout', message: 'no complete answer within timeoutMs (300 ms)' },
      attempts: 1,
    });
  });

  it('holds a dripping server to timeoutMs for the whole attempt', async () => {
    const outcome = await failure(`${origin}/drip`, { timeoutMs: 600, retries: 0 });
    // Every 100 ms a byte arrives, so per-read timeouts never fire: only the attempt deadline ends it.
    expect(outcome.error).toMatchObject({ kind: 'timeout', message: 'no complete answer within timeoutMs (600 ms)' });
    expect(outcome.ms).toBeGreaterThanOrEqual(550);
  });

  it('stops inflating at the deadline once the body has arrived: timeout, not ok', async () => {
    slowBomb(); // made before the request, so that the body is sent at once
    const outcome = await failure(`${origin}/enc/slow-bomb`, { timeoutMs: 200, retries: 0, maxBytes: 1024 * 1024 * 1024 });
    expect(outcome).toMatchObject({ error: { kind: 'timeout', message: 'no complete answer within timeoutMs (200 ms)' }, attempts: 1 });
  });

  it.each([5, 6, 2000])('%i stacked gzip codings: at most 5 are undone, more is too-many-encodings, not retried', async (layers) => {
    const outcome = await scrapeOne(`${origin}/enc/stacked/${layers}`);
    if (layers <= 5) expect(outcome).toMatchObject({ ok: true, title: 'Hello', bytes: Buffer.byteLength(HTML) });
    else
      expect(outcome).toMatchObject({
        ok: false,
        error: { kind: 'too-many-encodings', message: `Content-Encoding lists ${layers} codings; at most 5 are undone` },
        attempts: 1,
      });
  });

  it.each(['/big-declared', '/big-chunked'])('rejects %s past maxBytes as too-large', async (path) => {
    expect(await failure(`${origin}${path}`, { maxBytes: 1024 * 1024 })).toMatchObject({ error: { kind: 'too-large' }, attempts: 1 });
  });

  it('stops inflating a gzip bomb at maxBytes', async () => {
    const used = process.memoryUsage().arrayBuffers;
    const outcome = await failure(`${origin}/bomb`, { maxBytes: 1024 * 1024 });
    expect(outcome.error.kind).toBe('too-large');
    // Fully inflated it would be 50 MB; we must not have held anything near that.
    expect(process.memoryUsage().arrayBuffers - used).toBeLessThan(20 * 1024 * 1024);
  });
});

describe('network errors', () => {
  it('maps a refused connection to connect', async () => {
    const port = await new Promise<number>((resolve) => {
      const probe = net.createServer().listen(0, '127.0.0.1', () => {
        const { port } = probe.address() as net.AddressInfo;
        probe.close(() => resolve(port));
      });
    });
    expect(await failure(`http://127.0.0.1:${port}/`, { retries: 0 })).toMatchObject({ error: { kind: 'connect' }, attempts: 1 });
  });

  it('maps an unknown host to dns without retrying', async () => {
    // The resolver seam answers ENOTFOUND as the system resolver would, so no DNS query leaves
    // the machine (tests may only send traffic to loopback).
    await setConnectSeamsForTests({
      lookup: (hostname, _options, callback) =>
        process.nextTick(() => callback(Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: 'ENOTFOUND', hostname }), '', 4)),
    });
    try {
      expect(await failure('http://nonexistent.invalid/')).toMatchObject({ error: { kind: 'dns' }, attempts: 1 });
    } finally {
      await setConnectSeamsForTests({});
    }
  });

  it('maps a connection reset before the response to connect', async () => {
    expect((await failure(`${origin}/reset`, { retries: 0 })).error.kind).toBe('connect');
  });

  it('takes response headers of ~90 KiB, as browsers do', async () => {
    expect((await success(`${origin}/big-headers`)).title).toBe('Hello');
  });

  it('refuses headers past 256 KiB with a message that says so', async () => {
    const { error } = await failure(`${origin}/huge-headers`, { retries: 0 });
    expect(error).toMatchObject({ kind: 'network', message: expect.stringContaining('response headers larger than 256 KiB') });
  });

  it('maps a body cut short to network', async () => {
    expect((await failure(`${origin}/cut`, { retries: 0 })).error.kind).toBe('network');
  });

  it('maps a corrupt gzip body to network', async () => {
    expect((await failure(`${origin}/bad-gzip`, { retries: 0 })).error.kind).toBe('network');
  });
});
