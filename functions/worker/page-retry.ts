/**
 * Whether and when to try a page again: one pure function, so the policy is a table in the tests.
 */
import type { ErrorKind } from '../../core/contract';
import { isRetryableStatus } from '../../core/retryable';

/** First backoff ceiling; doubles each retry (full jitter picks uniformly below it). */
export const BACKOFF_BASE_MS = 250;
/** Backoff ceiling never grows past this. */
export const BACKOFF_CAP_MS = 10_000;
/** A server's `Retry-After` is honoured up to this; beyond it we wait this long. */
export const RETRY_AFTER_CAP_MS = 60_000;

export interface RetryInput {
  /** Attempts made so far (1 after the first). */
  attempts: number;
  /** Retries allowed after the first attempt (`options.retries`). */
  retries: number;
  kind: ErrorKind;
  status?: number;
  /** Low-level error code; only `EAI_AGAIN` (a transient DNS failure) makes a `dns` error retryable. */
  code?: string;
  /** The server's `Retry-After`, in ms. */
  retryAfterMs?: number;
  /** Whole wall time one more attempt may take (`options.timeoutMs`). */
  timeoutMs: number;
  /** Epoch ms now. */
  now: number;
  /** Epoch ms by which every attempt must have finished, if any. */
  deadline?: number;
  /** Uniform in [0, 1); injected so the decision is pure. */
  random: number;
}

export type RetryDecision = { retry: false; reason: string } | { retry: true; delayMs: number };

/** Kinds that a second attempt may fix. Redirect, size, TLS and other 4xx answers will not change. */
export function isRetryableAttempt(kind: ErrorKind, status?: number, code?: string): boolean {
  switch (kind) {
    case 'connect':
    case 'timeout':
    case 'network':
      return true;
    case 'dns':
      return code === 'EAI_AGAIN';
    case 'http':
      return isRetryableStatus(status);
    case 'proxy':
      // The next attempt may find a proxy that works; wrong credentials stay wrong.
      return status !== 407;
    default:
      return false;
  }
}

/**
 * Exponential backoff with full jitter (`random * min(cap, base * 2^(retry-1))`), replaced by the
 * server's `Retry-After` (capped at {@link RETRY_AFTER_CAP_MS}) when it sent one. A retry that
 * could not finish (delay + timeoutMs) before `deadline` is not made.
 */
export function decideRetry(input: RetryInput): RetryDecision {
  if (!isRetryableAttempt(input.kind, input.status, input.code)) return { retry: false, reason: 'not retryable' };
  if (input.attempts > input.retries) return { retry: false, reason: 'no retries left' };
  const ceiling = Math.min(BACKOFF_CAP_MS, BACKOFF_BASE_MS * 2 ** (input.attempts - 1));
  const delayMs = input.retryAfterMs !== undefined ? Math.min(Math.max(0, input.retryAfterMs), RETRY_AFTER_CAP_MS) : Math.floor(input.random * ceiling);
  if (input.deadline !== undefined && input.now + delayMs + input.timeoutMs > input.deadline) {
    return { retry: false, reason: 'the worker deadline leaves no time for another attempt' };
  }
  return { retry: true, delayMs };
}
