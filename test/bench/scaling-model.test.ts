import { DURATION_CAP_MEANS, lognormalDurations, seededRandom, zeroOverheadMakespan } from '../../bench/scaling-model';

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
