import { SMALL_HEAP_FROM_BYTES, SMALL_HEAP_FROM_URLS, preferSmallHeapForFile, wantsSmallHeap } from '../../cli/heap-mode';

describe('heap mode (memory over speed for very long lists)', () => {
  test.each([
    [{ urls: 0 }, false],
    [{ urls: SMALL_HEAP_FROM_URLS - 1 }, false],
    [{ urls: SMALL_HEAP_FROM_URLS }, true],
    [{ bytes: 1024 }, false],
    [{ bytes: SMALL_HEAP_FROM_BYTES - 1 }, false],
    [{ bytes: SMALL_HEAP_FROM_BYTES }, true],
  ])('%j -> %s', (list, expected) => {
    expect(wantsSmallHeap(list)).toBe(expected);
  });

  test('a missing list file is left to the reader to report', () => {
    expect(preferSmallHeapForFile('/nonexistent/urls.txt')).toBe(false);
  });

  test('a small list file keeps the fast heap', () => {
    expect(preferSmallHeapForFile(__filename)).toBe(false);
  });
});
