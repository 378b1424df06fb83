/**
 * `npm run bench [-- --quick] [-- --latency-ms 50] [-- --no-profile]`: runs every benchmark and
 * writes bench/RESULTS.md and bench/throughput.svg. See bench/README.md for what each part measures.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { renderThroughputChart, type ChartPoint } from './chart';
import { estimateCost } from '../report/cost-model';
import { measure } from './measure';
import type { ParseBoundResult } from './parse-bound';
import { summariseProfiles } from './profile-summary';
import { machine } from './machine';
import { renderResults, type BenchReport, type CostRow } from './report';
import type { ScalingResult } from './scaling';
import { medianOf, runFanout, type FanoutSettings, runPool, runSequential, type ScenarioContext, type ScenarioResult } from './scenarios';
import { startSiteProcess } from './site-client';
import { bestPoint, runSweep, type SweepGrid } from './sweep';

const ROOT = path.resolve(__dirname, '..');
const TSX = ['--require', require.resolve('tsx/cjs')];

/** Repeats of the fanout scenarios 3 and 4; the median is reported. */
const REPEATS = 3;

interface BenchArgs {
  quick: boolean;
  latencyMs: number;
  hosts: number;
  profile: boolean;
  renderOnly: boolean;
}

/** Sizes of each part, full and quick. Quick is a smoke run: seconds, not reference numbers. */
const PLAN = {
  full: {
    pages: 2000,
    parseMs: 3000,
    grid: { workers: [1, 2, 3], concurrency: [32, 64, 128, 256], chunkSize: [50, 200] } as SweepGrid,
    // [URLs, chunk size, mean chunk ms]: ~10 and ~20 chunks per slot; 20 ms per URL (time-scaled).
    scaling: [
      [100_000, 10, 200],
      [1_000_000, 50, 1000],
    ],
  },
  quick: {
    pages: 300,
    parseMs: 1500,
    grid: { workers: [2], concurrency: [32, 128], chunkSize: [100] } as SweepGrid,
    scaling: [[100_000, 10, 200]],
  },
} as const;

function parseArgs(argv: string[]): BenchArgs {
  const value = (name: string, fallback: number) => {
    const i = argv.indexOf(name);
    return i === -1 ? fallback : Number(argv[i + 1]);
  };
  return {
    quick: argv.includes('--quick'),
    latencyMs: value('--latency-ms', 50),
    hosts: value('--hosts', 16),
    profile: !argv.includes('--no-profile'),
    renderOnly: argv.includes('--render-only'),
  };
}

async function jsonChild<T>(script: string, args: (string | number)[]): Promise<T> {
  const m = await measure(process.execPath, [...TSX, path.join(__dirname, script), ...args.map(String)], { captureStdout: true, cwd: ROOT });
  if (m.exitCode !== 0) throw new Error(`${script} failed (exit ${m.exitCode}): ${m.stderrTail}`);
  return JSON.parse(m.stdout.trim().split('\n').pop()!) as T;
}

/** CPU profiles: the CLI process under the best settings, and one worker's hot path alone. */
async function profileFanout(ctx: ScenarioContext, settings: Required<FanoutSettings>, hosts: number, profDir: string): Promise<NonNullable<BenchReport['profile']>> {
  const orchDir = path.join(profDir, 'orchestrator');
  const workerDir = path.join(profDir, 'worker');
  await runFanout({ ...ctx, nodeArgs: ['--cpu-prof', `--cpu-prof-dir=${orchDir}`] }, 'profile', settings, hosts);
  const before = await ctx.site.stats();
  const m = await measure(
    process.execPath,
    [
      '--cpu-prof',
      `--cpu-prof-dir=${workerDir}`,
      ...TSX,
      path.join(__dirname, 'profile-worker.ts'),
      ctx.listFile,
      settings.concurrency,
      settings.chunkSize,
      settings.perHost,
    ].map(String),
    { cwd: ROOT },
  );
  const after = await ctx.site.stats();
  const files = (d: string) => (fs.existsSync(d) ? fs.readdirSync(d).map((f) => path.join(d, f)) : []);
  return {
    worker: summariseProfiles(files(workerDir), ROOT),
    orchestrator: summariseProfiles(files(orchDir), ROOT),
    workerAlone: { pagesPerS: ctx.pages / m.wallS, cpuS: m.cpuS, wallS: m.wallS, siteCpuS: after.cpuS - before.cpuS },
  };
}

