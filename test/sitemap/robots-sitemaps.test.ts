import { sitemapsOfRobotsTxt } from '../../orchestrator/sitemap/robots-sitemaps';

describe('sitemapsOfRobotsTxt', () => {
  it.each([
    ['one line', 'Sitemap: https://a.test/s.xml', ['https://a.test/s.xml']],
    [
      'any case, inside or outside groups, CRLF',
      'User-agent: *\r\nDisallow: /x\r\nSITEMAP: https://a.test/1.xml\r\nsitemap:https://a.test/2.xml',
      ['https://a.test/1.xml', 'https://a.test/2.xml'],
    ],
    ['a relative URL, read against the origin', 'Sitemap: /s.xml', ['https://a.test/s.xml']],
    ['a comment after white space', 'Sitemap: https://a.test/s.xml # the main one', ['https://a.test/s.xml']],
    ['the site-map typo', 'Site-map: https://a.test/s.xml', ['https://a.test/s.xml']],
    ['duplicates once, normalised', 'Sitemap: https://A.test/s.xml\nSitemap: https://a.test/s.xml', ['https://a.test/s.xml']],
    ['no value, other schemes, other keys', 'Sitemap:\nSitemap: ftp://a.test/s.xml\nSitemaps: https://a.test/x.xml\n# Sitemap: https://a.test/c.xml', []],
  ])('%s', (_name, body, expected) => {
    expect(sitemapsOfRobotsTxt(body, 'https://a.test')).toStrictEqual(expected);
  });
});
