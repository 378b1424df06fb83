import { decideRetry, RETRY_AFTER_CAP_MS, type RetryInput } from '../../functions/worker/page-retry';

const NOW = 1_700_000_000_000;
const input = (over: Partial<RetryInput>): RetryInput => ({
  attempts: 1,
  retries: 2,
  kind: 'network',
  timeoutMs: 1_000,
  now: NOW,
  random: 0.5,
  ...over,
});

describe('decideRetry', () => {
  it.each<[string, Partial<RetryInput>, boolean]>([
    ['connect error', { kind: 'connect' }, true],
    ['timeout', { kind: 'timeout' }, true],
    ['network error', { kind: 'network' }, true],
    ['500', { kind: 'http', status: 500 }, true],
    ['503', { kind: 'http', status: 503 }, true],
    ['408', { kind: 'http', status: 408 }, true],
    ['429', { kind: 'http', status: 429 }, true],
    ['404', { kind: 'http', status: 404 }, false],
    ['403', { kind: 'http', status: 403 }, false],
    ['400', { kind: 'http', status: 400 }, false],
    ['dns ENOTFOUND', { kind: 'dns', code: 'ENOTFOUND' }, false],
    ['dns EAI_AGAIN', { kind: 'dns', code: 'EAI_AGAIN' }, true],
    ['tls', { kind: 'tls' }, false],
    ['too-large', { kind: 'too-large' }, false],
    ['redirect-loop', { kind: 'redirect-loop' }, false],
    ['too-many-redirects', { kind: 'too-many-redirects' }, false],
    ['bad-redirect', { kind: 'bad-redirect' }, false],
    ['blocked', { kind: 'blocked' }, false],
    ['internal', { kind: 'internal' }, false],
    ['last retry used', { attempts: 3, retries: 2 }, false],
    ['retries 0', { attempts: 1, retries: 0 }, false],
    ['second of three', { attempts: 2, retries: 2 }, true],
    ['deadline leaves room', { deadline: NOW + 5_000 }, true],
    ['deadline too close for another attempt', { deadline: NOW + 900 }, false],
    ['Retry-After would pass the deadline', { kind: 'http', status: 429, retryAfterMs: 5_000, deadline: NOW + 5_500 }, false],
  ])('%s -> retry %s', (_name, over, retry) => {
    expect(decideRetry(input(over)).retry).toBe(retry);
  });

  it.each([
    // full jitter: random * min(cap, base * 2^(attempts-1)), base 250 ms
    [{ attempts: 1, random: 0.5 }, 125],
    [{ attempts: 2, random: 0.5 }, 250],
    [{ attempts: 3, retries: 5, random: 0.999 }, 999],
    [{ attempts: 1, random: 0 }, 0],
    [{ attempts: 10, retries: 10, random: 0.5 }, 5_000], // capped at 10 s
    [{ kind: 'http' as const, status: 429, retryAfterMs: 1_000 }, 1_000],
    [{ kind: 'http' as const, status: 503, retryAfterMs: 3_600_000 }, RETRY_AFTER_CAP_MS],
  ])('delay for %j is %d ms', (over, delayMs) => {
    expect(decideRetry(input(over))).toStrictEqual({ retry: true, delayMs });
  });
});
