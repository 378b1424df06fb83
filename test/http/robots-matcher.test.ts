/**
 * The RFC 9309 matcher's pure parts, table-driven: canonical forms, pattern matching, and which
 * group of a file applies. The conformance suites (test/conformance/robots.test.ts) run the same
 * code over hundreds of cases through the fetch path; these pin down the rules one at a time.
 */
import { canonicalPath, canonicalPattern, isPathAllowed, patternMatches } from '../../http/robots/robots-pattern';
import { parseRobotsTxt } from '../../http/robots/robots-txt';

describe('canonicalPattern and canonicalPath', () => {
  it.each([
    ['/%73ecret', '/secret', '/secret'],
    ['/%7ejoe/%7Efred', '/~joe/~fred', '/~joe/~fred'],
    ['/a%2fb', '/a%2Fb', '/a%2Fb'],
    ['/caf\u00c3\u00a9', '/caf%C3%A9', '/caf%C3%A9'],
    ['/100%', '/100%25', '/100%25'],
    ['/a*b$', '/a*b$', '/a%2Ab%24'],
    ['/a$b', '/a%24b', '/a%24b'],
    ['/q?x=1&y="z"', '/q?x=1&y=%22z%22', '/q?x=1&y=%22z%22'],
  ])('%j: pattern %j, path %j', (text, pattern, path) => {
    expect([canonicalPattern(text), canonicalPath(new URL(`http://a.test${text.startsWith('/') ? '' : '/'}${Buffer.from(text, 'latin1').toString('utf8')}`))]).toStrictEqual([
      pattern,
      path,
    ]);
  });
});

describe('patternMatches', () => {
  it.each([
    ['/fish', '/fish.html', true],
    ['/fish', '/Fish', false],
    ['/fish$', '/fish', true],
    ['/fish$', '/fish/', false],
    ['/*.php', '/folder/index.php?x', true],
    ['/*.php$', '/index.php?x', false],
    ['/a*b*c', '/aXbYc', true],
    ['/a*b*c', '/aXcYb', false],
    ['/a*c$', '/abcbc', true],
    ['*', '/anything', true],
    ['/a**b', '/ab', true],
    ['fish', '/fish', false],
  ])('%j vs %j: %s', (pattern, path, expected) => expect(patternMatches(pattern, path)).toBe(expected));
});

describe('isPathAllowed', () => {
  it.each([
    [{ allow: [], disallow: ['/'] }, '/page', false],
    [{ allow: ['/page'], disallow: ['/'] }, '/page', true],
    [{ allow: ['/p'], disallow: ['/page'] }, '/page', false],
    [{ allow: ['/page'], disallow: ['/page'] }, '/page', true],
    [{ allow: [], disallow: ['/'] }, '/robots.txt', true],
    [{ allow: [], disallow: [] }, '/x', true],
  ])('%j, %j: %s', (rules, path, expected) => expect(isPathAllowed(rules, path)).toBe(expected));
});

describe('parseRobotsTxt', () => {
  it.each([
    ['our group over *', 'User-agent: *\nDisallow: /a\n\nUser-agent: fanout\nDisallow: /b\n', { rules: { allow: [], disallow: ['/b'] } }],
    ['* when ours is absent', 'User-agent: other\nDisallow: /b\n\nUser-agent: *\nDisallow: /a\n', { rules: { allow: [], disallow: ['/a'] } }],
    [
      'groups of ours merged',
      'User-agent: fanout\nDisallow: /a\n\nUser-agent: x\nDisallow: /x\n\nUser-agent: FANOUT\nAllow: /b\n',
      { rules: { allow: ['/b'], disallow: ['/a'] } },
    ],
    ['an empty group of ours allows all', 'User-agent: *\nDisallow: /\n\nUser-agent: fanout\n', { rules: { allow: [], disallow: [] } }],
    ['agents share a group until a rule', 'User-agent: a\nUser-agent: fanout\nSitemap: /s.xml\nUser-agent: c\nDisallow: /\n', { rules: { allow: [], disallow: ['/'] } }],
    ['a token is its leading letters', 'User-agent: fanout/2.0\nDisallow: /v2\n', { rules: { allow: [], disallow: ['/v2'] } }],
    ['rules before a group are ignored', 'Disallow: /a\nUser-agent: *\nDisallow: /b\n', { rules: { allow: [], disallow: ['/b'] } }],
    ['empty Disallow matches nothing', 'User-agent: *\nDisallow:\n', { rules: { allow: [], disallow: [] } }],
    ['comments, CRLF, missing colon, key case', 'user-agent *\r\nDISALLOW: /a # not /b\r\n', { rules: { allow: [], disallow: ['/a'] } }],
    [
      'crawl-delay of the chosen group',
      'User-agent: *\nCrawl-delay: 2\n\nUser-agent: fanout\nCrawl-delay: 0.5\nDisallow: /x\n',
      { rules: { allow: [], disallow: ['/x'] }, crawlDelaySecs: 0.5 },
    ],
    ['a bad crawl-delay is none', 'User-agent: *\nCrawl-delay: soon\nDisallow: /x\n', { rules: { allow: [], disallow: ['/x'] } }],
  ])('%s', (_name, body, expected) => expect(parseRobotsTxt(body, 'fanout')).toStrictEqual(expected));

  it('skips a UTF-8 byte order mark and reads non-ASCII rules as UTF-8 octets', () => {
    const body = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('User-agent: *\nDisallow: /ツ\n')]);
    expect(parseRobotsTxt(body, 'fanout').rules.disallow).toStrictEqual(['/%E3%83%84']);
  });
});
