/**
 * The scraping scenarios of the bench, each run in its own process tree against the bench site:
 * the two classic baselines and fanout's CLI in local mode at given settings.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { localPool } from '../cli/local-pool';
import { defaultChunkSize } from '../orchestrator/chunk';
import { measure, type Measurement } from './measure';
import type { SiteHandle } from './site-client';

const ROOT = path.resolve(__dirname, '..');
const TSX = ['--require', require.resolve('tsx/cjs')];

export interface ScenarioResult {
  name: string;
  /** Settings, human-readable. */
  config: string;
  /** Requests that can be in flight at once, over all processes. */
  inFlight: number;
  pages: number;
  ok: number;
  wallS: number;
  pagesPerS: number;
  /** CPU of the scraper's process tree (the site not included). */
  cpuS: number;
  peakRssMb: number;
  /** Peak summed PSS of the tree (shared pages split between the processes that map them). */
  peakPssMb: number;
  procs: number;
  /** CPU the bench site spent serving this scenario. */
  siteCpuS: number;
  /** Set when the run failed or lost pages. */
  problem?: string;
  /** pages/s of every repeat, when the scenario was run more than once (the result is the median run). */
  repeats?: number[];
}

/** Runs `run` `times` times and returns the median run (by pages/s), with every repeat's pages/s. */
export async function medianOf(times: number, run: () => Promise<ScenarioResult>): Promise<ScenarioResult> {
  const results: ScenarioResult[] = [];
  for (let i = 0; i < times; i++) results.push(await run());
  const sorted = [...results].sort((a, b) => a.pagesPerS - b.pagesPerS);
  return { ...sorted[Math.floor((sorted.length - 1) / 2)]!, repeats: results.map((r) => r.pagesPerS) };
}

export interface FanoutSettings {
  workers?: number;
  concurrency?: number;
  chunkSize?: number;
  perHost?: number;
}

export interface ScenarioContext {
  site: SiteHandle;
  /** The URL list file (one URL per line). */
  listFile: string;
  pages: number;
  /** Scratch directory for outputs. */
  dir: string;
  /** Extra node flags for the scraper's top process (e.g. `--cpu-prof`). */
  nodeArgs?: string[];
}

/** The settings fanout's CLI uses when given none (cli/local-pool.ts sizes the pool to the list). */
export function fanoutDefaults(pages: number, given: FanoutSettings = {}): Required<FanoutSettings> {
  const { workers, concurrency } = localPool(pages, given, 64, os.availableParallelism());
  return { workers, concurrency, perHost: given.perHost ?? 8, chunkSize: given.chunkSize ?? defaultChunkSize(pages, workers) };
}

/**
 * Requests a fanout run can have in flight: each worker runs one chunk at a time with at most
 * `concurrency` of its URLs, and `perHost` is a run-wide budget per host (orchestrator/host-budget.ts).
 */
export function fanoutInFlight(s: Required<FanoutSettings>, hosts: number): number {
  return Math.min(s.workers * Math.min(s.concurrency, s.chunkSize), hosts * s.perHost);
}

function countOk(file: string): number {
  if (!fs.existsSync(file)) return 0;
  return fs
    .readFileSync(file, 'utf8')
    .split('\n')
    .filter((line) => line.includes('"ok":true')).length;
}

async function timed(ctx: ScenarioContext, args: string[]): Promise<{ m: Measurement; siteCpuS: number }> {
  const before = await ctx.site.stats();
  const m = await measure(process.execPath, [...(ctx.nodeArgs ?? []), ...args], { cwd: ROOT, timeoutMs: 300_000 });
  const after = await ctx.site.stats();
  return { m, siteCpuS: after.cpuS - before.cpuS };
}

function result(name: string, config: string, inFlight: number, ctx: ScenarioContext, m: Measurement, siteCpuS: number, ok: number): ScenarioResult {
  const problem =
    m.exitCode !== 0 ? `exit code ${m.exitCode}: ${m.stderrTail.trim().split('\n').slice(-3).join(' | ')}` : ok !== ctx.pages ? `${ctx.pages - ok} pages not ok` : undefined;
  return {
    name,
    config,
    inFlight,
    pages: ctx.pages,
    ok,
    wallS: m.wallS,
    pagesPerS: ok / m.wallS,
    cpuS: m.cpuS,
    peakRssMb: m.peakRssMb,
    peakPssMb: m.peakPssMb,
    procs: m.peakProcs,
    siteCpuS,
    ...(problem === undefined ? {} : { problem }),
  };
}

/** Baseline 1: the classic sequential fetch-then-parse script. */
export async function runSequential(ctx: ScenarioContext): Promise<ScenarioResult> {
  const out = path.join(ctx.dir, 'sequential.jsonl');
  const { m, siteCpuS } = await timed(ctx, [...TSX, path.join(__dirname, 'baseline-sequential.ts'), ctx.listFile, out]);
  return result('1. sequential script', 'one page at a time, cheerio.load', 1, ctx, m, siteCpuS, countOk(out));
}

/** Baseline 2: a pool of `size` processes, each one page at a time, collected as completed. */
export async function runPool(ctx: ScenarioContext, size = 4): Promise<ScenarioResult> {
  const out = path.join(ctx.dir, 'pool.jsonl');
  const { m, siteCpuS } = await timed(ctx, [...TSX, path.join(__dirname, 'baseline-pool.ts'), ctx.listFile, out, String(size)]);
  return result(`2. process pool (${size})`, `${size} processes, one page each at a time`, size, ctx, m, siteCpuS, countOk(out));
}

/** fanout's CLI in local mode; unset settings are left to the CLI's defaults. */
export async function runFanout(ctx: ScenarioContext, name: string, settings: FanoutSettings, hosts: number): Promise<ScenarioResult> {
  const out = path.join(ctx.dir, 'fanout.jsonl');
  const summary = path.join(ctx.dir, 'fanout-summary.json');
  fs.rmSync(summary, { force: true });
  const args = [path.join(ROOT, 'bin/fanout.js'), 'run', ctx.listFile, '-o', out, '--summary', summary, '--allow-private', '--quiet'];
  if (settings.workers !== undefined) args.push('--workers', String(settings.workers));
  if (settings.concurrency !== undefined) args.push('--concurrency', String(settings.concurrency));
  if (settings.chunkSize !== undefined) args.push('--chunk-size', String(settings.chunkSize));
  if (settings.perHost !== undefined) args.push('--per-host', String(settings.perHost));
  const { m, siteCpuS } = await timed(ctx, args);
  const full = fanoutDefaults(ctx.pages, settings);
  const ok = fs.existsSync(summary) ? (JSON.parse(fs.readFileSync(summary, 'utf8')) as { ok: number }).ok : 0;
  const config = `workers ${full.workers}, concurrency ${full.concurrency}, chunk ${full.chunkSize}, per-host ${full.perHost}`;
  return result(name, config, fanoutInFlight(full, hosts), ctx, m, siteCpuS, ok);
}
