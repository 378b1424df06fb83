/**
 * Orchestrator scaling bench (no network): the real readUrls -> chunkUrls -> runChunks (with the
 * run-wide per-host budget over 10,000 hosts) -> JSONL writer pipeline, with a simulated Invoker
 * whose workers run in another process (bench/scaling-worker.ts) and stream records as the model in
 * scaling-model.ts says (heavy-tailed chunks, some slow invocations).
 * Measures makespan against the ideal, the orchestrator's CPU, and its RSS over time.
 * Run in its own process so RSS is the orchestrator's alone. Prints one JSON line: {@link ScalingResult}.
 *
 * argv: [urls, inFlight, chunkSize, meanChunkMs, seed, copies (-1: the default cap)]
 */
import { fork, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Outcome, WorkerEventInput, WorkerResult } from '../core/contract';
import { chunkUrls } from '../orchestrator/chunk';
import { HostBudget } from '../orchestrator/host-budget';
import type { Invoker } from '../orchestrator/invoker';
import { readUrls } from '../orchestrator/read-urls';
import { runChunks } from '../orchestrator/run';
import { openOutput } from '../cli/write-output';
import { WORKER_CONCURRENCY, endTimes, inOrderReference, invocationFactor, lognormalDurations, pageFactor, zeroOverheadMakespan } from './scaling-model';
import { outcomeFor, type SimCancel, type SimInvoke, type SimReply } from './scaling-worker';

export interface ScalingResult {
  urls: number;
  chunks: number;
  chunkSize: number;
  inFlight: number;
  meanChunkMs: number;
  maxChunkMs: number;
  /** max(total chunk time / inFlight, longest chunk), every invocation at full speed: the bound without slow invocations. */
  idealMs: number;
  /** The in-order reference (scaling-model.ts inOrderReference): chunks started in list order, at full speed, each split as finely as helps. */
  inOrderMs?: number;
  /** The same chunks, in the same order, on `inFlight` slots with zero orchestrator overhead and no copies (slow invocations included). */
  zeroOverheadMs: number;
  /** Speculative copies the run made (its cap: `copies` argv, -1 = runChunks' default). */
  speculative: number;
  /** Invocations, copies included, and how many of them the model made slow. */
  invocations: number;
  slowInvocations: number;
  makespanMs: number;
  readMs: number;
  /** CPU of the orchestrator process over the whole bench (read, chunk, run, write), s: the simulated workers run in their own process. */
  cpuS: number;
  /** CPU of the simulated workers' process (timers, building and sending records), s. */
  workersCpuS?: number;
  peakRssMb: number;
  /** [seconds since start, RSS MB, V8 heap used MB] every ~250 ms. */
  rssSamples: [number, number, number][];
  outcomes: number;
}

/** Hosts the list spreads over, round-robin: every chunk leases its share of each through the run-wide per-host budget. */
const HOSTS = 10_000;
const PER_HOST = 8;
const SAMPLE_MS = 250;

/**
 * The Invoker the run loop sees: each invocation goes to the simulated workers' process
 * (bench/scaling-worker.ts), which times its URLs as the model in scaling-model.ts says and
 * streams each record back as its URL ends. A cancelled invocation stops sending.
 */
