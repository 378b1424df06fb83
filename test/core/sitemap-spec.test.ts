import { UsageError } from '../../core/errors';
import { parseLastmod, parseSince, parseSitemapSource } from '../../core/sitemap-spec';

describe('parseSitemapSource', () => {
  it.each([
    ['https://A.test/sitemap.xml', { kind: 'url', url: 'https://a.test/sitemap.xml' }],
    ['http://127.0.0.1:8080/s.xml.gz', { kind: 'url', url: 'http://127.0.0.1:8080/s.xml.gz' }],
    ['robots:https://a.test', { kind: 'robots', origin: 'https://a.test' }],
    ['ROBOTS:https://a.test:8443/', { kind: 'robots', origin: 'https://a.test:8443' }],
  ])('%s', (raw, expected) => {
    expect(parseSitemapSource(raw)).toStrictEqual(expected);
  });

  it.each([
    ['a.test/sitemap.xml', 'bad --sitemap a.test/sitemap.xml: not an absolute http(s) URL: missing scheme; give the sitemap'],
    ['ftp://a.test/s.xml', 'bad --sitemap ftp://a.test/s.xml: not an absolute http(s) URL: unsupported scheme'],
    ['robots:a.test', 'bad --sitemap robots:a.test: after robots: give the site'],
    ['robots:https://a.test/robots.txt', 'bad --sitemap robots:https://a.test/robots.txt: robots: takes an origin only, e.g. robots:https://a.test'],
  ])('rejects %s', (raw, message) => {
    expect(() => parseSitemapSource(raw)).toThrow(UsageError);
    expect(() => parseSitemapSource(raw)).toThrow(message);
  });
});

describe('parseLastmod', () => {
  it.each([
    ['2024', Date.UTC(2024, 0, 1)],
    ['2024-05', Date.UTC(2024, 4, 1)],
    ['2024-05-31', Date.UTC(2024, 4, 31)],
    ['2024-05-31T10:00Z', Date.UTC(2024, 4, 31, 10)],
    ['2024-05-31T10:00:30+02:00', Date.UTC(2024, 4, 31, 8, 0, 30)],
    ['2024-05-31T10:00:30.5', Date.UTC(2024, 4, 31, 10, 0, 30, 500)],
    [' 2024-05-31 ', Date.UTC(2024, 4, 31)],
    ['2024-13-01', undefined],
    ['yesterday', undefined],
    ['31/05/2024', undefined],
  ])('%j -> %j', (text, expected) => {
    expect(parseLastmod(text)).toBe(expected);
  });
});

describe('parseSince', () => {
  it('reads a date as UTC midnight', () => {
    expect(parseSince('2024-05-31')).toBe(Date.UTC(2024, 4, 31));
  });
  it('rejects what is not a date, saying what to give', () => {
    expect(() => parseSince('last week')).toThrow(new UsageError('bad --since last week: give a date such as 2024-05-31, or a datetime such as 2024-05-31T10:00:00Z'));
  });
});
