import { scopeTest, siteOf, type CrawlScope } from '../../orchestrator/crawl/scope';

describe('scopeTest', () => {
  it.each<[CrawlScope, string[], string, boolean]>([
    ['host', ['https://www.a.test/x'], 'https://www.a.test/y', true],
    ['host', ['https://www.a.test/x'], 'http://www.a.test/y', true],
    ['host', ['https://www.a.test/x'], 'https://shop.a.test/y', false],
    ['host', ['http://127.0.0.1:8080/'], 'http://127.0.0.1:8081/', false],
    ['host', ['https://a.test/', 'https://b.test/'], 'https://b.test/z', true],
    ['site', ['https://www.example.co.uk/'], 'https://shop.example.co.uk/a', true],
    ['site', ['https://www.example.co.uk/'], 'https://other.co.uk/a', false],
    ['site', ['https://alice.github.io/'], 'https://bob.github.io/', false],
    ['site', ['https://alice.github.io/'], 'https://docs.alice.github.io/', true],
    ['site', ['http://127.0.0.1:8080/'], 'http://127.0.0.1:9090/', true],
    ['prefix', ['https://a.test/docs/intro'], 'https://a.test/docs/api/x', true],
    ['prefix', ['https://a.test/docs/intro'], 'https://a.test/docs', false],
    ['prefix', ['https://a.test/docs/'], 'https://a.test/blog/', false],
    ['prefix', ['https://a.test/docs/'], 'https://b.test/docs/', false],
  ])('%s of %j: %s -> %s', (scope, seeds, url, expected) => {
    expect(scopeTest(seeds, scope)(url)).toBe(expected);
  });

  it.each([
    ['www.example.co.uk', 'example.co.uk'],
    ['alice.github.io', 'alice.github.io'],
    ['127.0.0.1', '127.0.0.1'],
    ['localhost', 'localhost'],
  ])('siteOf(%s) = %s', (host, site) => {
    expect(siteOf(host)).toBe(site);
  });
});
