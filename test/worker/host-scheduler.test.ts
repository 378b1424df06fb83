/** HostScheduler.raise: a running chunk's share of a host grows when the run-wide budget says so. */
import { HostScheduler } from '../../functions/worker/host-scheduler';

const A = 'a.test:443';

function scheduler(limit: number, extra: Partial<ConstructorParameters<typeof HostScheduler>[0]> = {}) {
  const s = new HostScheduler<number>({ total: 64, perHost: 8, hostLimits: { [A]: limit }, ...extra });
  for (let i = 0; i < 10; i++) s.add(A, i, 0);
  return s;
}
const takeAll = (s: HostScheduler<number>) => {
  let n = 0;
  while (s.take(0) !== undefined) n++;
  return n;
};

it('starts more of a host once its limit is raised', () => {
  const s = scheduler(2);
  expect(takeAll(s)).toBe(2);
  s.raise(A, 5, 0);
  expect(takeAll(s)).toBe(3);
  expect(s.running).toBe(5);
});

it('never lowers a limit, and never lifts a refused host, a throttled one or one with a gap', () => {
  const lower = scheduler(4);
  lower.raise(A, 2, 0);
  expect(takeAll(lower)).toBe(4);

  const refused = new HostScheduler<number>({ total: 64, perHost: 8, hostLimits: { [A]: 0 } });
  expect(refused.add(A, 1, 0)).toBe(false);
  refused.raise(A, 5, 0);
  expect(refused.add(A, 1, 0)).toBe(false);

  const throttled = scheduler(4);
  throttled.throttle(A, 0, 0); // 4 -> 2
  throttled.raise(A, 8, 0);
  expect(takeAll(throttled)).toBe(2);

  const gap = scheduler(1, { hostDelayMs: { [A]: 100 } });
  gap.raise(A, 4, 0);
  expect(takeAll(gap)).toBe(1);
});

it('setTotal: a lowered total starts nothing until enough have ended, a raised one starts more at once', () => {
  const s = new HostScheduler<number>({ total: 4, perHost: 8 });
  for (let i = 0; i < 10; i++) s.add(A, i, 0);
  const slots = Array.from({ length: 4 }, () => s.take(0)!.slot);
  expect(s.take(0)).toBeUndefined();
  s.setTotal(2); // a second chunk came to the process: this one's share halves
  s.done(slots.pop()!, 0);
  expect(s.take(0)).toBeUndefined(); // 3 still running, over the new share
  s.done(slots.pop()!, 0);
  s.done(slots.pop()!, 0);
  expect(s.take(0)).toBeDefined(); // 1 running: one more fits
  expect(s.take(0)).toBeUndefined();
  s.setTotal(6); // alone again
  expect(takeAll(s)).toBe(4);
  s.setTotal(0); // ignored: never below 1
  expect(s.running).toBe(6);
});
