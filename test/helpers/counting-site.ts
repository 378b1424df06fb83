/**
 * A loopback site that counts what politeness is about: requests in flight at once (the max is
 * what `--per-host` bounds), when each request started, and how often robots.txt was asked for.
 */
import type http from 'node:http';
import { startServer, type TestServer } from './http-server';

export interface CountingSiteOptions {
  /** Each page answers after this long. @default 30 */
  latencyMs?: number;
  /** robots.txt body; undefined answers 404 (no robots.txt: everything allowed). */
  robotsTxt?: string;
  /** Answer a page request differently (e.g. 429); return true when it answered. `n` counts page requests from 0. */
  override?: (n: number, req: http.IncomingMessage, res: http.ServerResponse) => boolean;
  /** Also count page requests here, shared with other sites (the most in flight across all of them). */
  shared?: { now: number; max: number };
}

export interface PageStart {
  path: string;
  /** performance.now() when the request arrived. */
  at: number;
  /** Requests in flight right after this one arrived (itself included). */
  inFlight: number;
  status: number;
}

export interface CountingSite extends TestServer {
  /** Page requests (robots.txt excluded), in arrival order. */
  readonly starts: PageStart[];
  readonly robotsRequests: () => number;
  /** Most page requests in flight at once so far. */
  readonly maxInFlight: () => number;
  /** `count` page URLs, `/p/0` … */
  urls(count: number): string[];
}

export async function startCountingSite(options: CountingSiteOptions = {}): Promise<CountingSite> {
  const latencyMs = options.latencyMs ?? 30;
  const starts: PageStart[] = [];
  let inFlight = 0;
  let max = 0;
  let robots = 0;
  const server = await startServer((req, res) => {
    if (req.url === '/robots.txt') {
      robots++;
      if (options.robotsTxt === undefined) res.writeHead(404).end();
      else res.writeHead(200, { 'content-type': 'text/plain' }).end(options.robotsTxt);
      return;
    }
    inFlight++;
    max = Math.max(max, inFlight);
    const shared = options.shared;
    if (shared) shared.max = Math.max(shared.max, ++shared.now);
    const start: PageStart = { path: req.url ?? '/', at: performance.now(), inFlight, status: 200 };
    const n = starts.push(start) - 1;
    let left = false;
    const leave = () => {
      if (!left) {
        inFlight--;
        if (shared) shared.now--;
      }
      left = true;
    };
    res.on('close', leave);
    res.on('finish', leave);
    setTimeout(() => {
      if (options.override?.(n, req, res)) {
        start.status = res.statusCode;
        return;
      }
      res.writeHead(200, { 'content-type': 'text/html' }).end(`<title>${req.url}</title>`);
    }, latencyMs);
  });
  return Object.assign(server, {
    starts,
    robotsRequests: () => robots,
    maxInFlight: () => max,
    urls: (count: number) => Array.from({ length: count }, (_, i) => `${server.origin}/p/${i}`),
  });
}