class ModelInvoker implements Invoker {
  /** Invocations started, and how many of them ran slow. */
  invocations = 0;
  slow = 0;
  private nextId = 1;
  private readonly running = new Map<number, { onRecord?: (record: Outcome) => void; end: () => void }>();
  private readonly child: ChildProcess;
  constructor(
    readonly capacity: number,
    private readonly unitMs: number,
    private readonly hostFactors: Float64Array,
    private readonly seed: number,
  ) {
    this.child = fork(path.join(__dirname, 'scaling-worker.ts'), [], {
      execArgv: ['--require', require.resolve('tsx/cjs')],
      serialization: 'advanced',
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    this.child.on('message', (reply: SimReply) => {
      const job = this.running.get(reply.id);
      if (job === undefined) return; // cancelled
      if (reply.type === 'records') for (const record of reply.records) job.onRecord?.(record);
      else job.end();
    });
  }
  invoke(event: WorkerEventInput, signal?: AbortSignal, onRecord?: (record: Outcome) => void): Promise<WorkerResult> {
    const chunk = Number(/^chunk-(\d+)/.exec(event.chunkId)![1]);
    const speed = invocationFactor(event.chunkId, this.seed);
    this.invocations++;
    if (speed > 1) this.slow++;
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      const onAbort = () => {
        this.running.delete(id);
        this.child.send({ type: 'cancel', id } satisfies SimCancel);
        reject(signal?.reason);
      };
      // The result follows the last record, as a worker's end message follows its records.
      const end = () => {
        this.running.delete(id);
        signal?.removeEventListener('abort', onAbort);
        const outcomes = onRecord === undefined ? event.urls.map(outcomeFor) : [];
        resolve({ runId: event.runId, chunkId: event.chunkId, outcomes, unstarted: [], stats: { ok: event.urls.length, failed: 0, bytes: 0, ms: 0 } });
      };
      this.running.set(id, { onRecord, end });
      signal?.addEventListener('abort', onAbort, { once: true });
      this.child.send({ type: 'invoke', id, urls: event.urls, scale: this.unitMs * this.hostFactors[chunk]! * speed, seed: this.seed } satisfies SimInvoke);
    });
  }
  /** The simulated workers' CPU seconds so far, from /proc (Linux), or NaN. */
  workersCpuS(): number {
    try {
      const fields = fs.readFileSync(`/proc/${this.child.pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
      return (Number(fields[11]) + Number(fields[12])) / 100;
    } catch {
      return Number.NaN;
    }
  }
  /** Resolves once the simulated workers' process has loaded and answered an empty invocation (not counted). */
  ready(): Promise<void> {
    const id = this.nextId++;
    return new Promise((resolve) => {
      this.running.set(id, { end: resolve });
      this.child.send({ type: 'invoke', id, urls: [], scale: 0, seed: this.seed } satisfies SimInvoke);
    });
  }
  async close(): Promise<void> {
    this.child.disconnect();
  }
}

async function main(): Promise<void> {
  const [n = 100_000, inFlight = 1000, chunkSize = 25, meanChunkMs = 2000, seed = 1, copies = -1] = process.argv.slice(2).map(Number);
  const started = performance.now();
  const rssSamples: [number, number, number][] = [];
  let peakRss = 0;
  // With --expose-gc (diagnosis only), each sample follows a full GC, so heap used is the live set.
  const gc = (globalThis as { gc?: () => void }).gc;
  const sample = () => {
    gc?.();
    const { rss, heapUsed } = process.memoryUsage();
    peakRss = Math.max(peakRss, rss / 2 ** 20);
    rssSamples.push([Math.round(performance.now() - started) / 1000, Math.round(rss / 2 ** 20), Math.round(heapUsed / 2 ** 20)]);
  };
  const sampler = setInterval(sample, SAMPLE_MS);
  sample();

  // The list is generated first; what is measured starts at reading it, as `fanout run` would.
  const file = path.join(os.tmpdir(), `fanout-bench-urls-${process.pid}.txt`);
  const out = fs.openSync(file, 'w');
  const BATCH = 10_000;
  for (let i = 0; i < n; i += BATCH) {
    let text = '';
    for (let j = i; j < Math.min(n, i + BATCH); j++) text += `https://site-${j % HOSTS}.example/item/${j}\n`;
    fs.writeSync(out, text);
  }
  fs.closeSync(out);

  const cpuStart = process.cpuUsage();
  const readStarted = performance.now();
  const list = await readUrls(file);
  fs.rmSync(file, { force: true });
  const chunks = chunkUrls(list.urls, chunkSize);
  const readMs = performance.now() - readStarted;

  // unitMs so that a chunk at host and page factor 1 takes meanChunkMs: ceil(size / concurrency) rounds.
  const unitMs = meanChunkMs / Math.ceil(chunkSize / WORKER_CONCURRENCY);
  const hostFactors = lognormalDurations(chunks.length, 1, seed);
  const invoker = new ModelInvoker(inFlight, unitMs, hostFactors, seed);
  await invoker.ready();
  const writer = await openOutput('/dev/null', 'jsonl');
  const runStarted = performance.now();
  let outcomes = 0;
  const hostBudget = new HostBudget({ perHost: PER_HOST, maxSlotsPerChunk: WORKER_CONCURRENCY, maxHolders: inFlight });
  const run = runChunks(chunks, invoker, {
    concurrency: inFlight,
    hostBudget,
    scrape: { concurrency: WORKER_CONCURRENCY, perHost: PER_HOST },
    maxSpeculativeCopies: copies < 0 ? undefined : copies,
  });
  for await (const outcome of run) {
    await writer.write(outcome);
    outcomes++;
  }
  const makespanMs = performance.now() - runStarted;
  await writer.close();
  const cpu = process.cpuUsage(cpuStart);
  const workersCpuS = invoker.workersCpuS();
  await invoker.close();
  clearInterval(sampler);
  sample();

  // Each chunk's time at invocation factor 1 (what a copy fights back to), and its first invocation's.
  const plain = new Float64Array(chunks.length);
  const slowest = new Float64Array(chunks.length);
  const first = new Float64Array(chunks.length);
  let total = 0;
  let max = 0;
  for (const [j, urls] of chunks.entries()) {
    const scale = unitMs * hostFactors[j]!;
    const times = urls.map((url) => scale * pageFactor(url, seed));
    plain[j] = Math.max(...endTimes(times, WORKER_CONCURRENCY));
    slowest[j] = Math.max(...times);
    first[j] = plain[j]! * invocationFactor(`chunk-${j}`, seed);
    total += plain[j]!;
    max = Math.max(max, plain[j]!);
  }
  const result: ScalingResult = {
    urls: n,
    chunks: chunks.length,
    chunkSize,
    inFlight,
    meanChunkMs: total / chunks.length,
    maxChunkMs: max,
    idealMs: Math.max(total / inFlight, max),
    zeroOverheadMs: zeroOverheadMakespan(first, inFlight),
    inOrderMs: inOrderReference(plain, slowest, inFlight),
    speculative: run.progress.speculative,
    invocations: invoker.invocations,
    slowInvocations: invoker.slow,
    makespanMs,
    readMs,
    cpuS: (cpu.user + cpu.system) / 1e6,
    workersCpuS,
    peakRssMb: peakRss,
    rssSamples,
    outcomes,
  };
  process.stdout.write(`${JSON.stringify(result)}\n`);
}

if (require.main === module) void main();
