import { AimdLimiter, LimiterAbortedError } from '../../orchestrator/invokers/lambda-aimd';

/** Acquires `n` slots and returns their release functions. */
async function take(limiter: AimdLimiter, n: number) {
  return Promise.all(Array.from({ length: n }, () => limiter.acquire()));
}

describe('AimdLimiter', () => {
  test('starts at max and queues callers beyond the limit until a slot is released', async () => {
    const limiter = new AimdLimiter({ max: 2 });
    const [a] = await take(limiter, 2);
    let third = false;
    const pending = limiter.acquire().then((release) => {
      third = true;
      return release;
    });
    await Promise.resolve();
    expect({ inFlight: limiter.inFlight, queued: limiter.queued, third }).toStrictEqual({ inFlight: 2, queued: 1, third: false });

    a!();
    (await pending)();
    expect(third).toBe(true);
  });

  test('multiplicative decrease: a throttle halves the limit, never below min', () => {
    let now = 0;
    const limiter = new AimdLimiter({ max: 16, min: 3, decreaseCooldownMs: 1000, now: () => now });
    const limits = [];
    for (let i = 0; i < 4; i++) {
      limiter.onThrottle();
      limits.push(limiter.limit);
      now += 1000;
    }
    expect(limits).toStrictEqual([8, 4, 3, 3]);
  });

  test('a burst of throttles inside the cooldown counts as one congestion event', () => {
    let now = 0;
    const limiter = new AimdLimiter({ max: 16, now: () => now });
    limiter.onThrottle();
    now += 10;
    limiter.onThrottle();
    limiter.onThrottle();
    expect(limiter.limit).toBe(8);
  });

  test('additive increase: about one more slot per window of successes, capped at max', () => {
    const limiter = new AimdLimiter({ max: 10, now: () => 0 });
    limiter.onThrottle(); // 10 -> 5
    for (let i = 0; i < 5; i++) limiter.onSuccess(); // a window of 5 successes
    expect(limiter.limit).toBe(5); // 5 + 5 * (1/5..1/5.8) is just under 6
    for (let i = 0; i < 2; i++) limiter.onSuccess();
    expect(limiter.limit).toBe(6);
    for (let i = 0; i < 1000; i++) limiter.onSuccess();
    expect(limiter.limit).toBe(10);
  });

  test('a lowered limit holds new callers back while more than that many are in flight', async () => {
    const limiter = new AimdLimiter({ max: 4, now: () => 0 });
    const releases = await take(limiter, 4);
    limiter.onThrottle(); // limit 2, 4 in flight
    const waiting = limiter.acquire();
    releases[0]!();
    releases[1]!();
    await Promise.resolve();
    expect(limiter.queued).toBe(1); // 2 in flight = limit: still waiting
    releases[2]!();
    await expect(waiting).resolves.toBeInstanceOf(Function);
    expect(limiter.inFlight).toBe(2);
  });

  test('abort while waiting rejects with LimiterAbortedError and frees the queue position', async () => {
    const limiter = new AimdLimiter({ max: 1 });
    const [release] = await take(limiter, 1);
    const controller = new AbortController();
    const waiting = limiter.acquire(controller.signal);
    controller.abort(new Error('shutdown'));
    await expect(waiting).rejects.toThrow(LimiterAbortedError);
    expect(limiter.queued).toBe(0);
    release!();
    expect(limiter.inFlight).toBe(0);
  });

  test('releasing twice frees one slot only', async () => {
    const limiter = new AimdLimiter({ max: 2 });
    const [a] = await take(limiter, 2);
    a!();
    a!();
    expect(limiter.inFlight).toBe(1);
  });
});
