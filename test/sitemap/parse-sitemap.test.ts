import { SitemapParser } from '../../http/sitemap/parse-sitemap';
import { SitemapError } from '../../http/sitemap/sitemap-error';
import { indexXml, urlsetXml } from '../helpers/sitemap-site';

const NAME = 'https://a.test/sitemap.xml';

/** Parses `text` written in pieces of `size` characters. */
function parse(text: string, size = text.length, maxEntries?: number) {
  const parser = new SitemapParser(NAME, maxEntries);
  for (let at = 0; at < text.length; at += size) parser.write(text.slice(at, at + size));
  return parser.end();
}

function errorOf(text: string, maxEntries?: number): SitemapError {
  try {
    parse(text, text.length, maxEntries);
  } catch (error) {
    if (error instanceof SitemapError) return error;
    throw error;
  }
  throw new Error('parsed without an error');
}

describe('SitemapParser', () => {
  it.each([
    [
      'a urlset',
      urlsetXml(['https://a.test/1', 'https://a.test/2'], ['2024-05-01', undefined]),
      'urlset',
      [{ loc: 'https://a.test/1', lastmod: '2024-05-01' }, { loc: 'https://a.test/2' }],
    ],
    ['an index', indexXml(['https://a.test/s1.xml']), 'index', [{ loc: 'https://a.test/s1.xml' }]],
    ['a text sitemap', '\uFEFFhttps://a.test/1\r\n\n  https://a.test/2  \n', 'text', [{ loc: 'https://a.test/1' }, { loc: 'https://a.test/2' }]],
    ['white space before the declaration', `\n  ${urlsetXml(['https://a.test/1'])}`, 'urlset', [{ loc: 'https://a.test/1' }]],
    [
      'CDATA and entities in <loc>',
      '<urlset><url><loc><![CDATA[https://a.test/?a=1&b=2]]></loc></url><url><loc> https://a.test/?c=1&amp;d=2 </loc></url></urlset>',
      'urlset',
      [{ loc: 'https://a.test/?a=1&b=2' }, { loc: 'https://a.test/?c=1&d=2' }],
    ],
    [
      'extensions (image:loc, xhtml:link) ignored',
      '<urlset xmlns:image="x" xmlns:xhtml="y"><url><loc>https://a.test/1</loc><image:image><image:loc>https://a.test/i.png</image:loc></image:image><xhtml:link href="https://a.test/de"/></url></urlset>',
      'urlset',
      [{ loc: 'https://a.test/1' }],
    ],
    [
      'a <url> without <loc> skipped',
      '<urlset><url><lastmod>2024-01-01</lastmod></url><url><loc>https://a.test/1</loc></url></urlset>',
      'urlset',
      [{ loc: 'https://a.test/1' }],
    ],
  ])('reads %s', (_name, text, kind, entries) => {
    expect(parse(text)).toStrictEqual({ kind, entries });
  });

  it('reads the same entries whatever the pieces the text arrives in', () => {
    const text = urlsetXml(['https://a.test/é', 'https://a.test/2'], ['2024-05-01T10:00:00+02:00', undefined]);
    const whole = parse(text);
    for (const size of [1, 2, 3, 7, 64]) expect(parse(text, size)).toStrictEqual(whole);
  });

  it.each([
    ['mismatched tags', '<urlset><url><loc>x</loc></urlset>', 'malformed', /malformed XML at line 1, column \d+: unexpected close tag$/],
    ['a cut-off file', '<urlset><url><loc>https://a.test/1</loc></url>', 'malformed', /malformed XML/],
    ['an unquoted attribute', '<urlset><url id=1><loc>https://a.test/</loc></url></urlset>', 'malformed', /malformed XML at line 1, column \d+: unquoted attribute value$/],
    ['text after the root', '<urlset></urlset>junk', 'malformed', /malformed XML at line 1, column \d+: text data outside of root node$/],
    ['an HTML page', '<!doctype html><html><body>Not found<br></body></html>', 'not-a-sitemap', /not a sitemap \(it is an HTML page\)/],
    ['well-formed XML of another kind', '<rss><channel/></rss>', 'not-a-sitemap', /not a sitemap \(the root element is <rss>\)/],
    ['an empty file', '  \n', 'not-a-sitemap', /the file is empty/],
  ])('fails on %s with a SitemapError naming the sitemap', (_name, text, reason, message) => {
    const error = errorOf(text);
    expect(error).toMatchObject({ reason, sitemap: NAME, code: 'FANOUT_SITEMAP' });
    expect(error.message.startsWith(`sitemap ${NAME}: `)).toBe(true);
    expect(error.message).toMatch(message);
  });

  it('fails past the entry cap, and not at it', () => {
    const three = urlsetXml(['https://a.test/1', 'https://a.test/2', 'https://a.test/3']);
    expect(parse(three, three.length, 3).entries).toHaveLength(3);
    expect(errorOf(three, 2)).toMatchObject({ reason: 'too-many-urls', message: expect.stringContaining('more than 2 entries') });
  });
});
