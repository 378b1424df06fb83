/**
 * Pure: after a chunk invocation fails, whether to try again, after how long, and whether that
 * uses up one of the chunk's tries.
 */
import { shouldSplit } from './bisect';
import { InvokeError } from './invoker';

export interface RetryPolicy {
  /** Tries after the first one for a failing chunk. */
  chunkRetries: number;
  /** First backoff; doubles per try, with jitter. */
  retryBaseDelayMs: number;
  /** Backoff ceiling. */
  retryMaxDelayMs: number;
  /** Throttled answers tolerated per chunk; they do not use up a try, but must not loop forever. */
  maxThrottles: number;
}

export type RetryDecision = { retry: true; delayMs: number; usesTry: boolean } | { retry: false };

/**
 * @param failedTries tries of this chunk that failed so far, including this one
 * @param throttles throttled answers so far, including this one if it is one
 * @param random in [0, 1), for jitter (a parameter so tests can pin it)
 */
export function decideRetry(error: unknown, failedTries: number, throttles: number, policy: RetryPolicy, random: number = Math.random()): RetryDecision {
  if (error instanceof InvokeError && error.reason === 'throttled') {
    if (throttles > policy.maxThrottles) return { retry: false };
    const delayMs = error.retryAfterMs ?? backoff(throttles, policy, random);
    return { retry: true, delayMs, usesTry: false };
  }
  if (failedTries > policy.chunkRetries) return { retry: false };
  return { retry: true, delayMs: backoff(failedTries, policy, random), usesTry: true };
}

/** "Equal jitter": half the exponential delay fixed, half random, so retries from many chunks spread out. */
function backoff(n: number, policy: RetryPolicy, random: number): number {
  const exp = Math.min(policy.retryMaxDelayMs, policy.retryBaseDelayMs * 2 ** Math.max(0, n - 1));
  return Math.round(exp / 2 + (exp / 2) * random);
}

const FAILURE_WORDS: Record<string, string> = {
  crashed: 'worker crashed',
  timeout: 'worker timed out',
  throttled: 'worker was throttled',
  network: 'worker could not be reached',
  'bad-response': 'worker gave a bad response',
};

/**
 * The `worker-failed` message: why, how often, and the last error's own words. `alone`: the URL
 * was isolated by splitting its chunk, so it is what kills the worker.
 */
export function workerFailedMessage(error: unknown, tries: number, alone = false): string {
  const reason = error instanceof InvokeError ? error.reason : 'crashed';
  const message = error instanceof Error ? error.message : String(error);
  const where = alone ? ', also when this URL ran alone' : '';
  return `${FAILURE_WORDS[reason] ?? 'worker failed'} on every try (${tries})${where}: ${message}`;
}

/**
 * Whether a rejected invoke should stop the whole run instead of being retried per chunk:
 * anything that is not an {@link InvokeError} (a `LambdaSetupError` such as no such function,
 * access denied or no credentials, a closed invoker, a bug) would fail every chunk the same way.
 */
export function isFatalInvokeFailure(error: unknown): boolean {
  return !(error instanceof InvokeError);
}

/** What to do with a task whose invocation failed (a throttle or a failed try already counted). */
export type FailurePlan = { action: 'retry'; delayMs: number } | { action: 'split' } | { action: 'give-up' };

/**
 * Retry after a backoff while tries are left; else split a chunk that kills its worker (see
 * bisect.ts); else give up (its URLs get `worker-failed`). A stopping run only gives up.
 */
export function planFailure(
  error: unknown,
  task: { failedTries: number; throttles: number; retries: number; remaining: { size: number }; root: { splits: number; splitBudget: number } },
  running: boolean,
  policy: RetryPolicy,
): FailurePlan {
  if (!running) return { action: 'give-up' };
  const decision = decideRetry(error, task.failedTries, task.throttles, { ...policy, chunkRetries: task.retries });
  if (decision.retry) return { action: 'retry', delayMs: decision.delayMs };
  return shouldSplit(error, task.remaining.size, task.root.splits, task.root.splitBudget) ? { action: 'split' } : { action: 'give-up' };
}
