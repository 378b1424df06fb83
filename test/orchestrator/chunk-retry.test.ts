import { InvokeError } from '../../orchestrator/invoker';
import { decideRetry, type RetryPolicy } from '../../orchestrator/chunk-retry';

const policy: RetryPolicy = { chunkRetries: 2, retryBaseDelayMs: 1000, retryMaxDelayMs: 3000, maxThrottles: 5 };

describe('decideRetry', () => {
  it.each([
    [1, 0, { retry: true, delayMs: 500, usesTry: true }],
    [2, 0, { retry: true, delayMs: 1000, usesTry: true }],
    [2, 1, { retry: true, delayMs: 2000, usesTry: true }],
    [3, 0, { retry: false }],
  ])('crash after %i failed tries (random %d)', (tries, random, expected) => {
    expect(decideRetry(new InvokeError('x', 'crashed', 'c'), tries, 0, policy, random)).toStrictEqual(expected);
  });

  it('caps the backoff at retryMaxDelayMs', () => {
    expect(decideRetry(new Error('x'), 2, 0, { ...policy, chunkRetries: 10, retryBaseDelayMs: 10_000 }, 1)).toStrictEqual({ retry: true, delayMs: 3000, usesTry: true });
  });

  it('throttled waits retryAfterMs, uses no try, until maxThrottles', () => {
    const throttled = new InvokeError('429', 'throttled', 'c', 1234);
    expect(decideRetry(throttled, 99, 5, policy)).toStrictEqual({ retry: true, delayMs: 1234, usesTry: false });
    expect(decideRetry(throttled, 0, 6, policy)).toStrictEqual({ retry: false });
    expect(decideRetry(new InvokeError('429', 'throttled', 'c'), 0, 1, policy, 0)).toStrictEqual({ retry: true, delayMs: 500, usesTry: false });
  });
});
