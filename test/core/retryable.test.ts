import type { Outcome } from '../../core/contract';
import { isRetryableRecord, isRetryableStatus } from '../../core/retryable';

describe('isRetryableStatus', () => {
  it.each<[number | undefined, boolean]>([
    [500, true],
    [503, true],
    [599, true],
    [429, true],
    [408, true],
    [499, false],
    [404, false],
    [403, false],
    [400, false],
    [200, false],
    [undefined, false],
  ])('%p -> %p', (status, expected) => expect(isRetryableStatus(status)).toBe(expected));
});

describe('isRetryableRecord', () => {
  const failure = (kind: string, status?: number): Outcome =>
    ({ url: 'https://example.com/', ok: false, error: { kind, message: 'm', ...(status === undefined ? {} : { status }) }, attempts: 1 }) as Outcome;
  it.each<[Outcome, boolean]>([
    [failure('proxy', 407), true], // the proxies failed, not the page: worth a run once they are fixed
    [failure('proxy', 502), true],
    [failure('proxy'), true],
    [failure('blocked'), false],
    [failure('http', 404), false],
  ])('%j -> %p', (record, expected) => expect(isRetryableRecord(record)).toBe(expected));
});
