/** The run loop's inbox: FIFO however long the backlog, and shift() waits for an item. */
import { AsyncQueue } from '../../orchestrator/async-queue';

it('keeps FIFO order across its compactions, with pushes and shifts interleaved', async () => {
  const queue = new AsyncQueue<number>();
  const out: number[] = [];
  let next = 0;
  for (let round = 0; round < 5; round++) {
    for (let i = 0; i < 3_000; i++) queue.push(next++);
    for (let i = 0; i < 2_000; i++) out.push(await queue.shift());
  }
  expect(queue.length).toBe(5_000);
  while (queue.length > 0) out.push(await queue.shift());
  expect(out).toStrictEqual(Array.from({ length: 15_000 }, (_, i) => i));
});

it('hands a pushed item to a shift() that was waiting', async () => {
  const queue = new AsyncQueue<string>();
  const waiting = queue.shift();
  queue.push('a');
  await expect(waiting).resolves.toBe('a');
  expect(queue.length).toBe(0);
});
