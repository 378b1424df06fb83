/**
 * Fetches one origin's robots.txt through the pages' own fetch path (http/follow-redirects.ts):
 * the guarded dispatcher, redirects followed by hand with loop detection, one deadline, and the
 * capped decoding reader, here set to truncate rather than fail. Every outcome is a value: what it
 * means for crawling is decided in robots-rules.ts.
 */
import type { Dispatcher } from 'undici';
import { FetchError } from '../fetch-error';
import { discardBody, fetchFollowingRedirects, responseHeader, type FinalResponse } from '../follow-redirects';
import { parseContentEncoding, readBody } from '../read-body';
import { findBlockedAddressError } from '../ssrf-guard';

/** What fetching `<origin>/robots.txt` came to. */
export type RobotsFetchResult =
  /** A 2xx answer; `body` (octets, decoded from gzip/br but not from UTF-8) is cut at `maxBytes` (RFC 9309 §2.5). */
  | { kind: 'ok'; status: number; body: Buffer; truncated: boolean }
  /** RFC 9309 "unavailable": a 4xx other than 429, or redirects that went nowhere usable. */
  | { kind: 'unavailable'; status?: number; reason: string }
  /**
   * RFC 9309 "unreachable": the server answered 5xx or 429, or took the request and then failed to
   * answer it: the time limit passed, or the connection was reset or broke mid-answer.
   */
  | { kind: 'unreachable'; status?: number; reason: string }
  /**
   * No server to ask: the name did not resolve, the connection was refused or never made, TLS
   * failed. The pages' own fetches will fail the same way and say so with their true error kind.
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
  /** Stops the fetch from outside (it then ends as unreachable). */
  signal?: AbortSignal;
}

/** Every 3xx with a Location is followed, not only the five that browsers follow (RFC 9309 §2.3.1.2 says "redirects"). */
const ANY_3XX: ReadonlySet<number> = new Set(Array.from({ length: 100 }, (_, i) => 300 + i));
const ACCEPT = 'text/plain, */*;q=0.5';
/** A connection that died after the server took it: the server failed us, as a 5xx would. */
const RESET_CODES = new Set(['ECONNRESET', 'EPIPE', 'ECONNABORTED', 'UND_ERR_SOCKET', 'UND_ERR_CLOSED']);

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
      options.signal,
    );
  } catch (error) {
    return failure(error, options);
  }
}

/** The final answer (not a redirect) as a robots.txt result. */
async function readRobotsTxt({ status, headers, body, signal }: FinalResponse, maxBytes: number): Promise<RobotsFetchResult> {
  if (status >= 200 && status < 300) {
    const codings = parseContentEncoding(responseHeader(headers, 'content-encoding'));
    // The attempt's signal: decoding stops at the deadline too (a stack of codings can outlast it).
    const read = await readBody(body, codings, { maxBytes, keep: true, overflow: 'truncate', signal });
    return { kind: 'ok', status, body: read.body, truncated: read.truncated };
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
  if (options.signal?.aborted) return { kind: 'unreachable', reason: 'the fetch was cancelled' };
  if (!(error instanceof FetchError)) return { kind: 'unreachable', reason: `internal: ${String(error)}` };
  switch (error.kind) {
    case 'too-many-redirects':
      return { kind: 'unavailable', reason: `more than ${options.maxRedirects} redirects` };
    case 'bad-redirect':
      return { kind: 'unavailable', status: error.status, reason: `${error.status} without a usable http(s) Location` };
    case 'redirect-loop':
      return { kind: 'unavailable', reason: error.message };
    case 'timeout':
      return { kind: 'unreachable', reason: `no complete answer within ${options.timeoutMs} ms` };
    case 'network':
      return { kind: 'unreachable', reason: `the connection broke mid-answer: ${error.message}` };
    case 'connect':
      return RESET_CODES.has(error.causeCode ?? '')
        ? { kind: 'unreachable', reason: `the connection was reset: ${error.message}` }
        : { kind: 'no-answer', reason: error.message };
    default:
      return { kind: 'no-answer', reason: error.message };
  }
}
