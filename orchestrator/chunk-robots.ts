/**
 * The robots.txt rules a chunk's worker gets for its redirect hops (functions/worker/redirect-robots.ts):
 * those the orchestrator read for the origins of the chunk's URLs, so a redirect within a site
 * costs the worker no robots.txt fetch of its own. Within a size budget per event: a site whose
 * rules would not fit is left out, and a worker that needs it fetches it itself.
 */
import type { RobotsOriginRules, ScrapeOptionsInput } from '../core/contract';
import { toOriginRules, type RobotsRules } from '../http/robots/robots-rules';

/** Characters of patterns one event carries at most (a Lambda event must stay well under 6 MB). */
export const MAX_EVENT_RULES_CHARS = 256 * 1024;

/** The rules read before dispatch, by origin, handed out per chunk. */
export class KnownRobots {
  constructor(private readonly byOrigin: ReadonlyMap<string, RobotsRules>) {}

  /** The rules of the origins of `urls`, as long as they fit in {@link MAX_EVENT_RULES_CHARS}. */
  forUrls(urls: Iterable<string>): Record<string, RobotsOriginRules> {
    const origins: Record<string, RobotsOriginRules> = {};
    let budget = MAX_EVENT_RULES_CHARS;
    for (const url of urls) {
      const origin = originOf(url);
      if (origin === undefined || origin in origins) continue;
      const rules = this.byOrigin.get(origin);
      if (rules === undefined) continue;
      const wire = toOriginRules(rules);
      const size = [...wire.allow, ...wire.disallow].reduce((n, p) => n + p.length + 3, (wire.disallowAll?.length ?? 0) + origin.length);
      if (size > budget) continue;
      budget -= size;
      origins[origin] = wire;
    }
    return origins;
  }
}

function originOf(url: string): string | undefined {
  try {
    return new URL(url).origin;
  } catch {
    return undefined;
  }
}

/** `scrape` for a chunk of `urls`: when it obeys robots.txt on redirects, with the known rules of their origins. */
export function withChunkRobots(scrape: ScrapeOptionsInput | undefined, known: KnownRobots | undefined, urls: Iterable<string>): ScrapeOptionsInput | undefined {
  const robots = scrape?.robotsOnRedirect;
  if (robots === undefined || known === undefined) return scrape;
  return { ...scrape, robotsOnRedirect: { ...robots, origins: { ...robots.origins, ...known.forUrls(urls) } } };
}
