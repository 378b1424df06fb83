import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import type { Outcome } from '../../core/contract';
import { InvokeError } from '../../orchestrator/invoker';
import { LocalInvoker, type LocalInvokerOptions } from '../../orchestrator/invokers/local';
import { runChunks } from '../../orchestrator/run';
import { crashMarker } from '../helpers/fake-workers/echo';
import { childPids, isAlive, waitUntil } from '../helpers/processes';

const FAKE = path.join(__dirname, '../helpers/fake-workers/echo.ts');

let invoker: LocalInvoker | undefined;
afterEach(async () => {
  await invoker?.close();
  invoker = undefined;
});

function fake(workerExport: string, options: LocalInvokerOptions = {}): LocalInvoker {
  invoker = new LocalInvoker({ size: 2, workerModule: FAKE, workerExport, ...options });
  return invoker;
}

const pidOf = (outcome: Outcome | undefined) => (outcome?.ok ? (outcome.data?.pid as number) : undefined);
const urls = (n: number, prefix = 'http://127.0.0.1/p') => Array.from({ length: n }, (_, i) => `${prefix}${i}`);

describe('LocalInvoker', () => {
  test('prestart() starts the whole pool before any chunk, and chunks then run on those processes', async () => {
    const before = childPids();
    const pool = fake('echo', { size: 2 }).prestart();
    const started = childPids().filter((pid) => !before.includes(pid));
    expect(started).toHaveLength(2);
    const result = await pool.invoke({ runId: 'r', chunkId: 'c1', urls: ['http://a.test/'] });
    expect(started).toContain((result.outcomes[0] as unknown as { data: { pid: number } }).data.pid);
  });

  it('runs a chunk in a child process and gives the handler the chunk timeout as its remaining time', async () => {
    const local = fake('echo', { chunkTimeoutMs: 60_000 });
    const result = await local.invoke({ runId: 'r', chunkId: 'c1', urls: urls(3) });

    expect(result.chunkId).toBe('c1');
    expect(result.outcomes.map((o) => o.url)).toStrictEqual(urls(3));
    const first = result.outcomes[0];
    const remaining = first?.ok ? (first.data?.remainingMs as number) : 0;
    expect(remaining).toBeGreaterThan(0);
    expect(remaining).toBeLessThanOrEqual(60_000);
    expect(pidOf(result.outcomes[0])).not.toBe(process.pid);
  });

  it('runs one chunk per child and never more children than `size`', async () => {
    const local = fake('echo', { size: 2 });
    const run = runChunks(
      Array.from({ length: 6 }, (_, k) => urls(2, `http://127.0.0.1/c${k}/`)),
      local,
      { runId: 'pool' },
    );
    const pids = new Set<number | undefined>();
    const seen: string[] = [];
    for await (const outcome of run) {
      pids.add(pidOf(outcome));
      seen.push(outcome.url);
    }
    expect(seen).toHaveLength(12);
    expect(new Set(seen).size).toBe(12);
    expect(pids.size).toBeLessThanOrEqual(2);
  });

  it('a child killed mid-chunk: the chunk is retried and no URL is lost or written twice', async () => {
    const runId = `crash-${process.pid}-${Date.now()}`;
    const local = fake('crashOnce', { size: 2 });
    const chunks = Array.from({ length: 4 }, (_, k) => urls(3, `http://127.0.0.1/c${k}/`));
    const errors: unknown[] = [];
    try {
      const run = runChunks(chunks, local, { runId, retryBaseDelayMs: 10, onChunkError: (e) => errors.push(e.error) });
      const seen: string[] = [];
      for await (const outcome of run) {
        expect(outcome.ok).toBe(true);
        seen.push(outcome.url);
      }
      expect(seen.sort()).toStrictEqual(chunks.flat().sort());
      expect(errors).toHaveLength(1);
      expect(errors[0]).toBeInstanceOf(InvokeError);
      expect(errors[0]).toMatchObject({ reason: 'crashed', message: expect.stringMatching(/was killed by SIGKILL/) });
      expect(fs.existsSync(crashMarker(runId))).toBe(true);
    } finally {
      fs.rmSync(crashMarker(runId), { force: true });
    }
  });

  it('kills and replaces a child that runs past chunkTimeoutMs', async () => {
    const local = fake('hangSome', { size: 1, chunkTimeoutMs: 500 });
    const first = await local.invoke({ runId: 'r', chunkId: 'ok-1', urls: urls(1) });

    await expect(local.invoke({ runId: 'r', chunkId: 'slow', urls: ['http://127.0.0.1/hang'] })).rejects.toMatchObject({
      name: 'InvokeError',
      reason: 'timeout',
      chunkId: 'slow',
      message: 'chunk slow ran past the chunk timeout (500 ms); its worker process was killed',
    });
    const after = await local.invoke({ runId: 'r', chunkId: 'ok-2', urls: urls(1) });

    const oldPid = pidOf(first.outcomes[0])!;
    expect(pidOf(after.outcomes[0])).not.toBe(oldPid);
    expect(await waitUntil(() => !isAlive(oldPid), 5_000)).toBe(true);
  });

  it('a handler that throws fails the invoke as crashed', async () => {
    const local = fake('throws', { size: 1 });
    const error = await local.invoke({ runId: 'r', chunkId: 'c', urls: urls(1) }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InvokeError);
    expect(error).toMatchObject({ reason: 'crashed', message: 'worker threw RangeError: no such chunk' });
  });

  it('a handler returning something else than a WorkerResult fails as bad-response', async () => {
    const local = fake('garbage', { size: 1 });
    await expect(local.invoke({ runId: 'r', chunkId: 'c', urls: urls(1) })).rejects.toMatchObject({ reason: 'bad-response' });
  });

  it('a missing export fails every invoke as crashed, naming the module', async () => {
    const local = fake('noSuchExport', { size: 1 });
    await expect(local.invoke({ runId: 'r', chunkId: 'c', urls: urls(1) })).rejects.toThrow(/has no function export "noSuchExport"/);
  });

  it('an abort kills the busy child and rejects with the abort reason; queued calls are dropped too', async () => {
    const local = fake('hangSome', { size: 1 });
    const controller = new AbortController();
    const busy = local.invoke({ runId: 'r', chunkId: 'a', urls: ['http://127.0.0.1/hang'] }, controller.signal);
    const queued = local.invoke({ runId: 'r', chunkId: 'b', urls: ['http://127.0.0.1/hang'] }, controller.signal);
    setTimeout(() => controller.abort(new Error('user cancelled')), 300);
    await expect(busy).rejects.toThrow('user cancelled');
    await expect(queued).rejects.toThrow('user cancelled');
  });

  it('close() ends every child and rejects what is in flight', async () => {
    const local = fake('hangSome', { size: 2 });
    const idle = await local.invoke({ runId: 'r', chunkId: 'a', urls: urls(1) });
    const busy = local.invoke({ runId: 'r', chunkId: 'b', urls: ['http://127.0.0.1/hang'] });
    busy.catch(() => {}); // observed below, after close
    await new Promise((resolve) => setTimeout(resolve, 300));
    await local.close();
    await expect(busy).rejects.toMatchObject({ reason: 'crashed', message: 'chunk b was cut short: the invoker closed' });
    expect(isAlive(pidOf(idle.outcomes[0])!)).toBe(false);
    await expect(local.invoke({ runId: 'r', chunkId: 'c', urls: urls(1) })).rejects.toThrow('LocalInvoker is closed');
  });

  it('close() rejects the calls queued for a child as closed, and the busy one as cut short', async () => {
    const local = fake('hangSome', { size: 1 });
    const busy = local.invoke({ runId: 'r', chunkId: 'a', urls: ['http://127.0.0.1/hang'] });
    const queued = local.invoke({ runId: 'r', chunkId: 'b', urls: urls(1) });
    busy.catch(() => {}); // observed below, after close
    queued.catch(() => {});
    await new Promise((resolve) => setImmediate(resolve)); // `busy` has its child, `queued` waits for it

    await local.close();

    await expect(busy).rejects.toMatchObject({ reason: 'crashed', message: 'chunk a was cut short: the invoker closed' });
    await expect(queued).rejects.toThrow('LocalInvoker is closed');
  });

  it('children do not outlive a parent that is SIGKILLed', async () => {
    const script = path.join(__dirname, '../helpers/fake-workers/orphan-parent.ts');
    const stdout = await new Promise<string>((resolve) => {
      execFile(process.execPath, ['--require', require.resolve('tsx/cjs'), script], (_error, out) => resolve(out));
    });
    const childPid = Number(stdout.trim());
    expect(childPid).toBeGreaterThan(0);
    expect(await waitUntil(() => !isAlive(childPid), 5_000)).toBe(true);
  });
});

