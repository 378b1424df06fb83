import fc from 'fast-check';
import { resolveLinks } from '../../functions/worker/parse/parse-page';

/** The plain definition: every href parsed against the base, no shortcuts. */
function reference(hrefs: readonly string[], base: string): string[] {
  const seen = new Set<string>();
  for (const raw of hrefs) {
    const hash = raw.indexOf('#');
    let url: URL;
    try {
      url = new URL(hash === -1 ? raw : raw.slice(0, hash), base);
    } catch {
      continue;
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') continue;
    url.hash = '';
    seen.add(url.href);
  }
  return [...seen];
}

const BASE = 'https://example.com/dir/page.html?q=1';

describe('resolveLinks', () => {
  it.each([
    ['absolute, normalised', ['http://EXAMPLE.org:80/a/../b?c#d'], ['http://example.org/b?c']],
    ['same-scheme without // is relative to the base', ['https:other'], ['https://example.com/dir/other']],
    ['other scheme without // is a path on that scheme', ['http:other'], ['http://other/']],
    ['backslashes after the scheme', ['https:\\\\cdn.example.net\\x'], ['https://cdn.example.net/x']],
    ['upper-case scheme', ['HTTPS://example.net/p'], ['https://example.net/p']],
    ['leading whitespace', ['  http://example.net/p'], ['http://example.net/p']],
    ['a repeated href once', ['/a', 'http://x.org/', '/a', 'http://x.org/'], ['https://example.com/a', 'http://x.org/']],
    ['an invalid absolute href skipped', ['http://', 'https://[::1'], []],
  ])('%s', (_name, hrefs, links) => {
    expect(resolveLinks(hrefs, BASE)).toStrictEqual(links);
    expect(resolveLinks(hrefs, BASE)).toStrictEqual(reference(hrefs, BASE));
  });

  const href = fc.oneof(
    fc.string({ maxLength: 30 }),
    fc.tuple(fc.constantFrom('http://', 'https://', 'http:', 'https:', 'HTTP://', '//', '/', 'http:\\\\', ' https://'), fc.string({ maxLength: 30 })).map(([a, b]) => a + b),
  );
  const base = fc.constantFrom(BASE, 'http://a.test/', 'https://b.test:8443/x/y?z#f', 'http://[::1]/p');

  it('agrees with parsing every href against the base', () => {
    fc.assert(
      fc.property(fc.array(href, { maxLength: 12 }), base, (hrefs, b) => {
        expect(resolveLinks(hrefs, b)).toStrictEqual(reference(hrefs, b));
      }),
      { numRuns: 2000 },
    );
  });
});
