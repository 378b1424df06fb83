/**
 * Which robots.txt rules a chunk's event carries (orchestrator/chunk-robots.ts).
 */
import type { RobotsRules } from '../../http/robots/robots-rules';
import { fromOriginRules } from '../../http/robots/robots-rules';
import { KnownRobots, MAX_EVENT_RULES_CHARS, withChunkRobots } from '../../orchestrator/chunk-robots';

const rules = (origin: string, disallow: string[]): [string, RobotsRules] => [origin, fromOriginRules(origin, { allow: [], disallow })];

describe('KnownRobots.forUrls', () => {
  it("carries the rules of the URLs' origins only, each once, and an unreachable site's reason", async () => {
    const known = new KnownRobots(
      new Map([
        rules('https://a.test', ['/x']),
        rules('https://b.test', ['/y']),
        ['https://c.test', fromOriginRules('https://c.test', { allow: [], disallow: [], disallowAll: 'https://c.test/robots.txt unreachable (HTTP 503)' })],
      ]),
    );
    expect(known.forUrls(['https://a.test/1', 'https://a.test/2', 'https://c.test/3', 'https://unknown.test/', 'not a url'])).toStrictEqual({
      'https://a.test': { allow: [], disallow: ['/x'] },
      'https://c.test': { allow: [], disallow: [], disallowAll: 'https://c.test/robots.txt unreachable (HTTP 503)' },
    });
  });

  it('leaves out a site whose rules would not fit in the event, for the worker to fetch', () => {
    const huge = Array.from({ length: MAX_EVENT_RULES_CHARS / 100 + 1 }, (_, i) => `/${String(i).padStart(99, 'x')}`);
    const known = new KnownRobots(new Map([rules('https://big.test', huge), rules('https://small.test', ['/s'])]));
    expect(Object.keys(known.forUrls(['https://big.test/', 'https://small.test/']))).toStrictEqual(['https://small.test']);
  });
});

describe('withChunkRobots', () => {
  const known = new KnownRobots(new Map([rules('https://a.test', ['/x'])]));

  it('fills in the origins when the scrape options obey robots.txt on redirects', () => {
    expect(withChunkRobots({ timeoutMs: 5, robotsOnRedirect: {} }, known, ['https://a.test/1'])).toStrictEqual({
      timeoutMs: 5,
      robotsOnRedirect: { origins: { 'https://a.test': { allow: [], disallow: ['/x'] } } },
    });
  });

  it('leaves options without robotsOnRedirect alone (robots.txt ignored)', () => {
    const scrape = { timeoutMs: 5 };
    expect(withChunkRobots(scrape, known, ['https://a.test/1'])).toBe(scrape);
  });
});
