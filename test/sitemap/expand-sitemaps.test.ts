/**
 * Sitemap sources to URLs against a real loopback site: indexes with plain, gzipped (.gz file) and
 * Content-Encoding children, a malformed one, an oversized one, robots.txt, the depth cap, cycles.
 */
import { parseSitemapSource } from '../../core/sitemap-spec';
import { urlFilter } from '../../core/url-pattern';
import { expandSitemaps, type ExpandSitemapsOptions, type SitemapFile } from '../../orchestrator/sitemap/expand-sitemaps';
import { indexXml, pagePaths, startSitemapSite, urlsetXml, type SitemapFileSpec } from '../helpers/sitemap-site';

async function expand(files: Record<string, SitemapFileSpec | string>, sources: string[], options: Partial<ExpandSitemapsOptions> = {}) {
  const site = await startSitemapSite(files);
  try {
    const got: SitemapFile[] = [];
    const resolved = sources.map((s) => parseSitemapSource(s.replace('{origin}', site.origin)));
    for await (const file of expandSitemaps({ sources: resolved, timeoutMs: 5000, maxRedirects: 5, retries: 0, allowPrivate: true, robots: 'obey', ...options }))
      got.push(file);
    const o = site.origin;
    const short = (s: string) => s.replace(o, '');
    return {
      files: got.map((f) => ({
        sitemap: short(f.sitemap),
        depth: f.depth,
        kind: f.kind,
        urls: f.urls.map(short),
        counts: f.counts,
        error: f.error && { reason: f.error.reason, message: short(f.error.message).replace(o, '') },
      })),
      requests: site.requests.map((r) => r.path),
    };
  } finally {
    await site.close();
  }
}

const counts = (entries: number, more: Partial<SitemapFile['counts']> = {}) => ({ entries, invalid: 0, old: 0, filtered: 0, ...more });

