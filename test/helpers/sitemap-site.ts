/**
 * A loopback site serving sitemaps and the pages they list, for sitemap tests: each path is a
 * sitemap (plain, gzipped as a `.gz` file, or sent with Content-Encoding: gzip), robots.txt, or a page.
 */
import zlib from 'node:zlib';
import { startServer, type TestServer } from './http-server';

export interface SitemapFileSpec {
  body: string;
  /** `file`: the bytes are gzip (a .xml.gz); `encoding`: sent with Content-Encoding: gzip. */
  gzip?: 'file' | 'encoding';
  /** @default 200 */
  status?: number;
  /** Answer after this long (an unref'd timer: a hanging answer never holds the test process). */
  delayMs?: number;
}

/** `files` may use `{origin}`, replaced by the site's origin when served. */
export async function startSitemapSite(files: Record<string, SitemapFileSpec | string>): Promise<TestServer & { url: (path: string) => string }> {
  const server: TestServer = await startServer((req, res) => {
    const spec = files[req.url ?? ''];
    if (spec === undefined) {
      if (req.url === '/robots.txt') return void res.writeHead(404).end();
      return void res.writeHead(200, { 'content-type': 'text/html' }).end(`<title>${req.url}</title>`);
    }
    const { body, gzip, status, delayMs } = typeof spec === 'string' ? { body: spec, gzip: undefined, status: 200, delayMs: 0 } : spec;
    const text = Buffer.from(body.replaceAll('{origin}', server.origin));
    const headers: Record<string, string> = { 'content-type': req.url === '/robots.txt' ? 'text/plain' : gzip === 'file' ? 'application/gzip' : 'application/xml' };
    if (gzip === 'encoding') headers['content-encoding'] = 'gzip';
    setTimeout(() => res.writeHead(status ?? 200, headers).end(gzip === undefined ? text : zlib.gzipSync(text)), delayMs ?? 0).unref();
  });
  return Object.assign(server, { url: (path: string) => `${server.origin}${path}` });
}

/** A `<urlset>` of `locs` (use `{origin}/…`), with a `<lastmod>` where `lastmods` has one. */
export function urlsetXml(locs: readonly string[], lastmods: readonly (string | undefined)[] = []): string {
  const entries = locs.map((loc, i) => `  <url><loc>${loc}</loc>${lastmods[i] === undefined ? '' : `<lastmod>${lastmods[i]}</lastmod>`}</url>`);
  return `<?xml version="1.0" encoding="UTF-8"?>\n<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n${entries.join('\n')}\n</urlset>\n`;
}

/** A `<sitemapindex>` of `locs`. */
export function indexXml(locs: readonly string[]): string {
  const entries = locs.map((loc) => `  <sitemap><loc>${loc}</loc></sitemap>`);
  return `<?xml version="1.0" encoding="UTF-8"?>\n<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n${entries.join('\n')}\n</sitemapindex>\n`;
}

/** `count` page paths `/<prefix>/0` … */
export function pagePaths(prefix: string, count: number, from = 0): string[] {
  return Array.from({ length: count }, (_, i) => `{origin}/${prefix}/${from + i}`);
}
