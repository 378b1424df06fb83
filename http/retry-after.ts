/**
 * The `Retry-After` response header (RFC 9110 §10.2.3), read where the answer arrives: the fetch
 * path puts it on the `http` FetchError, and the worker's retry policy decides what to do with it.
 */

/**
 * Parses `Retry-After` (delta seconds or an HTTP date) into ms from `now`; undefined if absent or
 * unreadable. A date in the past means "now" (0).
 *
 * @example parseRetryAfter('120', Date.now()) // 120000
 */
export function parseRetryAfter(value: string | undefined, now: number): number | undefined {
  if (value === undefined) return undefined;
  const trimmed = value.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed) * 1000;
  const date = Date.parse(trimmed);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}