/** Writes RESULTS.md, the chart and the raw results (a quick run writes `.quick` copies, so a smoke run never replaces the reference). */
function writeOutputs(report: BenchReport): void {
  const suffix = report.quick ? '.quick' : '';
  const chart = `throughput${suffix}.svg`;
  const points: ChartPoint[] = [
    ...report.sweep.map((p) => ({ inFlight: p.inFlight, pagesPerS: p.pagesPerS, label: p.config, kind: 'sweep' as const })),
    ...report.scenarios.map((s) => ({
      inFlight: s.inFlight,
      pagesPerS: s.pagesPerS,
      label: s.name.replace(/^\d\. /, ''),
      kind: s.name.startsWith('4.') ? ('best' as const) : s.name.startsWith('3.') ? ('default' as const) : ('baseline' as const),
    })),
  ];
  fs.writeFileSync(path.join(__dirname, `RESULTS${suffix}.md`), renderResults(report, chart));
  fs.writeFileSync(
    path.join(__dirname, chart),
    renderThroughputChart({
      points,
      latencyMs: report.latencyMs,
      parseBoundPagesPerS: report.parse.allCoresPagesPerS,
      title: `Throughput vs requests in flight (${report.pages} real pages, ${report.latencyMs} ms latency, ${report.machine.cores} cores)`,
    }),
  );
  fs.writeFileSync(path.join(__dirname, `results${suffix}.json`), `${JSON.stringify(report, null, 2)}\n`);
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  if (args.renderOnly) {
    // Re-renders RESULTS.md and the chart from results.json, after a change to the renderers.
    writeOutputs(JSON.parse(fs.readFileSync(path.join(__dirname, 'results.json'), 'utf8')) as BenchReport);
    return;
  }
  const plan = args.quick ? PLAN.quick : PLAN.full;
  const started = performance.now();
  const loadBefore = os.loadavg();
  const log = (line: string) => process.stderr.write(`${line}\n`);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'fanout-bench-'));

  // bin/fanout.js runs the sources through tsx when dist/ is stale: measure the bundles users run.
  execFileSync(process.execPath, [path.join(ROOT, 'scripts/build.js'), '--if-stale'], { cwd: ROOT, stdio: 'inherit' });

  log(`parse-CPU bound (${plan.parseMs} ms per measurement)...`);
  const parse = await jsonChild<ParseBoundResult>('parse-bound.ts', [plan.parseMs]);
  log(`  ${parse.allCoresPagesPerS.toFixed(0)} pages/s on ${parse.threads} threads`);

  const site = await startSiteProcess(args.latencyMs, args.hosts);
  const listFile = path.join(dir, 'urls.txt');
  fs.writeFileSync(listFile, `${site.urls(plan.pages).join('\n')}\n`);
  const ctx: ScenarioContext = { site, listFile, pages: plan.pages, dir };
  const scenarios: ScenarioResult[] = [];
  const show = (s: ScenarioResult) => {
    scenarios.push(s);
    log(`  ${s.name}: ${s.pagesPerS.toFixed(0)} pages/s, ${s.cpuS.toFixed(1)} CPU s, ${s.peakRssMb.toFixed(0)} MB${s.problem ? ` (${s.problem})` : ''}`);
  };
  let profile: BenchReport['profile'];
  let startup: ScenarioResult | undefined;
  let sweep: Awaited<ReturnType<typeof runSweep>> = [];
  try {
    log(`scrapers on ${plan.pages} pages, ${args.latencyMs} ms latency...`);
    show(await runSequential(ctx));
    show(await runPool(ctx, 4));
    // fanout runs take seconds, so they are repeated and the median reported (the machine may be shared).
    show(await medianOf(REPEATS, () => runFanout(ctx, '3. fanout, defaults', {}, args.hosts)));
    const oneFile = path.join(dir, 'one-url.txt');
    fs.writeFileSync(oneFile, `${site.urls(1)[0]}\n`);
    startup = await runFanout({ ...ctx, listFile: oneFile, pages: 1 }, 'start-up', {}, args.hosts);
    log(`  fanout start-up (1 URL): ${startup.wallS.toFixed(1)} s wall, ${startup.cpuS.toFixed(1)} CPU s`);
    sweep = await runSweep(ctx, plan.grid, args.hosts, log);
    const best = bestPoint(sweep);
    if (best) {
      // Re-measured, so the reported best is not just the luckiest sample of the sweep.
      show(await medianOf(REPEATS, () => runFanout(ctx, '4. fanout, best of sweep', best.settings, args.hosts)));
      if (args.profile) {
        log('profiling the best settings (node --cpu-prof)...');
        profile = await profileFanout(ctx, best.settings, args.hosts, path.join(dir, 'prof'));
      }
    }
  } finally {
    await site.close();
  }

  const scaling: ScalingResult[] = [];
  for (const [urls, chunkSize, meanMs] of plan.scaling) {
    log(`orchestrator scaling: ${urls} URLs, chunk ${chunkSize}, mean ${meanMs} ms...`);
    // The same list twice: with the default cap on speculative copies, and with none.
    for (const copies of [-1, 0]) {
      const s = await jsonChild<ScalingResult>('scaling.ts', [urls, 1000, chunkSize, meanMs, 1, copies]);
      scaling.push(s);
      log(
        `  ${copies === 0 ? 'no copies' : `${s.speculative} copies`}: makespan ${(s.makespanMs / 1000).toFixed(1)} s (ideal ${(s.idealMs / 1000).toFixed(1)} s), ${s.cpuS.toFixed(1)} CPU s, peak ${s.peakRssMb.toFixed(0)} MB`,
      );
    }
  }

  const reference = scenarios.find((s) => s.name.startsWith('4.')) ?? scenarios.find((s) => s.name.startsWith('3.'))!;
  // Marginal CPU per page: a Lambda worker is warm for most chunks, so process start-up is not per page.
  const cpuMsPerPage = ((reference.cpuS - (startup?.cpuS ?? 0)) * 1000) / reference.pages;
  const costs: CostRow[] = [];
  for (const memoryMb of [512, 1024, 1769, 3008]) {
    for (const chunkSize of [50, 250]) {
      const base = { pages: 1_000_000, chunkSize, memoryMb, cpuMsPerPage, concurrency: 64 };
      costs.push({ memoryMb, chunkSize, bench: estimateCost({ ...base, latencyMs: args.latencyMs }), realWorld: estimateCost({ ...base, latencyMs: 500 }) });
    }
  }

  const report: BenchReport = {
    quick: args.quick,
    machine: machine(loadBefore),
    latencyMs: args.latencyMs,
    hosts: args.hosts,
    pages: plan.pages,
    scenarios,
    sweep,
    parse,
    scaling,
    cpuMsPerPage,
    startup: startup ? { wallS: startup.wallS, cpuS: startup.cpuS } : undefined,
    costs,
    ...(profile ? { profile } : {}),
    totalS: (performance.now() - started) / 1000,
  };
  writeOutputs(report);
  fs.rmSync(dir, { recursive: true, force: true });
  log(`wrote bench/RESULTS${args.quick ? '.quick' : ''}.md, its chart and raw results in ${report.totalS.toFixed(0)} s`);
}

main().catch((err: unknown) => {
  process.stderr.write(`bench failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exitCode = 1;
});
