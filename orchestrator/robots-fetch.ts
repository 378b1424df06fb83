/**
 * Fetches one origin's robots.txt: a small, separate request with its own time limit, size cap and
 * redirect limit. Every outcome is a value: what it means for crawling is decided in robots-policy.
 */
import type { Dispatcher } from 'undici';
import { request } from 'undici';
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

/** GETs `<origin>/robots.txt`, following up to `maxRedirects` redirects by hand (each hop goes through the dispatcher, so the guard sees it). */
export async function fetchRobotsTxt(origin: string, options: RobotsFetchOptions): Promise<RobotsFetchResult> {
  const signal = AbortSignal.timeout(options.timeoutMs);
  let url = `${origin}/robots.txt`;
  try {
    for (let hop = 0; ; hop++) {
      const response = await request(url, {
        dispatcher: options.dispatcher,
        method: 'GET',
        headers: { 'user-agent': options.userAgent, accept: 'text/plain, */*;q=0.5' },
        signal,
      });
      const { statusCode: status, headers, body } = response;
      if (status >= 200 && status < 300) {
        const { text, truncated } = await readCapped(body, options.maxBytes);
        return { kind: 'ok', status, body: text, truncated };
      }
      await body.dump();
      if (status >= 300 && status < 400) {
        const next = redirectTarget(url, headers.location);
        if (next === undefined) return { kind: 'unavailable', status, reason: `${status} without a usable http(s) Location` };
        if (hop >= options.maxRedirects) {
          return { kind: 'unavailable', status, reason: `more than ${options.maxRedirects} redirects` };
        }
        url = next;
        continue;
      }
      // Google and RFC 9309 §2.3.1.4 treat 429 as a server error, not as "no robots.txt".
      if (status >= 400 && status < 500 && status !== 429) return { kind: 'unavailable', status, reason: `HTTP ${status}` };
      return { kind: 'unreachable', status, reason: `HTTP ${status}` };
    }
  } catch (error) {
    const blocked = findBlockedAddressError(error);
    if (blocked) return { kind: 'blocked', reason: blocked.message };
    if (signal.aborted) return { kind: 'no-answer', reason: `no answer within ${options.timeoutMs} ms` };
    return { kind: 'no-answer', reason: error instanceof Error ? error.message : String(error) };
  }
}

function redirectTarget(from: string, location: string | string[] | undefined): string | undefined {
  const value = Array.isArray(location) ? location[0] : location;
  if (!value) return undefined;
  try {
    const next = new URL(value, from);
    return next.protocol === 'http:' || next.protocol === 'https:' ? next.href : undefined;
  } catch {
    return undefined;
  }
}

/** Reads at most `maxBytes`, then drops the connection's remaining body. Decodes as UTF-8 (RFC 9309 §2.3), BOM removed. */
async function readCapped(body: Dispatcher.ResponseData['body'], maxBytes: number) {
  const chunks: Buffer[] = [];
  let size = 0;
  let truncated = false;
  for await (const chunk of body as AsyncIterable<Buffer>) {
    const room = maxBytes - size;
    if (chunk.length > room) {
      chunks.push(chunk.subarray(0, room));
      truncated = true;
      break; // leaving the loop destroys the stream
    }
    chunks.push(chunk);
    size += chunk.length;
  }
  // A cut may split a multi-byte character: `fatal: false` turns the fragment into U+FFFD.
  return { text: new TextDecoder('utf-8').decode(Buffer.concat(chunks)), truncated };
}
