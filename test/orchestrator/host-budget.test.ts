/**
 * The run-wide per-host budget as a table: shares, Crawl-delay gaps, throttle slow-downs. Pure, no I/O.
 */
import { HostBudget, THROTTLE_MIN_INTERVAL_MS } from '../../orchestrator/host-budget';

const A = 'a.test:443';
const B = 'b.test:80';
const urls = (entries: Record<string, number>) => new Map(Object.entries(entries));

function budget(perHost = 8, maxSlotsPerChunk = 64, maxHolders = 4) {
  return new HostBudget({ perHost, maxSlotsPerChunk, maxHolders });
}

describe('HostBudget.offer', () => {
  it.each([
    // [perHost, maxSlotsPerChunk, chunks wanting the host, URLs of the host in this chunk, expected slots]
    [8, 64, 1, 100, 8], // alone: the whole budget
    [8, 64, 2, 100, 4], // two chunks want it: half each
    [8, 64, 9, 100, 2], // more wanting than maxHolders (4): a quarter each
    [8, 64, 1, 3, 3], // never more slots than URLs
    [64, 16, 1, 100, 16], // never more than the worker runs at once
    [3, 64, 2, 100, 2], // ceil(3 / 2)
  ])('perHost %i, worker %i, %i wanting, %i URLs -> %i slots', (perHost, maxSlots, wanting, count, expected) => {
    const b = budget(perHost, maxSlots);
    for (let i = 0; i < wanting; i++) b.want(A, 1);
    expect(b.offer(urls({ [A]: count }), 0)).toStrictEqual(urls({ [A]: expected }));
  });

  it('gives a host nothing until its due share is free, or what is free when partial', () => {
    const b = budget(8);
    b.want(A, 1);
    b.take(b.offer(urls({ [A]: 6 }), 0)); // 6 of 8 in use
    b.want(A, 1); // due is now 4, only 2 free
    expect(b.offer(urls({ [A]: 50 }), 0)).toStrictEqual(urls({ [A]: 0 }));
    expect(b.offer(urls({ [A]: 50 }), 0, { partial: true })).toStrictEqual(urls({ [A]: 2 }));
    expect(b.offer(urls({ [A]: 2 }), 0)).toStrictEqual(urls({ [A]: 2 })); // due capped by its 2 URLs
  });

  it('keeps each host to its own budget and returns slots on release', () => {
    const b = budget(2);
    const first = b.take(b.offer(urls({ [A]: 10, [B]: 10 }), 0));
    expect(first.slots).toStrictEqual(urls({ [A]: 2, [B]: 2 }));
    expect(b.offer(urls({ [A]: 10, [B]: 10 }), 0)).toStrictEqual(urls({ [A]: 0, [B]: 0 }));
    b.release(first, 0);
    expect(b.state(A).inUse).toBe(0);
    expect(b.offer(urls({ [B]: 10 }), 0)).toStrictEqual(urls({ [B]: 2 }));
  });
});

describe('HostBudget Crawl-delay', () => {
  it('is one slot, with the next lease no sooner than the delay after the last release', () => {
    const b = budget(8);
    b.setCrawlDelay(A, 200);
    const lease = b.take(b.offer(urls({ [A]: 5 }), 1_000));
    expect(lease.slots.get(A)).toBe(1);
    expect(b.intervals([A, B])).toStrictEqual({ [A]: 200 });
    b.want(A, 1);
    b.release(lease, 1_500);
    expect(b.offer(urls({ [A]: 5 }), 1_699).get(A)).toBe(0);
    expect(b.nextChangeAt(1_600)).toBe(1_700);
    expect(b.offer(urls({ [A]: 5 }), 1_700).get(A)).toBe(1);
  });
});

