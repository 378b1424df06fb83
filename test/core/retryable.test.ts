import { isRetryableStatus } from '../../core/retryable';

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
