import {
  DURATION_CAP_MEANS,
  SLOW_INVOCATION_SHARE,
  endTimes,
  inOrderReference,
  invocationFactor,
  lognormalDurations,
  pageFactor,
  seededRandom,
  zeroOverheadMakespan,
} from '../../bench/scaling-model';

describe('lognormalDurations', () => {
  it('is deterministic per seed', () => {
    expect(lognormalDurations(5, 100, 7)).toStrictEqual(lognormalDurations(5, 100, 7));
    expect(lognormalDurations(5, 100, 7)).not.toStrictEqual(lognormalDurations(5, 100, 8));
  });

  it('has about the requested mean, a heavy tail and the cap', () => {
    const d = lognormalDurations(100_000, 200, 1);
    const mean = d.reduce((a, b) => a + b, 0) / d.length;
    const sorted = [...d].sort((a, b) => a - b);
    expect(mean).toBeGreaterThan(190); // the cap trims a little off E[X] = 200
    expect(mean).toBeLessThan(205);
    expect(sorted[Math.floor(d.length * 0.99)]! / mean).toBeGreaterThan(4); // p99 well above the mean
    expect(Math.max(...d)).toBeLessThanOrEqual(DURATION_CAP_MEANS * 200);
    expect(Math.min(...d)).toBeGreaterThan(0);
  });
});

describe('zeroOverheadMakespan', () => {
  it.each([
    [[5, 1, 1, 1], 2, 5],
    [[1, 1, 1, 1], 2, 2],
    [[3, 3, 3], 1, 9],
    [[2, 2, 4], 2, 6], // in order: 2|2 then 4 starts at 2
    [[], 3, 0],
  ])('list-schedules %j on %i slots in %i', (durations, slots, expected) => {
    expect(zeroOverheadMakespan(durations, slots)).toBe(expected);
  });

  it('is never below total / slots nor the longest job', () => {
    const random = seededRandom(3);
    const d = Array.from({ length: 500 }, () => 1 + random() * 100);
    const total = d.reduce((a, b) => a + b, 0);
    const makespan = zeroOverheadMakespan(d, 16);
    expect(makespan).toBeGreaterThanOrEqual(Math.max(total / 16, ...d));
    expect(makespan).toBeLessThanOrEqual(total / 16 + Math.max(...d)); // Graham's bound for list scheduling
  });
});

describe('endTimes', () => {
  it("list-schedules a worker's URLs on its slots, in order", () => {
    expect(endTimes([5, 3, 4, 1, 2], 2)).toStrictEqual([5, 3, 7, 6, 8]);
    expect(endTimes([5, 3], 8)).toStrictEqual([5, 3]);
    expect(endTimes([], 8)).toStrictEqual([]);
  });
});

describe('the per-URL and per-invocation factors', () => {
  it('are the same for a URL or invocation id on every call, and differ between them', () => {
    expect(pageFactor('https://a.example/1', 1)).toBe(pageFactor('https://a.example/1', 1));
    expect(pageFactor('https://a.example/1', 1)).not.toBe(pageFactor('https://a.example/2', 1));
    expect(invocationFactor('chunk-3~', 1)).toBe(invocationFactor('chunk-3~', 1));
  });

  it('make about 5 % of invocations slow, by 2-6x, and pages average 1', () => {
    const factors = Array.from({ length: 20_000 }, (_, i) => invocationFactor(`chunk-${i}`, 1));
    const slow = factors.filter((f) => f > 1);
    expect(Math.abs(slow.length / factors.length - SLOW_INVOCATION_SHARE)).toBeLessThan(0.01);
    expect(Math.min(...slow)).toBeGreaterThanOrEqual(2);
    expect(Math.max(...slow)).toBeLessThanOrEqual(6);
    const pages = Array.from({ length: 20_000 }, (_, i) => pageFactor(`https://h.example/${i}`, 1));
    expect(Math.abs(pages.reduce((a, b) => a + b, 0) / pages.length - 1)).toBeLessThan(0.03);
  });
});

describe('inOrderReference', () => {
  test('a long chunk late in the list ends no earlier than its start plus its slowest URL', () => {
    // Two slots; chunks of 1 s, then one of 4 s whose slowest URL takes 3 s. In list order it
    // starts at 1 s, so 4 s is the earliest it can end even split finely; the ideal (4 s) would
    // have had to start it first.
    expect(inOrderReference([1000, 1000, 1000, 4000], [500, 500, 500, 3000], 2)).toBe(4000);
    expect(inOrderReference([1000, 1000, 1000, 1000, 4000], [500, 500, 500, 500, 3000], 2)).toBe(5000);
  });

  test('never below total work over slots', () => {
    expect(inOrderReference([1000, 1000, 1000, 1000], [100, 100, 100, 100], 2)).toBe(2000);
  });
});
