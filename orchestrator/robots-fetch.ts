/**
 * Fetches one origin's robots.txt through the pages' own fetch path (http/follow-redirects.ts):
 * the guarded dispatcher, redirects followed by hand with loop detection, one deadline, and the
 * capped decoding reader, here set to truncate rather than fail. Every outcome is a value: what it
 * means for crawling is decided in robots-policy.
 */
import type { Dispatcher } from 'undici';
import { FetchError } from '../http/fetch-error';
import { discardBody, fetchFollowingRedirects, responseHeader, type FinalResponse } from '../http/follow-redirects';
import { parseContentEncoding, readBody } from '../http/read-body';
import { findBlockedAddressError } from '../http/ssrf-guard';

/** What fetching `<origin>/robots.txt` came to. */
export type RobotsFetchResult =
  /** A 2xx answer; `body` is cut at `maxBytes` (RFC 9309 §2.5 lets a crawler stop at a limit). */
  | { kind: 'ok'; status: number; body: string; truncated: boolean }
  /** RFC 9309 "unavailable": a 4xx other than 429, or redirects that went nowhere usable. */
  | { kind: 'unavailable'; status?: number; reason: string }
  /** RFC 9309 "unreachable": the server answered 5xx or 429. */
  | { kind: 'unreachable'; status?: number; reason: string }
  /**
   * No HTTP answer at all (DNS failure, refused or reset connection, the time limit): the pages'
   * own fetches will fail the same way and say so with their true error kind.
   */
  | { kind: 'no-answer'; reason: string }
  /** The SSRF guard refused the address (the worker will say `blocked` for the URLs themselves). */
  | { kind: 'blocked'; reason: string };

export interface RobotsFetchOptions {
  /** Carries the SSRF guard (or not, when private addresses are allowed). */
  dispatcher: Dispatcher;
  userAgent: string;
  /** The whole fetch, redirects and body included. */
  timeoutMs: number;
  maxBytes: number;
  maxRedirects: number;
}

/** Every 3xx with a Location is followed, not only the five that browsers follow (RFC 9309 §2.3.1.2 says "redirects"). */
const ANY_3XX: ReadonlySet<number> = new Set(Array.from({ length: 100 }, (_, i) => 300 + i));
const ACCEPT = 'text/plain, */*;q=0.5';

/**
 * GETs `<origin>/robots.txt`, following up to `maxRedirects` redirects (each hop goes through the
 * dispatcher, so the guard sees it). Never rejects.
 */
export async function fetchRobotsTxt(origin: string, options: RobotsFetchOptions): Promise<RobotsFetchResult> {
  const { dispatcher, userAgent, timeoutMs, maxRedirects } = options;
  try {
    return await fetchFollowingRedirects(
      new URL(`${origin}/robots.txt`),
      { dispatcher, userAgent, timeoutMs, maxRedirects, accept: ACCEPT, redirectStatuses: ANY_3XX },
      (response) => readRobotsTxt(response, options.maxBytes),
    );
  } catch (error) {
    return failure(error, options);
  }
}

/** The final answer (not a redirect) as a robots.txt result. */
async function readRobotsTxt({ status, headers, body }: FinalResponse, maxBytes: number): Promise<RobotsFetchResult> {
  if (status >= 200 && status < 300) {
    const codings = parseContentEncoding(responseHeader(headers, 'content-encoding'));
    const read = await readBody(body, codings, { maxBytes, keep: true, overflow: 'truncate' });
    // UTF-8 (RFC 9309 §2.3), BOM removed. A cut may split a multi-byte character: `fatal: false`
    // turns the fragment into U+FFFD.
    return { kind: 'ok', status, body: new TextDecoder('utf-8').decode(read.body), truncated: read.truncated };
  }
  await discardBody(body);
  // Google and RFC 9309 §2.3.1.4 treat 429 as a server error, not as "no robots.txt".
  if (status >= 400 && status < 500 && status !== 429) return { kind: 'unavailable', status, reason: `HTTP ${status}` };
  return { kind: 'unreachable', status, reason: `HTTP ${status}` };
}

/** What a failed fetch (always a FetchError from the fetch path) means for robots.txt. */
function failure(error: unknown, options: RobotsFetchOptions): RobotsFetchResult {
  const blocked = findBlockedAddressError(error);
  if (blocked) return { kind: 'blocked', reason: blocked.message };
  if (!(error instanceof FetchError)) return { kind: 'no-answer', reason: String(error) };
  switch (error.kind) {
    case 'too-many-redirects':
      return { kind: 'unavailable', reason: `more than ${options.maxRedirects} redirects` };
    case 'bad-redirect':
      return { kind: 'unavailable', status: error.status, reason: `${error.status} without a usable http(s) Location` };
    case 'redirect-loop':
      return { kind: 'unavailable', reason: error.message };
    case 'timeout':
      return { kind: 'no-answer', reason: `no answer within ${options.timeoutMs} ms` };
    default:
      return { kind: 'no-answer', reason: error.message };
  }
}
