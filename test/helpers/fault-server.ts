/**
 * A loopback server that misbehaves on purpose, for the fault suite (test/faults).
 *
 * Two listeners on 127.0.0.1, port 0:
 * - `origin`: a real `http.createServer`, one route per behaviour a well-formed server can have
 *   (never answering, dripping, resets mid-body, 5xx/429, redirect chains, huge bodies, bombs,
 *   awkward bytes);
 * - `rawOrigin`: a `net` server that reads the request head and answers with bytes no HTTP
 *   library would write (garbage status lines, bad headers, broken chunking, a slow-loris
 *   header stream, a reset mid-headers, a short body);
 * - `acceptCloseOrigin`: a `net` server that closes each socket as soon as it is accepted.
 *
 * Every route counts its hits (by path and query), so a test can assert how often it was asked.
 */
import http from 'node:http';
import net from 'node:net';
import zlib from 'node:zlib';

/** What the server saw of one streamed body (the 60 MB route). */
export interface StreamRecord {
  /** Bytes handed to the socket before it closed (or before the end). */
  bytesWritten: number;
  /** The whole body was written. */
  completed: boolean;
  /** Resolves when the response has closed, either way. */
  closed: Promise<void>;
}

export interface FaultServer {
  /** `http://127.0.0.1:PORT` of the http.createServer listener. */
  readonly origin: string;
  /** The port of `origin`. */
  readonly port: number;
  /** `http://127.0.0.1:PORT` of the raw net listener. */
  readonly rawOrigin: string;
  /** `http://127.0.0.1:PORT` of a listener that destroys every socket as soon as it is accepted. */
  readonly acceptCloseOrigin: string;
  /** TCP connections accepted, per listener: zero means not a byte reached it. */
  readonly connections: { http: number; raw: number };
  /** Requests for `pathAndQuery` so far. */
  hits(pathAndQuery: string): number;
  /** The Host header of the last request for `path` (without query). */
  lastHost(path: string): string | undefined;
  /** Paths (raw, as on the wire) requested, in order. */
  readonly paths: string[];
  /** The stream record for a `/huge?id=…` request. */
  stream(id: string): StreamRecord | undefined;
  close(): Promise<void>;
}

/** Size of the `/huge` body. */
export const HUGE_BYTES = 60 * 1024 * 1024;
/** The slow routes send one byte (or header line) this often. */
export const DRIP_INTERVAL_MS = 200;

/** `<title>Привет</title>` in windows-1251, declared only in a `<meta>`. */
export const CP1251_PAGE = Buffer.concat([
  Buffer.from('<!doctype html><html><head><meta charset="windows-1251"><title>'),
  Buffer.from([0xcf, 0xf0, 0xe8, 0xe2, 0xe5, 0xf2]),
  Buffer.from('</title></head><body>x</body></html>'),
]);

export const PNG = Buffer.from('89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c4890000000d4944415478da63f8cfc0f01f0005000201e2', 'hex');

/** Deterministic noise: every byte value, in an order that repeats only after `length`. */
function noise(length: number): Buffer {
  const bytes = Buffer.alloc(length);
  let x = 12345;
  for (let i = 0; i < length; i++) {
    x = (x * 1103515245 + 12345) >>> 0;
    bytes[i] = x >>> 24;
  }
  return bytes;
}

/** Unclosed tags, a bare `&`, unquoted attributes, then 64 KiB of random bytes and a last link. */
export const BROKEN_PAGE = Buffer.concat([
  Buffer.from('<html><head><title>Broken &amp co</title><meta name=description content=unquoted>'),
  Buffer.from('<div><p><b><i>unclosed <a href="/x">x<table><tr><td><span'),
  noise(64 * 1024),
  Buffer.from('">"\'></script></style>--><a href="/y">y'),
]);

/** One attribute of 1 MiB, then a link. */
export const HUGE_ATTRIBUTE_PAGE = `<title>Attr</title><div data-x="${'a'.repeat(1024 * 1024)}"><a href="/after">x</a></div>`;

/** 10,000 nested divs (far past the parser's depth cap), a link before and one at the bottom. */
export const DEEP_PAGE = `<title>Deep</title><a href="/top">t</a>${'<div>'.repeat(10_000)}<a href="/bottom">b</a>${'</div>'.repeat(10_000)}`;

/**
 * A compression bomb: `decodedBytes` zero bytes compressed with `coding`. Built by streaming 1 MiB
 * at a time, so the test process never holds the decoded form.
 */
