import fc from 'fast-check';
import { BUCKET_COUNT, bucketHighMs, bucketLowMs, bucketOf, LogHistogram } from '../../report/histogram';

describe('bucketOf', () => {
  it.each([0, 0.5, 1, 1.04, 2, 99.9, 100, 1234.5, 60_000, 900_000])('puts %p ms in a bucket whose bounds contain it', (ms) => {
    const i = bucketOf(ms);
    expect(bucketLowMs(i)).toBeLessThanOrEqual(ms);
    expect(bucketHighMs(i)).toBeGreaterThan(ms);
  });

  it('sends values past the range, NaN and negatives to the end buckets instead of throwing', () => {
    expect(bucketOf(1e12)).toBe(BUCKET_COUNT - 1);
    expect(bucketOf(Number.NaN)).toBe(0);
    expect(bucketOf(-5)).toBe(0);
  });
});

describe('LogHistogram', () => {
  it('is empty until something is added', () => {
    const h = new LogHistogram();
    expect(h.quantile(0.5)).toBeNull();
    expect(h.meanMs()).toBeNull();
  });

  it('estimates every percentile within one bucket (≈9%) of the exact nearest-rank value', () => {
    const relativeBucketWidth = 2 ** (1 / 8) - 1;
    fc.assert(
      fc.property(fc.array(fc.double({ min: 1, max: 500_000, noNaN: true }), { minLength: 1, maxLength: 300 }), fc.constantFrom(0.5, 0.9, 0.95, 0.99, 1), (samples, q) => {
        const h = new LogHistogram();
        for (const s of samples) h.add(s);
        const sorted = [...samples].sort((a, b) => a - b);
        const exact = sorted[Math.ceil(q * sorted.length) - 1]!;
        const estimate = h.quantile(q)!;
        expect(Math.abs(estimate - exact) / exact).toBeLessThanOrEqual(relativeBucketWidth);
      }),
    );
  });

  it('keeps exact count, mean, min and max, and merges like adding the samples', () => {
    const a = new LogHistogram();
    const b = new LogHistogram();
    const all = new LogHistogram();
    [3, 40, 500].forEach((ms) => {
      a.add(ms);
      all.add(ms);
    });
    [0.2, 7000].forEach((ms) => {
      b.add(ms);
      all.add(ms);
    });
    a.merge(b);
    expect(a.count).toBe(5);
    expect(a.meanMs()).toBeCloseTo((3 + 40 + 500 + 0.2 + 7000) / 5);
    expect([a.minMs, a.maxMs]).toStrictEqual([0.2, 7000]);
    expect([...a.counts]).toStrictEqual([...all.counts]);
  });
});
