import { parseRetryAfter } from '../../http/retry-after';

const NOW = 1_700_000_000_000;

describe('parseRetryAfter', () => {
  it.each([
    ['1', 1_000],
    [' 120 ', 120_000],
    [new Date(NOW + 30_000).toUTCString(), 30_000],
    [new Date(NOW - 30_000).toUTCString(), 0],
    ['soon', undefined],
    [undefined, undefined],
  ])('%s -> %s', (value, ms) => {
    expect(parseRetryAfter(value, NOW)).toBe(ms);
  });
});