export async function makeBomb(coding: 'gzip' | 'br', decodedBytes: number): Promise<Buffer> {
  const encoder = coding === 'gzip' ? zlib.createGzip({ level: 6 }) : zlib.createBrotliCompress({ params: { [zlib.constants.BROTLI_PARAM_QUALITY]: 5 } });
  const out: Buffer[] = [];
  encoder.on('data', (chunk: Buffer) => out.push(chunk));
  const done = new Promise<void>((resolve, reject) => encoder.on('end', resolve).on('error', reject));
  const block = Buffer.alloc(1024 * 1024);
  for (let left = decodedBytes; left > 0; left -= block.length) {
    if (!encoder.write(left >= block.length ? block : block.subarray(0, left))) {
      await new Promise((resolve) => encoder.once('drain', resolve));
    }
  }
  encoder.end();
  await done;
  return Buffer.concat(out);
}

type Handler = (req: http.IncomingMessage, res: http.ServerResponse, url: URL) => void;

const page = (res: http.ServerResponse, body: string | Buffer, type = 'text/html; charset=utf-8') => res.writeHead(200, { 'content-type': type }).end(body);

/** Writes `total` bytes in 64 KiB pieces, respecting backpressure, and records how far it got. */
function streamHuge(res: http.ServerResponse, total: number, declareLength: boolean): StreamRecord {
  const record = { bytesWritten: 0, completed: false } as StreamRecord;
  record.closed = new Promise((resolve) => res.on('close', resolve));
  res.writeHead(200, { 'content-type': 'text/html', ...(declareLength ? { 'content-length': total } : {}) });
  const piece = Buffer.alloc(64 * 1024, 0x20);
  const pump = () => {
    while (record.bytesWritten < total && !res.destroyed) {
      record.bytesWritten += piece.length;
      if (!res.write(piece)) return void res.once('drain', pump);
    }
    if (record.bytesWritten >= total) res.end(() => (record.completed = true));
  };
  pump();
  return record;
}

/** The http.createServer routes; `hit` is this request's count for its path and query. */
function httpRoutes(streams: Map<string, StreamRecord>, hit: () => number, bombs: Map<string, Buffer>): Map<string, Handler> {
  const redirect = (res: http.ServerResponse, location: string) => res.writeHead(302, { location }).end();
  return new Map<string, Handler>([
    ['/never', () => undefined],
    [
      '/drip',
      (_req, res) => {
        res.writeHead(200, { 'content-type': 'text/html' });
        const timer = setInterval(() => res.write('x'), DRIP_INTERVAL_MS);
        res.on('close', () => clearInterval(timer));
      },
    ],
    [
      '/reset-body',
      (_req, res) => {
        res.writeHead(200, { 'content-type': 'text/html', 'content-length': 100_000 });
        res.write('<title>half a page');
        setTimeout(() => res.socket?.resetAndDestroy(), 20);
      },
    ],
    ['/flaky', (_req, res) => (hit() === 1 ? res.writeHead(503).end('busy') : page(res, '<title>recovered</title>'))],
    ['/429-seconds', (_req, res) => (hit() === 1 ? res.writeHead(429, { 'retry-after': '1' }).end() : page(res, '<title>after seconds</title>'))],
    [
      '/429-date',
      (_req, res) =>
        // An HTTP date has whole seconds, so "now + 2 s" truncated means a wait of 1-2 s.
        hit() === 1 ? res.writeHead(429, { 'retry-after': new Date(Date.now() + 2_000).toUTCString() }).end() : page(res, '<title>after date</title>'),
    ],
    // /chain/<at>/<end>: redirects <at> -> <at>+1 until <end>, which answers.
    [
      '/chain',
      (_req, res, url) => {
        const [at, end] = url.pathname.split('/').slice(2).map(Number) as [number, number];
        if (at >= end) page(res, `<title>end of chain ${end}</title>`);
        else redirect(res, `/chain/${at + 1}/${end}`);
      },
    ],
    ['/loop-a', (_req, res) => redirect(res, '/loop-b')],
    ['/loop-b', (_req, res) => redirect(res, '/loop-a')],
    ['/self', (_req, res, url) => redirect(res, url.pathname)],
    [
      '/huge',
      (_req, res, url) => {
        streams.set(url.searchParams.get('id') ?? '', streamHuge(res, HUGE_BYTES, url.searchParams.has('declared')));
      },
    ],
    [
      '/bomb',
      (_req, res, url) => {
        const coding = url.searchParams.get('coding') ?? 'gzip';
        res.writeHead(200, { 'content-type': 'text/html', 'content-encoding': coding }).end(bombs.get(coding));
      },
    ],
    ['/meta-charset', (_req, res) => page(res, CP1251_PAGE, 'text/html')],
    // The BOM outranks the header's (wrong) charset, as in the WHATWG sniffing order.
    ['/bom', (_req, res) => page(res, Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('<title>Grüße</title>')]), 'text/html; charset=windows-1252')],
    ['/invalid-utf8', (_req, res) => page(res, Buffer.concat([Buffer.from('<title>a'), Buffer.from([0xff, 0xfe, 0xc3]), Buffer.from('b</title>')]))],
    ['/png', (_req, res) => page(res, PNG, 'image/png')],
    ['/broken', (_req, res) => page(res, BROKEN_PAGE, 'text/html')],
    ['/huge-attribute', (_req, res) => page(res, HUGE_ATTRIBUTE_PAGE)],
    ['/deep', (_req, res) => page(res, DEEP_PAGE)],
    ['/empty', (_req, res) => page(res, '')],
    ['/echo', (req, res) => page(res, `<title>${escapeText(decodeURIComponent(req.url!.split('?')[0]!))}</title>`)],
  ]);
}

