/**
 * ProxyPool as pure state on a clock the test moves: round-robin and sticky rotation, benching
 * after failures in a row, the bench running out, and a run adding up its workers' reports.
 */
import { ProxyPool } from '../../http/proxy-pool';

const URLS = ['http://a:pw@127.0.0.1:1', 'http://127.0.0.1:2', 'http://127.0.0.1:3'];

function poolAt(options: ConstructorParameters<typeof ProxyPool>[1] = {}) {
  const clock = { now: 1_000_000 };
  const pool = new ProxyPool(URLS, { benchMs: 60_000, ...options, now: () => clock.now });
  return { pool, clock };
}

/** Fails proxy `index` `times` times in a row. */
function fail(pool: ProxyPool, index: number, times: number): void {
  for (let i = 0; i < times; i++) {
    pool.started(index);
    pool.failed(index, 'could not be reached: connect ECONNREFUSED');
  }
}

describe('ProxyPool', () => {
  test('labels hide passwords', () => {
    expect(poolAt().pool.labels).toStrictEqual(['http://a:***@127.0.0.1:1', 'http://127.0.0.1:2', 'http://127.0.0.1:3']);
  });

  test('round-robin per request, from the given start, skipping what a request already tried', () => {
    const { pool } = poolAt({ start: 1 });
    expect([pool.pick('x'), pool.pick('x'), pool.pick('x'), pool.pick('x')]).toStrictEqual([1, 2, 0, 1]);
    expect(pool.pick('x', new Set([2]))).toBe(0);
    expect(pool.pick('x', new Set([0, 1, 2]))).toBeUndefined();
  });

  test('sticky per host: the same proxy for a host, on every pool (every worker) alike', () => {
    const hosts = Array.from({ length: 60 }, (_, i) => `site-${i}.example`);
    const one = poolAt({ rotation: 'host' }).pool;
    const other = poolAt({ rotation: 'host' }).pool;
    const first = hosts.map((h) => one.pick(h));
    expect(hosts.map((h) => one.pick(h))).toStrictEqual(first);
    expect(hosts.map((h) => other.pick(h))).toStrictEqual(first);
    // Spread over all three (60 hosts: a pool that sent every host to one proxy would be no pool).
    expect(new Set(first)).toStrictEqual(new Set([0, 1, 2]));
  });

  test('sticky per host: benching a proxy moves only its own hosts, and they come back after the bench', () => {
    const { pool, clock } = poolAt({ rotation: 'host' });
    const hosts = Array.from({ length: 60 }, (_, i) => `site-${i}.example`);
    const before = hosts.map((h) => pool.pick(h));
    fail(pool, 0, 3);
    const during = hosts.map((h) => pool.pick(h));
    hosts.forEach((_, i) => {
      if (before[i] === 0) expect(during[i]).not.toBe(0);
      else expect(during[i]).toBe(before[i]);
    });
    clock.now += 60_000;
    expect(hosts.map((h) => pool.pick(h))).toStrictEqual(before);
  });

  test('benched after 3 failures in a row; a success in between starts the count again', () => {
    const { pool } = poolAt();
    fail(pool, 0, 2);
    pool.succeeded(0);
    fail(pool, 0, 2);
    expect(pool.benchedMs()).toStrictEqual({});
    fail(pool, 0, 1);
    expect(pool.benchedMs()).toStrictEqual({ '0': 60_000 });
    expect([pool.pick('x'), pool.pick('x'), pool.pick('x')]).toStrictEqual([1, 2, 1]);
  });

  test('the bench runs out; then one more failure benches it again at once', () => {
    const { pool, clock } = poolAt();
    fail(pool, 2, 3);
    clock.now += 59_999;
    expect(pool.benchedMs()).toStrictEqual({ '2': 1 });
    clock.now += 1;
    expect(pool.benchedMs()).toStrictEqual({});
    fail(pool, 2, 1);
    expect(pool.benchedMs()).toStrictEqual({ '2': 60_000 });
    expect(pool.stats()[2]).toStrictEqual({
      proxy: 'http://127.0.0.1:3',
      requests: 4,
      failures: 4,
      benched: 2,
      lastError: 'could not be reached: connect ECONNREFUSED',
    });
  });

  test('failures while already benched neither bench again nor stretch the bench', () => {
    const { pool, clock } = poolAt();
    fail(pool, 1, 3);
    clock.now += 10_000;
    fail(pool, 1, 5);
    expect(pool.benchedMs()).toStrictEqual({ '1': 50_000 });
    expect(pool.stats()[1]).toMatchObject({ failures: 8, benched: 1 });
  });

  test('exhausted only while every proxy is benched', () => {
    const { pool, clock } = poolAt();
    fail(pool, 0, 3);
    fail(pool, 1, 3);
    expect(pool.exhausted).toBe(false);
    clock.now += 1_000;
    fail(pool, 2, 3);
    expect(pool.exhausted).toBe(true);
    expect(pool.pick('x')).toBeUndefined();
    clock.now += 59_000; // proxies 0 and 1 are back
    expect(pool.exhausted).toBe(false);
  });

  test("a worker starts with the run's benches, and the run adds up what its workers report", () => {
    const { pool: run, clock } = poolAt();
    const worker = new ProxyPool(URLS, { benchedMs: { '1': 30_000 }, now: () => clock.now });
    expect([worker.pick('x'), worker.pick('x'), worker.pick('x')]).toStrictEqual([0, 2, 0]);
    worker.started(0);
    worker.started(2);
    fail(worker, 2, 3);
    const usage = worker.usage();
    expect(usage).toStrictEqual([
      { requests: 1, failures: 0, benchings: 0, benchedMs: 0 },
      { requests: 0, failures: 0, benchings: 0, benchedMs: 30_000 },
      { requests: 4, failures: 3, benchings: 1, benchedMs: 60_000, lastError: 'could not be reached: connect ECONNREFUSED' },
    ]);
    run.merge(usage);
    run.merge(usage);
    expect(run.stats().map((s) => [s.requests, s.failures, s.benched])).toStrictEqual([
      [2, 0, 0],
      [0, 0, 0],
      [8, 6, 2],
    ]);
    expect(run.benchedMs()).toStrictEqual({ '1': 30_000, '2': 60_000 });
  });
});
