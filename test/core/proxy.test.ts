/**
 * The proxy wire's pure helpers: which proxy URLs are accepted (and what is said of the others,
 * never with a password), redaction of strings that may not even parse, NO_PROXY matching by
 * undici's rules, and the event schema.
 */
import { ScrapeOptionsSchema } from '../../core/contract';
import { bypassesProxy, proxyLabel, proxyUrlProblem, redactProxySettings } from '../../core/proxy';

describe('proxyUrlProblem', () => {
  test.each([
    ['http://127.0.0.1:3128', undefined],
    ['https://proxy.example:443', undefined],
    ['http://user:p%40ss@proxy.example:3128/', undefined],
    ['  http://proxy.example:3128  ', undefined],
    ['socks5://user:pw@127.0.0.1:1080', 'unsupported scheme socks5: (supported: http, https)'],
    ['ftp://proxy.example', 'unsupported scheme ftp: (supported: http, https)'],
    ['proxy.example:3128', 'no scheme (expected http://[user:password@]host:port)'],
    ['not a url', 'no scheme (expected http://[user:password@]host:port)'],
    ['http://[bad', 'not a URL (expected http://[user:password@]host:port)'],
    ['http://proxy.example:3128/some/path', 'a proxy URL has no path, query or fragment (expected http://[user:password@]host:port)'],
    ['http://proxy.example:3128/?a=b', 'a proxy URL has no path, query or fragment (expected http://[user:password@]host:port)'],
  ])('%j -> %j', (raw, problem) => {
    expect(proxyUrlProblem(raw)).toBe(problem);
  });
});

describe('proxyLabel', () => {
  test.each([
    ['http://bob:s3cret@10.0.0.1:3128/', 'http://bob:***@10.0.0.1:3128'],
    ['http://bob@10.0.0.1:3128', 'http://bob@10.0.0.1:3128'],
    ['http://:s3cret@10.0.0.1:3128', 'http://:***@10.0.0.1:3128'],
    ['https://proxy.example', 'https://proxy.example'],
    ['http://u:p%3Aw%40rd@[::1]:8080', 'http://u:***@[::1]:8080'],
    // Strings that do not parse as URLs still lose their password.
    ['http://bob:s3 cret@bad host:3128', 'http://bob:***@bad host:3128'],
    ['bob:s3cret@proxy.example:3128', 'bob:***@proxy.example:3128'],
    ['no credentials here', 'no credentials here'],
  ])('%j -> %j', (raw, label) => {
    expect(proxyLabel(raw)).toBe(label);
    expect(proxyLabel(raw)).not.toContain('s3cret');
  });
});

describe('bypassesProxy (NO_PROXY, undici rules)', () => {
  test.each([
    ['example.com', 443, undefined, false],
    ['example.com', 443, '', false],
    ['example.com', 443, '*', true],
    ['example.com', 443, 'example.com', true],
    ['www.example.com', 443, 'example.com', true],
    ['www.example.com', 443, '.example.com', true],
    ['www.example.com', 443, '*.example.com', true],
    ['notexample.com', 443, 'example.com', false],
    ['example.com', 443, 'example.com:8080', false],
    ['example.com', 8080, 'example.com:8080', true],
    ['EXAMPLE.com', 80, 'other.org, Example.COM', true],
    ['127.0.0.1', 80, 'localhost 127.0.0.1', true],
    ['127.0.0.2', 80, '127.0.0.1', false],
    ['lambda.us-east-1.amazonaws.com', 443, 'localhost,.amazonaws.com', true],
  ])('%s:%d with NO_PROXY=%j -> %s', (host, port, noProxy, expected) => {
    expect(bypassesProxy(host, port, noProxy)).toBe(expected);
  });
});

describe('proxy settings on the wire', () => {
  test('a pool gets its defaults from the schema', () => {
    const options = ScrapeOptionsSchema.parse({ proxy: { mode: 'pool', proxies: ['http://127.0.0.1:3128'] } });
    expect(options.proxy).toStrictEqual({ mode: 'pool', proxies: ['http://127.0.0.1:3128'], rotation: 'request', benchAfterFailures: 3, benchMs: 60_000 });
    expect(options.allowPrivateProxy).toBe(false);
  });

  test('a bad proxy URL in an event is refused with its path, never its password', () => {
    const parsed = ScrapeOptionsSchema.safeParse({ proxy: { mode: 'pool', proxies: ['http://127.0.0.1:3128', 'socks5://u:hunter2@127.0.0.1:1080'] } });
    expect(parsed.success).toBe(false);
    const issue = parsed.error?.issues[0];
    expect(issue?.path).toStrictEqual(['proxy', 'proxies', 1]);
    expect(issue?.message).toBe('bad proxy URL socks5://u:***@127.0.0.1:1080: unsupported scheme socks5: (supported: http, https)');
    expect(JSON.stringify(parsed.error?.issues)).not.toContain('hunter2');
  });

  test('redactProxySettings replaces every proxy URL with its label', () => {
    expect(
      redactProxySettings({ mode: 'pool', proxies: ['http://a:1@127.0.0.1:1', 'http://127.0.0.1:2'], rotation: 'host', benchAfterFailures: 3, benchMs: 10 }),
    ).toStrictEqual({
      mode: 'pool',
      proxies: ['http://a:***@127.0.0.1:1', 'http://127.0.0.1:2'],
      rotation: 'host',
      benchAfterFailures: 3,
      benchMs: 10,
    });
    expect(redactProxySettings({ mode: 'env', httpsProxy: 'http://a:1@10.0.0.1:3128', noProxy: 'localhost' })).toStrictEqual({
      mode: 'env',
      httpsProxy: 'http://a:***@10.0.0.1:3128',
      noProxy: 'localhost',
    });
    expect(redactProxySettings(undefined)).toBeUndefined();
  });
});
