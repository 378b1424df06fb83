/**
 * HostGate's parked tasks: a slot given back wakes only the tasks that wait on that host, so a
 * run with a thousand parked chunks does not retry them all on every record.
 */
import { HostBudget } from '../../orchestrator/host-budget';
import { HostGate } from '../../orchestrator/host-gate';

const task = (...urls: string[]) => ({ remaining: new Set(urls) });
type T = ReturnType<typeof task>;

function setup() {
  const budget = new HostBudget({ perHost: 1, maxSlotsPerChunk: 8, maxHolders: 4 });
  const gate = new HostGate<T>(budget, { maxParked: 16, onWake: () => {}, now: () => 0 });
  const queue: T[] = [];
  const next = (active: number) => gate.next(() => queue.shift(), active);
  return { budget, gate, queue, next };
}

it('retries a parked task when its own host gives a slot back, not when another host does', () => {
  const { budget, gate, queue, next } = setup();
  const onA = task('http://a.test/1', 'http://a.test/2');
  const onC = task('http://c.test/1', 'http://c.test/2');
  const waitsOnA = task('http://a.test/3');
  queue.push(onA, onC, waitsOnA);
  expect(next(0)).toBe(onA);
  expect(next(1)).toBe(onC);
  expect(next(2)).toBeUndefined(); // a.test's one slot is taken: waitsOnA parks
  expect(gate.parked).toBe(1);

  const offer = jest.spyOn(budget, 'offer');
  onC.remaining.delete('http://c.test/1');
  onC.remaining.delete('http://c.test/2');
  gate.recorded(onC, 'http://c.test/1');
  gate.settled(onC);
  expect(next(1)).toBeUndefined();
  expect(offer).not.toHaveBeenCalled(); // c.test's slot is no use to it: not even tried

  onA.remaining.clear();
  gate.settled(onA);
  expect(next(0)).toBe(waitsOnA);
  expect(offer).toHaveBeenCalledTimes(1);
  expect(gate.parked).toBe(0);
});
