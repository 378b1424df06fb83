import { UsageError } from '../../core/errors';
import { compilePattern, urlFilter } from '../../core/url-pattern';

describe('compilePattern', () => {
  it.each([
    ['https://a.test/blog/*', 'https://a.test/blog/2024/05/x', true],
    ['https://a.test/blog/*', 'https://a.test/blogs', false],
    ['https://a.test/blog/*', 'https://b.test/https://a.test/blog/x', false],
    ['*.pdf', 'https://a.test/x.pdf', true],
    ['*.pdf', 'https://a.test/x.pdf?dl=1', false],
    ['https://a.test/p?', 'https://a.test/p1', true],
    ['https://a.test/(x)+', 'https://a.test/(x)+', true],
    ['/\\/blog\\//', 'https://a.test/blog/x', true],
    ['/\\.PDF$/i', 'https://a.test/x.pdf', true],
    ['/^https:\\/\\/a\\.test\\/$/', 'https://a.test/x', false],
  ])('%s on %s: %s', (pattern, url, expected) => {
    expect(compilePattern(pattern).test(url)).toBe(expected);
  });

  it.each([
    ['', /empty URL pattern/],
    ['/([/', /bad URL pattern \/\(\[\/: Invalid regular expression.*; fix the regular expression/],
  ])('rejects %j with a UsageError that says how to fix it', (pattern, message) => {
    expect(() => compilePattern(pattern)).toThrow(UsageError);
    expect(() => compilePattern(pattern)).toThrow(message);
  });
});

describe('urlFilter', () => {
  it.each([
    [[], [], 'https://a.test/x', true],
    [['https://a.test/docs/*'], [], 'https://a.test/docs/a', true],
    [['https://a.test/docs/*'], [], 'https://a.test/blog/a', false],
    [['https://a.test/docs/*', 'https://a.test/blog/*'], [], 'https://a.test/blog/a', true],
    [[], ['*.pdf'], 'https://a.test/a.pdf', false],
    [['https://a.test/docs/*'], ['*.pdf'], 'https://a.test/docs/a.pdf', false],
  ])('include %j, exclude %j: %s -> %s', (include, exclude, url, expected) => {
    expect(urlFilter(include, exclude)(url)).toBe(expected);
  });
});