describe('expandSitemaps', () => {
  it('follows an index to plain, .gz and Content-Encoding children, and names the malformed and oversized ones', async () => {
    const { files } = await expand(
      {
        '/index.xml': indexXml(['{origin}/plain.xml', '{origin}/zipped.xml.gz', '{origin}/encoded.xml', '{origin}/broken.xml', '{origin}/big.xml', '{origin}/plain.xml']),
        '/plain.xml': urlsetXml(pagePaths('a', 3)),
        '/zipped.xml.gz': { body: urlsetXml(pagePaths('b', 2)), gzip: 'file' },
        '/encoded.xml': { body: urlsetXml(pagePaths('c', 2)), gzip: 'encoding' },
        '/broken.xml': '<urlset><url><loc>{origin}/x</loc></urlset>',
        '/big.xml': urlsetXml(pagePaths('d', 7)),
      },
      ['{origin}/index.xml'],
      { maxEntries: 6 },
    );
    expect(files).toStrictEqual([
      { sitemap: '/index.xml', depth: 0, kind: 'index', urls: [], counts: counts(6), error: undefined },
      { sitemap: '/plain.xml', depth: 1, kind: 'urlset', urls: ['/a/0', '/a/1', '/a/2'], counts: counts(3), error: undefined },
      { sitemap: '/zipped.xml.gz', depth: 1, kind: 'urlset', urls: ['/b/0', '/b/1'], counts: counts(2), error: undefined },
      { sitemap: '/encoded.xml', depth: 1, kind: 'urlset', urls: ['/c/0', '/c/1'], counts: counts(2), error: undefined },
      {
        sitemap: '/broken.xml',
        depth: 1,
        kind: undefined,
        urls: [],
        counts: counts(0),
        // The column depends on the length of the origin in the file.
        error: { reason: 'malformed', message: expect.stringMatching(/^sitemap \/broken\.xml: malformed XML at line 1, column \d+: unexpected close tag$/) },
      },
      {
        sitemap: '/big.xml',
        depth: 1,
        kind: undefined,
        urls: [],
        counts: counts(0),
        error: { reason: 'too-many-urls', message: expect.stringMatching(/^sitemap \/big\.xml: more than 6 entries/) },
      },
    ]);
  });

  it('fails a file past the byte cap (counted after gunzip) and keeps the others', async () => {
    const { files } = await expand(
      { '/small.xml': urlsetXml(pagePaths('a', 1)), '/bomb.xml.gz': { body: urlsetXml(pagePaths('b', 2000)), gzip: 'file' } },
      ['{origin}/bomb.xml.gz', '{origin}/small.xml'],
      { maxBytes: 10_000 },
    );
    expect(files.map((f) => [f.sitemap, f.urls.length, f.error?.reason])).toStrictEqual([
      ['/bomb.xml.gz', 0, 'too-large'],
      ['/small.xml', 1, undefined],
    ]);
    expect(files[0]?.error?.message).toBe(
      "sitemap /bomb.xml.gz: larger than 10000 bytes uncompressed, the sitemaps protocol's limit per file; split it and list the parts in a sitemap index",
    );
  });

  it('reads robots:<origin>, obeys its Disallow for sitemaps, and stops at the depth cap and at cycles', async () => {
    const { files, requests } = await expand(
      {
        '/robots.txt': 'User-agent: *\nDisallow: /private/\nSitemap: {origin}/top.xml\nSitemap: {origin}/private/s.xml\n',
        '/top.xml': indexXml(['{origin}/mid.xml', '{origin}/top.xml']),
        '/mid.xml': indexXml(['{origin}/leaf.xml']),
        '/leaf.xml': urlsetXml(pagePaths('a', 1)),
      },
      ['robots:{origin}'],
      { maxDepth: 1 },
    );
    expect(files.map((f) => [f.sitemap, f.depth, f.error?.reason ?? f.kind])).toStrictEqual([
      ['/top.xml', 0, 'index'],
      ['/private/s.xml', 0, 'robots-disallowed'],
      ['/leaf.xml', 2, 'too-deep'],
      ['/mid.xml', 1, 'index'],
    ]);
    expect(requests.filter((p) => p !== '/robots.txt')).toStrictEqual(['/top.xml', '/mid.xml']);
  });

  it('drops URLs before --since (keeping those without lastmod), filtered and invalid ones, and counts them', async () => {
    const { files } = await expand(
      {
        '/s.xml': urlsetXml(
          ['{origin}/old', '{origin}/new', '{origin}/undated', '{origin}/skip/x', 'mailto:x@a.test', '{origin}/bad-date'],
          ['2024-01-01', '2024-06-01T00:00:00Z', undefined, '2024-06-01', undefined, 'soon'],
        ),
      },
      ['{origin}/s.xml'],
      { sinceMs: Date.UTC(2024, 4, 1), filter: urlFilter([], ['*/skip/*']) },
    );
    expect(files).toStrictEqual([
      { sitemap: '/s.xml', depth: 0, kind: 'urlset', urls: ['/new', '/undated', '/bad-date'], counts: counts(6, { invalid: 1, old: 1, filtered: 1 }), error: undefined },
    ]);
  });

  it.each([
    ['an HTTP error', { '/s.xml': { body: 'gone', status: 410 } }, 'robots:{origin}', 'no-sitemaps', 'sitemap robots:: no robots.txt to read Sitemap: lines from (HTTP 404)'],
    [
      'a robots.txt without Sitemap lines',
      { '/robots.txt': 'User-agent: *\nDisallow:\n' },
      'robots:{origin}',
      'no-sitemaps',
      'sitemap robots:: /robots.txt has no Sitemap: line',
    ],
    ['a 410', { '/s.xml': { body: 'gone', status: 410 } }, '{origin}/s.xml', 'http', 'sitemap /s.xml: HTTP 410 Gone'],
  ])('names the source on %s', async (_name, files, source, reason, message) => {
    const { files: got } = await expand(files, [source]);
    expect(got.map((f) => f.error)).toStrictEqual([{ reason, message }]);
  });

  it('goes through the SSRF guard: a loopback sitemap is blocked without allowPrivate', async () => {
    const { files, requests } = await expand({ '/s.xml': urlsetXml(pagePaths('a', 1)) }, ['{origin}/s.xml'], { allowPrivate: false, robots: 'ignore' });
    expect(files.map((f) => f.error?.reason)).toStrictEqual(['blocked']);
    expect(files[0]?.error?.message).toMatch(/--allow-private/);
    expect(requests).toStrictEqual([]);
  });
});

it('stops quietly when its signal aborts: the fetch in flight is cancelled, no failure is reported', async () => {
  const stop = new AbortController();
  // /hang.xml answers only after a minute: the abort (the run's Ctrl-C) ends its fetch first.
  const site = await startSitemapSite({ '/a.xml': urlsetXml(pagePaths('a', 1)), '/hang.xml': { body: urlsetXml(pagePaths('b', 1)), delayMs: 60_000 } });
  site.server.prependListener('request', (req) => {
    if (req.url === '/hang.xml') stop.abort();
  });
  try {
    const got: SitemapFile[] = [];
    const sources = [`${site.origin}/a.xml`, `${site.origin}/hang.xml`, `${site.origin}/a.xml?again`].map(parseSitemapSource);
    for await (const file of expandSitemaps({ sources, timeoutMs: 60_000, maxRedirects: 5, retries: 0, allowPrivate: true, robots: 'ignore', signal: stop.signal }))
      got.push(file);
    expect(got.map((f) => [f.sitemap.slice(site.origin.length), f.urls.length, f.error?.reason])).toStrictEqual([['/a.xml', 1, undefined]]);
  } finally {
    await site.close();
  }
});
