/**
 * A small deterministic website on loopback, for the demo, end-to-end tests and benchmarks.
 * Page N is `/page/N`: title `Page N`, a meta description, and LINKS_PER_PAGE links to other pages
 * (relative, so link resolution is exercised), so every record is predictable from its URL.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export const LINKS_PER_PAGE = 5;

export interface DemoSiteOptions {
  /** Pages served, `/page/0` … `/page/{pages-1}`; others are 404. @default 1000 */
  pages?: number;
  /** Added before each response, to stand in for a real server's latency. @default 0 */
  latencyMs?: number;
  /** @default 0 (any free port) */
  port?: number;
}

export interface DemoSite {
  readonly origin: string;
  readonly pages: number;
  /** The URLs of pages 0..n-1. */
  urls(n?: number): string[];
  close(): Promise<void>;
}

/** The links page `n` carries, as absolute URLs against `origin`. */
export function expectedLinks(origin: string, n: number, pages: number): string[] {
  const links = new Set<string>();
  for (let i = 1; i <= LINKS_PER_PAGE; i++) links.add(`${origin}/page/${(n * 7 + i * 13) % pages}`);
  return [...links];
}

export function renderPage(n: number, pages: number): string {
  const links = [];
  for (let i = 1; i <= LINKS_PER_PAGE; i++) {
    const target = (n * 7 + i * 13) % pages;
    links.push(`<li><a href="/page/${target}">Go to page ${target}</a></li>`);
  }
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<title>Page ${n}</title>
<meta name="description" content="Demo page number ${n} of ${pages}.">
</head><body>
<h1>Page ${n}</h1>
<p class="price" data-value="${(n * 1.5).toFixed(2)}">Price: ${(n * 1.5).toFixed(2)}</p>
<ul class="tags"><li class="tag">demo</li><li class="tag">n${n % 10}</li></ul>
<ul>${links.join('\n')}</ul>
</body></html>`;
}

export async function startDemoSite(options: DemoSiteOptions = {}): Promise<DemoSite> {
  const pages = options.pages ?? 1000;
  const latencyMs = options.latencyMs ?? 0;
  const server = http.createServer((req, res) => {
    const respond = () => {
      const match = /^\/page\/(\d+)$/.exec(req.url ?? '');
      const n = match ? Number(match[1]) : -1;
      if (req.url === '/robots.txt') {
        res.writeHead(200, { 'content-type': 'text/plain' }).end('User-agent: *\nAllow: /\n');
      } else if (n >= 0 && n < pages) {
        res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(renderPage(n, pages));
      } else {
        res.writeHead(404, { 'content-type': 'text/html' }).end('<title>Not found</title>');
      }
    };
    if (latencyMs > 0) setTimeout(respond, latencyMs);
    else respond();
  });
  server.keepAliveTimeout = 30_000;
  await new Promise<void>((resolve) => server.listen(options.port ?? 0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const origin = `http://127.0.0.1:${port}`;
  return {
    origin,
    pages,
    urls: (n = pages) => Array.from({ length: n }, (_, i) => `${origin}/page/${i}`),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