describe('raiseHostLimits', () => {
  const event = (chunkId: string, url: string) => ({ runId: 'r', chunkId, urls: [url], options: { hostLimits: { 'a.test:80': 2 } } });
  const limitsOf = (result: { outcomes?: Outcome[] }) => (result.outcomes?.[0] as { data?: unknown } | undefined)?.data;

  it('reaches a chunk running in its child over IPC', async () => {
    const local = fake('reportLimits', { size: 1 });
    let told = false;
    // Raised once its first record shows the chunk is running, so the limits can only come over IPC.
    const running = local.invoke(event('c1', 'http://a.test/wait'), undefined, () => {
      told = local.raiseHostLimits('c1', { 'a.test:80': 5 });
    });
    expect(limitsOf(await running)).toStrictEqual({ hostLimits: { 'a.test:80': 5 } });
    expect(told).toBe(true);
  });

  it('goes into the event of a chunk not sent to a child yet, for hosts it holds', async () => {
    const local = fake('reportLimits', { size: 1 });
    const pending = local.invoke(event('c2', 'http://a.test/now'));
    expect(local.raiseHostLimits('c2', { 'a.test:80': 6, 'b.test:80': 3 })).toBe(true);
    expect(limitsOf(await pending)).toStrictEqual({ hostLimits: { 'a.test:80': 6 } });
  });
});

