import { Semaphore, type Release } from '../../core/semaphore';

/** Acquires `n` slots at once and returns their release functions. */
function take(slots: Semaphore, n: number): Promise<Release[]> {
  return Promise.all(Array.from({ length: n }, () => slots.acquire()));
}

/** Lets every pending promise callback run. */
const settle = () => new Promise<void>((resolve) => setImmediate(resolve));

/** Records the order in which acquires resolve (or reject). */
function track(slots: Semaphore, name: string, order: string[], signal?: AbortSignal): Promise<Release> {
  return slots.acquire(signal).then(
    (release) => {
      order.push(name);
      return release;
    },
    (reason: unknown) => {
      order.push(`${name}: ${(reason as Error).message}`);
      throw reason;
    },
  );
}

describe('Semaphore', () => {
  it('lets `limit` callers in and queues the next until one releases', async () => {
    const slots = new Semaphore(2);
    const [a] = await take(slots, 2);
    const order: string[] = [];
    const third = track(slots, 'third', order);
    await settle();
    expect({ inFlight: slots.inFlight, queued: slots.queued, order }).toStrictEqual({ inFlight: 2, queued: 1, order: [] });

    a!();
    (await third)();
    expect({ inFlight: slots.inFlight, queued: slots.queued, order }).toStrictEqual({ inFlight: 1, queued: 0, order: ['third'] });
  });

  it('serves waiters first come, first served, and a newcomer never jumps the queue', async () => {
    const slots = new Semaphore(1);
    const [first] = await take(slots, 1);
    const order: string[] = [];
    const waiters = ['a', 'b', 'c'].map((name) => track(slots, name, order));
    first!();
    const late = track(slots, 'late', order);
    for (const waiter of [...waiters, late]) (await waiter)();
    expect(order).toStrictEqual(['a', 'b', 'c', 'late']);
  });

  it('releasing twice frees one slot only', async () => {
    const slots = new Semaphore(2);
    const [a] = await take(slots, 2);
    a!();
    a!();
    expect(slots.inFlight).toBe(1);
  });

  it('rejects with the abort reason and leaves the queue when the wait is aborted', async () => {
    const slots = new Semaphore(1);
    const [held] = await take(slots, 1);
    const controller = new AbortController();
    const order: string[] = [];
    const aborted = track(slots, 'aborted', order, controller.signal);
    const next = track(slots, 'next', order);

    controller.abort(new Error('shutdown'));
    await expect(aborted).rejects.toThrow('shutdown');
    expect(slots.queued).toBe(1);
    held!();
    (await next)();
    expect({ order, inFlight: slots.inFlight }).toStrictEqual({ order: ['aborted: shutdown', 'next'], inFlight: 0 });
  });

  it('rejects at once, without taking a slot, when the signal has already aborted', async () => {
    const slots = new Semaphore(1);
    await expect(slots.acquire(AbortSignal.abort(new Error('too late')))).rejects.toThrow('too late');
    expect({ inFlight: slots.inFlight, queued: slots.queued }).toStrictEqual({ inFlight: 0, queued: 0 });
  });

  it('does not hand a freed slot to a waiter whose signal aborted in the same event', async () => {
    // The holder and the waiter listen to one signal; the holder's listener (registered first)
    // releases, which must not give the slot to a waiter that is about to be rejected.
    const slots = new Semaphore(1);
    const controller = new AbortController();
    const release = await slots.acquire();
    controller.signal.addEventListener('abort', () => release());
    const waiting = slots.acquire(controller.signal);

    controller.abort(new Error('cancelled'));

    await expect(waiting).rejects.toThrow('cancelled');
    expect({ inFlight: slots.inFlight, queued: slots.queued }).toStrictEqual({ inFlight: 0, queued: 0 });
  });

  it('hands the new slots to waiters at once when the limit grows', async () => {
    const slots = new Semaphore(1);
    await take(slots, 1);
    const order: string[] = [];
    for (const name of ['a', 'b', 'c']) void track(slots, name, order);

    slots.limit = 3;
    await settle();

    expect({ order, inFlight: slots.inFlight, queued: slots.queued }).toStrictEqual({ order: ['a', 'b'], inFlight: 3, queued: 1 });
  });

  it('keeps holders when the limit shrinks, and holds new callers back until enough have released', async () => {
    const slots = new Semaphore(4);
    const releases = await take(slots, 4);
    slots.limit = 2;
    const order: string[] = [];
    const waiting = track(slots, 'waiting', order);

    releases[0]!();
    releases[1]!();
    await settle();
    expect({ order, inFlight: slots.inFlight }).toStrictEqual({ order: [], inFlight: 2 });

    releases[2]!();
    await settle();
    expect({ order, inFlight: slots.inFlight }).toStrictEqual({ order: ['waiting'], inFlight: 2 });
    (await waiting)();
  });

  it('holds every caller back at a limit of 0, until it is raised', async () => {
    const slots = new Semaphore(0);
    const order: string[] = [];
    const waiting = track(slots, 'waiting', order);
    await settle();
    expect(order).toStrictEqual([]);

    slots.limit = 1;
    (await waiting)();
    expect(order).toStrictEqual(['waiting']);
  });

  it.each([-1, 1.5, Number.NaN, Number.POSITIVE_INFINITY])('refuses a limit of %p', (limit) => {
    expect(() => new Semaphore(limit)).toThrow(RangeError);
    expect(() => {
      new Semaphore(1).limit = limit;
    }).toThrow(RangeError);
  });
});
