/**
 * The record of a URL that robots.txt forbids, made by the orchestrator before dispatch.
 */
import type { FailureOutcome } from '../core/contract';

/**
 * The outcome of a URL that robots.txt forbids: no attempt was made. `why` replaces the default
 * message (an unreachable robots.txt says so).
 *
 * @example robotsDisallowedOutcome('https://a.test/private/x')
 * // { url, ok: false, error: { kind: 'robots-disallowed', message: 'disallowed by https://a.test/robots.txt' }, attempts: 0 }
 */
export function robotsDisallowedOutcome(url: string, why?: string): FailureOutcome {
  let origin: string;
  try {
    origin = new URL(url).origin;
  } catch {
    origin = url;
  }
  return {
    url,
    ok: false,
    error: { kind: 'robots-disallowed', message: why ?? `disallowed by ${origin}/robots.txt` },
    attempts: 0,
  };
}