describe('LocalInvoker with jobsPerChild', () => {
  // The answer's own record is the last: a chunk invoked without onRecord keeps its streamed ones before it.
  const dataOf = (result: { outcomes?: Outcome[] }) => (result.outcomes?.at(-1) as { data?: Record<string, unknown> } | undefined)?.data;
  const chunk = (chunkId: string, url: string) => ({ runId: 'r', chunkId, urls: [url] });

  it('runs several chunks at once in one child, so a chunk stuck on a URL holds one job, not the process', async () => {
    const local = fake('hangSome', { size: 1, jobsPerChild: 2 });
    expect(local.capacity).toBe(2);
    const stuck = new AbortController();
    const hung = local.invoke(chunk('hang', 'http://a.test/hang'), stuck.signal);
    hung.catch(() => undefined);
    // One job is stuck for good: the other keeps taking chunks, all in the same process.
    const results = [];
    for (let k = 0; k < 3; k++) results.push(await local.invoke(chunk(`c${k}`, `http://a.test/${k}`)));
    expect(new Set(results.map((r) => dataOf(r)?.pid)).size).toBe(1);
    stuck.abort(new Error('stop'));
    await expect(hung).rejects.toThrow('stop');
  });

  it('kills a child for one chunk and fails its other chunk as crashed, saying why', async () => {
    const local = fake('hangSome', { size: 1, jobsPerChild: 2 });
    const first = new AbortController();
    const a = local.invoke(chunk('a', 'http://a.test/hang-a'), first.signal);
    const b = local.invoke(chunk('b', 'http://a.test/hang-b'));
    a.catch(() => undefined);
    await new Promise((resolve) => setTimeout(resolve, 200)); // both sent to the child
    first.abort(new Error('cancelled'));
    await expect(a).rejects.toThrow('cancelled');
    const error = await b.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InvokeError);
    expect(error).toMatchObject({ reason: 'crashed', chunkId: 'b', message: expect.stringContaining('was killed with chunk a: cancelled') });
    // The pool replaces the child: the next chunk runs.
    expect(dataOf(await local.invoke(chunk('c', 'http://a.test/ok')))?.pid).toEqual(expect.any(Number));
  });

  it("tells each chunk its share of the process's concurrency as chunks come and go", async () => {
    const local = fake('reportShares', { size: 1, jobsPerChild: 2, workerConcurrency: 10 });
    let second: Promise<unknown> | undefined;
    // Alone, the first chunk is told 10; once the second is sent, both are told 5.
    const first = local.invoke(chunk('a', 'http://a.test/n2'), undefined, () => {
      second ??= local.invoke(chunk('b', 'http://a.test/n1'));
    });
    expect(dataOf(await first)?.totals).toStrictEqual([10, 5]);
    expect(dataOf((await second) as { outcomes?: Outcome[] })?.totals).toStrictEqual([5]);
  });
});
