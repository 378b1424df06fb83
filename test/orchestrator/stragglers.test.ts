/**
 * Which invocation Stragglers copies (LATE: longest estimated time to end), on a clock the test
 * moves, so the choice is the same on an idle machine and a loaded one.
 */
import { Stragglers } from '../../orchestrator/stragglers';
import { chunkTask, copyTask, type Task } from '../../orchestrator/run-task';

const urls = (label: string, n: number) => Array.from({ length: n }, (_, i) => `http://${label}.test/${i}`);

/** A Stragglers on a manual clock, with one finished invocation of 1,000 ms (the median). */
function setup(maxCopies = 5) {
  let now = 0;
  const stragglers = new Stragglers(maxCopies, () => now);
  const done = chunkTask(99, urls('done', 1), 0, false);
  stragglers.started(done, new AbortController());
  now = 1_000;
  done.remaining.clear();
  stragglers.settled(done, true);
  return {
    stragglers,
    at: (ms: number) => {
      now = ms;
    },
    start: (task: Task) => stragglers.started(task, new AbortController()),
  };
}

/** Takes `n` URLs out of the task's remaining, as records arriving would. */
function finish(task: Task, n: number): void {
  for (const url of [...task.remaining].slice(0, n)) task.remaining.delete(url);
}

it('copies nothing before any invocation has finished (no median yet)', () => {
  const stragglers = new Stragglers(5, () => 10_000);
  stragglers.started(chunkTask(0, urls('a', 10), 0, false), new AbortController());
  expect(stragglers.pick()).toBeUndefined();
  expect(stragglers.nextPickIn()).toBeUndefined();
});

it('copies an invocation that has sent nothing once it has run half the median, and says when that will be', () => {
  const { stragglers, at, start } = setup();
  const silent = chunkTask(0, urls('a', 10), 0, false);
  start(silent); // at 1,000
  at(1_400);
  expect(stragglers.pick()).toBeUndefined();
  expect(stragglers.nextPickIn()).toBe(101); // half the median (500) + 1, from 1,000
  at(1_501);
  expect(stragglers.pick()).toBe(silent);
});

it('prefers the slow invocation to the big one that is still moving, though the big one has run longer', () => {
  const { stragglers, at, start } = setup();
  const big = chunkTask(0, urls('big', 100), 0, false);
  start(big); // at 1,000
  at(1_500);
  const slow = chunkTask(1, urls('slow', 10), 0, false);
  start(slow); // at 1,500
  at(2_500);
  finish(big, 80); // 80 of 100 in 1,500 ms: about 375 ms to end
  finish(slow, 1); // 1 of 10 in 1,000 ms: about 9,000 ms to end
  expect(stragglers.pick()).toBe(slow);
  stragglers.copied(slow, chunkTask(2, [], 0, false));
  expect(stragglers.pick()).toBeUndefined(); // the big one ends well within twice the median
});

it('waits for a moving invocation until its estimate passes twice the median', () => {
  const { stragglers, at, start } = setup();
  const task = chunkTask(0, urls('a', 10), 0, false);
  start(task); // at 1,000
  at(2_000);
  finish(task, 5); // 5 left at 5 per 1,000 ms: 1,000 ms to end
  expect(stragglers.pick()).toBeUndefined();
  // No record comes: 2,000 * 5 / 5 > 2,000 once it has run past 2,000 ms.
  expect(stragglers.nextPickIn()).toBe(1_001);
  at(3_001);
  expect(stragglers.pick()).toBe(task);
});

it('stops at the cap', () => {
  const { stragglers, at, start } = setup(1);
  const a = chunkTask(0, urls('a', 10), 0, false);
  const b = chunkTask(1, urls('b', 10), 0, false);
  start(a);
  start(b);
  at(5_000);
  stragglers.copied(a, chunkTask(2, [], 0, false));
  expect(stragglers.pick()).toBeUndefined();
  expect(stragglers.nextPickIn()).toBeUndefined();
});

it('hands each copy URLs no copy in flight has, from the end, and stops picking once all are covered', () => {
  const { stragglers, at, start } = setup();
  const task = chunkTask(0, urls('a', 6), 0, false);
  start(task);
  at(5_000);
  const first = stragglers.nextSlice(task, 4);
  expect(first).toStrictEqual({ slice: urls('a', 6).slice(2), index: 0 });
  const copy = copyTask(task, first.slice, first.index);
  stragglers.copied(task, copy);
  expect(stragglers.pick()).toBe(task); // two URLs are still in no copy
  expect(stragglers.nextSlice(task, 4)).toStrictEqual({ slice: urls('a', 6).slice(0, 2), index: 1 });
  stragglers.copied(task, copyTask(task, urls('a', 6).slice(0, 2), 1));
  expect(stragglers.pick()).toBeUndefined();
  stragglers.settled(copy, false); // the first copy failed: its URLs are free to steal again
  expect(stragglers.pick()).toBe(task);
  expect(stragglers.nextSlice(task, 4)).toStrictEqual({ slice: urls('a', 6).slice(2), index: 2 });
});
