/**
 * One origin's robots.txt, fetched and judged: the one way both the orchestrator (before dispatch)
 * and a worker (on a redirect to an origin it was not told about) learn an origin's rules.
 */
import { fetchRobotsTxt, type RobotsFetchOptions } from './robots-fetch';
import { rulesFromFetch, type RobotsRules, type RulesOptions } from './robots-rules';

export type LoadRobotsOptions = RobotsFetchOptions & RulesOptions;

/** Fetches `<origin>/robots.txt` and returns what it means for our agent. Never rejects. */
export async function loadRobotsRules(origin: string, options: LoadRobotsOptions): Promise<RobotsRules> {
  try {
    return rulesFromFetch(origin, await fetchRobotsTxt(origin, options), options);
  } catch (error) {
    // fetchRobotsTxt returns its failures; a throw here is a bug, judged like an unreachable file.
    return rulesFromFetch(origin, { kind: 'unreachable', reason: `internal: ${String(error)}` }, options);
  }
}
