import fc from 'fast-check';
import { TopN } from '../../report/top-n';
import { TimeBins } from '../../report/time-bins';

describe('TopN', () => {
  it('keeps exactly the N largest keys, largest first, whatever the input order', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 1000 })), fc.integer({ min: 0, max: 12 }), (keys, n) => {
        const top = new TopN<{ k: number }>(n, (x) => x.k);
        for (const k of keys) top.offer({ k });
        const expected = [...keys].sort((a, b) => b - a).slice(0, n);
        expect(top.sorted().map((x) => x.k)).toStrictEqual(expected);
      }),
    );
  });

  it('accepts() says whether an offer would be kept', () => {
    const top = new TopN<number>(2, (x) => x);
    expect(top.accepts(1)).toBe(true);
    top.offer(5);
    top.offer(7);
    expect(top.accepts(5)).toBe(false);
    expect(top.accepts(6)).toBe(true);
  });
});

describe('TimeBins', () => {
  it('doubles its bin width instead of growing past its cap, without losing counts', () => {
    const bins = new TimeBins(4);
    for (let t = 0; t < 1000; t += 10) bins.add(t);
    expect(bins.counts.length).toBeLessThanOrEqual(4);
    expect(bins.binMs).toBe(400);
    expect(bins.counts.reduce((a, b) => a + b, 0)).toBe(100);
    expect(bins.counts).toStrictEqual([40, 40, 20]);
  });

  it('coarsens for drawing by whole bins', () => {
    const bins = new TimeBins();
    for (const t of [0, 150, 250, 480]) bins.add(t);
    expect(bins.coarsened(2)).toStrictEqual({ binMs: 300, counts: [3, 1] });
  });
});
