/**
 * Pure: whether a failed attempt is the host asking us to slow down, and for how long.
 */

/**
 * The pause a failed attempt asks of its host, or undefined when it is no throttle signal:
 * 429 always (Retry-After or 0), 503 only with Retry-After (a bare 503 is as often a broken page).
 */
export function throttlePauseMs(status: number | undefined, retryAfterMs: number | undefined, capMs: number): number | undefined {
  if (status === 429) return Math.min(capMs, Math.max(0, retryAfterMs ?? 0));
  if (status === 503 && retryAfterMs !== undefined) return Math.min(capMs, Math.max(0, retryAfterMs));
  return undefined;
}
