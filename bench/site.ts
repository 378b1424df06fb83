/**
 * The benchmark's website: the real-world pages shipped in `htmlparser-benchmark`, served on
 * 127.0.0.1 only, with a fixed latency per response and keep-alive.
 *
 * `/p/<i>` serves file `i % files.length`, so any number of distinct URLs cycle over the ~250 real
 * pages. The site listens on `hosts` ports: each port is a separate host:port to a scraper (its own
 * connection pool and per-host limit), the way a real list spans many sites.
 */
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';

export const PAGES_DIR = path.join(path.dirname(require.resolve('htmlparser-benchmark/package.json')), 'files');

export interface BenchSiteOptions {
  /** Added before each response, standing in for a real server's round trip. @default 50 */
  latencyMs?: number;
  /** Ports to listen on, each a separate host to the scraper. @default 16 */
  hosts?: number;
}

export interface BenchSite {
  /** One origin per host, `http://127.0.0.1:<port>`. */
  readonly origins: readonly string[];
  /** `count` distinct page URLs, spread round-robin over the hosts. */
  urls(count: number): string[];
  /** Responses sent so far. */
  readonly served: number;
  close(): Promise<void>;
}

/** The real pages, as bytes, in a stable (sorted) order. */
export function loadPages(dir = PAGES_DIR): Buffer[] {
  return fs
    .readdirSync(dir)
    .filter((name) => name.endsWith('.html'))
    .sort()
    .map((name) => fs.readFileSync(path.join(dir, name)));
}

/** Starts the site. Every response is a real page or a 404; nothing is generated. */
export async function startBenchSite(options: BenchSiteOptions = {}): Promise<BenchSite> {
  const latencyMs = options.latencyMs ?? 50;
  const hosts = options.hosts ?? 16;
  const pages = loadPages();
  let served = 0;

  const handle = (req: http.IncomingMessage, res: http.ServerResponse) => {
    const respond = () => {
      served++;
      const match = /^\/p\/(\d+)$/.exec(req.url ?? '');
      if (req.url === '/robots.txt') {
        res.writeHead(200, { 'content-type': 'text/plain' }).end('User-agent: *\nAllow: /\n');
        return;
      }
      if (!match) {
        res.writeHead(404, { 'content-type': 'text/plain' }).end('not found\n');
        return;
      }
      const body = pages[Number(match[1]) % pages.length]!;
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'content-length': body.length }).end(body);
    };
    if (latencyMs > 0) setTimeout(respond, latencyMs);
    else respond();
  };

  const servers: http.Server[] = [];
  for (let i = 0; i < hosts; i++) {
    // Keep-alive on both sides; long timeouts so an idle pooled socket is never closed mid-run.
    const server = http.createServer({ keepAlive: true, keepAliveTimeout: 60_000, requestTimeout: 0 }, handle);
    server.keepAliveTimeout = 60_000;
    server.headersTimeout = 65_000;
    server.maxRequestsPerSocket = 0;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => resolve());
    });
    servers.push(server);
  }
  const origins = servers.map((s) => `http://127.0.0.1:${(s.address() as AddressInfo).port}`);
  return {
    origins,
    urls: (count) => Array.from({ length: count }, (_, i) => `${origins[i % origins.length]}/p/${i}`),
    get served() {
      return served;
    },
    close: async () => {
      await Promise.all(
        servers.map(
          (s) =>
            new Promise<void>((resolve) => {
              s.close(() => resolve());
              s.closeAllConnections();
            }),
        ),
      );
    },
  };
}