describe('HostBudget.throttle', () => {
  it('pauses the host for Retry-After and halves its slots, once per overload', () => {
    const b = budget(8);
    const early = b.take(b.offer(urls({ [A]: 4 }), 0));
    const late = b.take(b.offer(urls({ [A]: 4 }), 0));
    b.throttle(A, 1_000, early, 10);
    expect(b.state(A)).toMatchObject({ limit: 4, notBefore: 1_010, throttles: 1 });
    // The second chunk's lease dates from before that slow-down: the same overload, not halved again.
    b.throttle(A, 2_000, late, 20);
    expect(b.state(A)).toMatchObject({ limit: 4, notBefore: 2_020, throttles: 1 });
    b.release(early, 30);
    b.release(late, 30);
    expect(b.offer(urls({ [A]: 9 }), 2_019).get(A)).toBe(0);
    expect(b.offer(urls({ [A]: 9 }), 2_020).get(A)).toBe(4);
  });

  it('goes down to one slot, then spaces requests with a doubling gap', () => {
    const b = budget(2);
    const limits: [number, number][] = [];
    for (let i = 0; i < 4; i++) {
      const lease = b.take(b.offer(urls({ [A]: 2 }), 0, { partial: true }));
      b.throttle(A, 0, lease, 0);
      b.release(lease, 0);
      limits.push([b.state(A).limit, b.state(A).intervalMs]);
    }
    expect(limits).toStrictEqual([
      [1, 0],
      [1, THROTTLE_MIN_INTERVAL_MS],
      [1, THROTTLE_MIN_INTERVAL_MS * 2],
      [1, THROTTLE_MIN_INTERVAL_MS * 4],
    ]);
  });
});

it('rejects a budget of no slots', () => {
  expect(() => new HostBudget({ perHost: 0 })).toThrow(RangeError);
});

describe('HostBudget.shrink', () => {
  it('gives back the slots a chunk in flight can no longer use, and keeps the rest', () => {
    const b = budget(8, 64, 1);
    b.want(A, 1);
    const lease = b.take(b.offer(urls({ [A]: 50 }), 0)); // all 8
    expect(b.state(A).inUse).toBe(8);
    b.shrink(lease, A, 1, 0); // one URL of the chunk left there (say, one that hangs)
    expect([b.state(A).inUse, lease.slots.get(A)]).toStrictEqual([1, 1]);
    b.shrink(lease, A, 3, 0); // never grows a lease
    expect([b.state(A).inUse, lease.slots.get(A)]).toStrictEqual([1, 1]);
    b.release(lease, 0);
    expect(b.state(A).inUse).toBe(0); // released once, not twice
  });

  it('keeps the Crawl-delay gap when the last slot of a host goes back', () => {
    const b = budget(8, 64, 1);
    b.setCrawlDelay(A, 1000);
    b.want(A, 1);
    const lease = b.take(b.offer(urls({ [A]: 5 }), 0));
    b.shrink(lease, A, 0, 100);
    expect(b.state(A).notBefore).toBe(1100);
  });
});

describe('HostBudget.grow', () => {
  it('adds free slots to a lease still held, up to what its chunk can use, and never past the budget', () => {
    const b = budget(8, 64, 2);
    b.want(A, 1);
    b.want(A, 1);
    const first = b.take(b.offer(urls({ [A]: 100 }), 0)); // 4: half, two chunks want it
    const second = b.take(b.offer(urls({ [A]: 1 }), 0)); // 1: all it has
    expect(b.grow(first, A, 100, 0)).toBe(7); // the 3 left free
    expect(b.state(A).inUse).toBe(8);
    expect(b.grow(first, A, 100, 0)).toBeUndefined(); // nothing free
    b.release(second, 0);
    expect(b.grow(first, A, 5, 0)).toBeUndefined(); // holds 7, wants no more than 5
    expect(b.grow(first, A, 100, 0)).toBe(8);
  });

  it('grows no lease on a host with a gap between starts, or one it holds nothing of', () => {
    const b = budget(8, 64, 2);
    b.setCrawlDelay(A, 1_000);
    const lease = b.take(b.offer(urls({ [A]: 10, [B]: 10 }), 0));
    expect(lease.slots.get(A)).toBe(1);
    expect(b.grow(lease, A, 10, 0)).toBeUndefined();
    const none = b.take(new Map([[B, 0]]));
    expect(b.grow(none, B, 10, 0)).toBeUndefined();
  });
});
