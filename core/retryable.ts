/**
 * Pure: which records `fanout retry` runs again. A record is retryable when the failure may well be
 * gone on another try: the network, the server or our worker was at fault, not the page or the list.
 */
import type { ErrorKind, Outcome } from './contract';

/**
 * Error kinds that `fanout retry` runs again: `dns`, `connect`, `timeout`, `tls`, `network`,
 * `proxy` (the proxies failed, not the page), `worker-failed` and `not-started`; plus `http` with
 * status 5xx, 429 or 408. Never retried:
 * successes, 4xx other than 408/429, `invalid-url`, `too-large`, `too-many-encodings`, redirect errors, `blocked`,
 * `robots-disallowed`, `internal` (the same input would fail the same way).
 */
export const RETRYABLE_KINDS: ReadonlySet<ErrorKind> = new Set<ErrorKind>(['dns', 'connect', 'timeout', 'tls', 'network', 'proxy', 'worker-failed', 'not-started']);

/** HTTP statuses worth another try later: server errors, Too Many Requests, Request Timeout. */
export function isRetryableStatus(status: number | undefined): boolean {
  return status !== undefined && (status >= 500 || status === 429 || status === 408);
}

/** Whether `fanout retry` should run this record's URL again. */
export function isRetryableRecord(record: Outcome): boolean {
  if (record.ok) return false;
  if (record.error.kind === 'http') return isRetryableStatus(record.error.status);
  return RETRYABLE_KINDS.has(record.error.kind);
}
