import { formatBytes } from '../../report/render/format';

describe('formatBytes', () => {
  it.each([
    [0, '0 B'],
    [1023, '1023 B'],
    [1024, '1.00 KiB'],
    [1536, '1.50 KiB'],
    [10 * 1024 * 1024, '10.0 MiB'],
    [123.4 * 1024 * 1024, '123.4 MiB'],
    [1.21 * 1024 ** 3, '1.21 GiB'],
    [2048 * 1024 ** 4, '2048.0 TiB'],
  ])('formatBytes(%d) = %s', (n, text) => expect(formatBytes(n)).toBe(text));
});