function escapeText(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;');
}

/** The raw routes: bytes straight onto the socket. `socket` has already read the request head. */
const RAW_ROUTES = new Map<string, (socket: net.Socket, timers: Set<NodeJS.Timeout>) => void>([
  [
    '/reset-headers',
    (s) => {
      s.write('HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nX-Half: ');
      setTimeout(() => s.resetAndDestroy(), 20);
    },
  ],
  ['/garbage-status', (s) => s.end('HELLO I AM NOT HTTP\r\n\r\n')],
  ['/invalid-header', (s) => s.end('HTTP/1.1 200 OK\r\nContent-Type text/html\r\n\x01bad\r\n\r\n<title>x</title>')],
  ['/short-body', (s) => s.end('HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: 1000\r\n\r\n<title>short</title>')],
  ['/bad-chunk', (s) => s.end('HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\nhello\r\n0\r\n\r\n')],
  ['/truncated-chunked', (s) => s.end('HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nTransfer-Encoding: chunked\r\n\r\n10\r\n<title>cut</tit')],
  [
    '/slow-headers',
    (s, timers) => {
      s.write('HTTP/1.1 200 OK\r\n');
      let n = 0;
      const timer = setInterval(() => s.write(`X-Slow-${n++}: y\r\n`), DRIP_INTERVAL_MS);
      timers.add(timer);
      s.on('close', () => clearInterval(timer));
    },
  ],
]);

function listen(server: net.Server): Promise<number> {
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve((server.address() as net.AddressInfo).port)));
}

/** Starts both listeners. `bombs` maps a coding (`gzip`, `br`) to the body `/bomb?coding=` sends. */
export async function startFaultServer(options: { bombs?: Map<string, Buffer> } = {}): Promise<FaultServer> {
  const counts = new Map<string, number>();
  const hosts = new Map<string, string>();
  const streams = new Map<string, StreamRecord>();
  const paths: string[] = [];
  const connections = { http: 0, raw: 0 };
  const sockets = new Set<net.Socket>();
  const timers = new Set<NodeJS.Timeout>();
  let count = 0;
  const routes = httpRoutes(streams, () => count, options.bombs ?? new Map());

  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    paths.push(req.url ?? '/');
    count = (counts.get(req.url ?? '/') ?? 0) + 1;
    counts.set(req.url ?? '/', count);
    hosts.set(url.pathname, req.headers.host ?? '');
    const route = routes.get(url.pathname) ?? routes.get(`/${url.pathname.split('/')[1]}`);
    if (route) route(req, res, url);
    else res.writeHead(404, { 'content-type': 'text/html' }).end('<title>Not found</title>');
  });
  server.on('connection', (socket) => {
    connections.http++;
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });

  const raw = net.createServer((socket) => {
    connections.raw++;
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => undefined);
    let head = '';
    const onData = (data: Buffer) => {
      head += data.toString('latin1');
      if (!head.includes('\r\n\r\n')) return;
      socket.off('data', onData);
      const path = head.split(' ')[1] ?? '/';
      paths.push(path);
      counts.set(path, (counts.get(path) ?? 0) + 1);
      const route = RAW_ROUTES.get(path.split('?')[0]!);
      if (route) route(socket, timers);
      else socket.end('HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n');
    };
    socket.on('data', onData);
  });
  // /accept-close is decided per listener, not per path: it must close before reading a byte.
  const acceptClose = net.createServer((socket) => {
    connections.raw++;
    socket.destroy();
  });

  const [port, rawPort, closePort] = await Promise.all([listen(server), listen(raw), listen(acceptClose)]);
  return {
    origin: `http://127.0.0.1:${port}`,
    port,
    rawOrigin: `http://127.0.0.1:${rawPort}`,
    acceptCloseOrigin: `http://127.0.0.1:${closePort}`,
    connections,
    hits: (pathAndQuery) => counts.get(pathAndQuery) ?? 0,
    lastHost: (path) => hosts.get(path),
    paths,
    stream: (id) => streams.get(id),
    close: async () => {
      for (const timer of timers) clearInterval(timer);
      for (const socket of sockets) socket.destroy();
      server.closeAllConnections();
      await Promise.all([server, raw, acceptClose].map((s) => new Promise((resolve) => s.close(resolve))));
    },
  };
}
