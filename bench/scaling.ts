/**
 * Orchestrator scaling bench (no network): the real readUrls -> chunkUrls -> runChunks -> JSONL
 * writer pipeline, with a simulated Invoker whose chunks take a heavy-tailed, time-scaled time.
 * Measures makespan against the ideal, the orchestrator's CPU, and its RSS over time.
 * Run in its own process so RSS is the orchestrator's alone. Prints one JSON line: {@link ScalingResult}.
 *
 * argv: [urls, inFlight, chunkSize, meanChunkMs, seed]
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Outcome, WorkerEventInput, WorkerResult } from '../core/contract';
import { chunkUrls } from '../orchestrator/chunk';
import type { Invoker } from '../orchestrator/invoker';
import { readUrls } from '../orchestrator/read-urls';
import { runChunks } from '../orchestrator/run';
import { createWriter } from '../cli/write-output';
import { lognormalDurations, zeroOverheadMakespan } from './scaling-model';

export interface ScalingResult {
  urls: number;
  chunks: number;
  chunkSize: number;
  inFlight: number;
  meanChunkMs: number;
  maxChunkMs: number;
  /** max(total work / inFlight, longest chunk): no scheduler can beat it. */
  idealMs: number;
  /** The same chunks, in the same order, on `inFlight` slots with zero orchestrator overhead. */
  zeroOverheadMs: number;
  makespanMs: number;
  readMs: number;
  /** CPU of the orchestrator process over the whole bench (read, chunk, run, write), s. */
  cpuS: number;
  peakRssMb: number;
  /** [seconds since start, RSS MB, V8 heap used MB] every ~250 ms. */
  rssSamples: [number, number, number][];
  outcomes: number;
}

const HOSTS = 5000;
const SAMPLE_MS = 250;

/** What a worker's default record looks like: a few links, a title, a description. */
function outcomeFor(url: string): Outcome {
  return {
    url,
    ok: true,
    finalUrl: url,
    status: 200,
    contentType: 'text/html; charset=utf-8',
    bytes: 95_000,
    ms: 52,
    title: 'A real-world page title of ordinary length',
    description: 'A meta description, as most pages carry, about one sentence long.',
    links: [`${url}/a`, `${url}/b`, `${url}/c`, `${url}/d`, `${url}/e`],
    attempts: 1,
  };
}

/** Answers each chunk after its sampled duration, with an ok outcome per URL. */
class TimedInvoker implements Invoker {
  constructor(
    readonly capacity: number,
    private readonly durations: Float64Array,
  ) {}
  invoke(event: WorkerEventInput, signal?: AbortSignal): Promise<WorkerResult> {
    const index = Number(/^chunk-(\d+)/.exec(event.chunkId)![1]);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        signal?.removeEventListener('abort', onAbort);
        const outcomes = event.urls.map(outcomeFor);
        resolve({ runId: event.runId, chunkId: event.chunkId, outcomes, unstarted: [], stats: { ok: outcomes.length, failed: 0, bytes: 0, ms: 0 } });
      }, this.durations[index]);
      const onAbort = () => {
        clearTimeout(timer);
        reject(signal?.reason);
      };
      signal?.addEventListener('abort', onAbort, { once: true });
    });
  }
  async close(): Promise<void> {}
}

async function main(): Promise<void> {
  const [n = 100_000, inFlight = 1000, chunkSize = 25, meanChunkMs = 2000, seed = 1] = process.argv.slice(2).map(Number);
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

  const durations = lognormalDurations(chunks.length, meanChunkMs, seed);
  const invoker = new TimedInvoker(inFlight, durations);
  const writer = createWriter(fs.createWriteStream('/dev/null'), 'jsonl', true);
  const runStarted = performance.now();
  let outcomes = 0;
  for await (const outcome of runChunks(chunks, invoker, { concurrency: inFlight })) {
    await writer.write(outcome);
    outcomes++;
  }
  const makespanMs = performance.now() - runStarted;
  await writer.close();
  const cpu = process.cpuUsage(cpuStart);
  clearInterval(sampler);
  sample();

  let total = 0;
  let max = 0;
  for (const d of durations) {
    total += d;
    max = Math.max(max, d);
  }
  const result: ScalingResult = {
    urls: n,
    chunks: chunks.length,
    chunkSize,
    inFlight,
    meanChunkMs: total / durations.length,
    maxChunkMs: max,
    idealMs: Math.max(total / inFlight, max),
    zeroOverheadMs: zeroOverheadMakespan(durations, inFlight),
    makespanMs,
    readMs,
    cpuS: (cpu.user + cpu.system) / 1e6,
    peakRssMb: peakRss,
    rssSamples,
    outcomes,
  };
  process.stdout.write(`${JSON.stringify(result)}\n`);
}

if (require.main === module) void main();
