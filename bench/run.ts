/**
 * `npm run bench [-- --quick] [-- --pages N] [-- --latency-ms 50] [-- --hosts 16] [-- --timeout-s 600] [-- --no-profile]`:
 * runs the reference peers and fanout side by side on two lists, the floors that bound them, the
 * settings sweep and the orchestrator scaling, then writes bench/RESULTS.md, the chart, the raw
 * results and the README's figures. See bench/README.md for what each part measures.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { estimateCost } from '../report/cost-model';
import { peersSourceDir } from '../scripts/peer-paths';
import { runFetchFloor, runScraper, runScrapers, type CompareContext } from './compare';
import { readPage } from './correctness';
import { benchLists } from './lists';
import { machine } from './machine';
import { watchOtherWork } from './other-work';
import { measureJson } from './measure';
import { writeOutputs } from './outputs';
import type { ParseBoundResult } from './parse-bound';
import { fanout } from './peers';
import { parseArgs, PLAN, type BenchArgs, type BenchPlan } from './plan';
import { profileFanout } from './profile-run';
import type { BenchReport, CostRow, ListResult } from './report-types';
import type { ScalingResult } from './scaling';
import { runFanout, type ScenarioContext } from './scenarios';
import { loadPages } from './site';
import { startSiteProcess } from './site-client';
import { bestPoint, runSweep, type SweepPoint } from './sweep';

const ROOT = path.resolve(__dirname, '..');
const log = (line: string) => process.stderr.write(`${line}\n`);

interface HostsExtras {
  sweep: SweepPoint[];
  startup?: { wallS: number; cpuS: number };
  profile?: BenchReport['profile'];
}

/** On the many-host list, after the scrapers: fanout's start-up cost, the sweep, its best point re-measured (a row of the list), the profiles. */
async function sweepAndProfile(ctx: CompareContext, args: BenchArgs, plan: BenchPlan, list: ListResult): Promise<HostsExtras> {
  const sctx: ScenarioContext = { site: ctx.site, listFile: ctx.listFile, pages: ctx.pages, dir: ctx.dir };
  const oneFile = path.join(ctx.dir, 'one-url.txt');
  fs.writeFileSync(oneFile, `${ctx.site.urls(1)[0]}\n`);
  const s = await runFanout({ ...sctx, listFile: oneFile, pages: 1 }, 'start-up', {}, args.hosts);
  const startup = { wallS: s.wallS, cpuS: s.cpuS };
  log(`  fanout start-up (1 URL): ${s.wallS.toFixed(1)} s wall, ${s.cpuS.toFixed(1)} CPU s`);
  const sweep = await runSweep(sctx, plan.grid, args.hosts, log);
  const best = bestPoint(sweep);
  if (!best) return { sweep, startup };
  list.rows.push(await runScraper(ctx, fanout('fanout-best', 'fanout, best of sweep (tuned)', best.settings, ctx.pages, args.hosts, plan.fanoutRepeats)));
  if (!args.profile) return { sweep, startup };
  log('profiling the best settings (node --cpu-prof)...');
  return { sweep, startup, profile: await profileFanout(sctx, best.settings, args.hosts, path.join(ctx.dir, 'prof')) };
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  if (args.renderOnly) {
    // Re-renders the outputs from results.json, after a change to the renderers.
    log(writeOutputs(JSON.parse(fs.readFileSync(path.join(__dirname, 'results.json'), 'utf8')) as BenchReport));
    return;
  }
  const plan = args.quick ? PLAN.quick : PLAN.full;
  const started = performance.now();
  const loadBefore = os.loadavg();
  const otherWork = watchOtherWork(os.availableParallelism());
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'fanout-bench-'));
  log(`records and logs of every run go to ${dir}`);

  // bin/fanout.js runs the sources through tsx when dist/ is stale: measure the bundles users run.
  execFileSync(process.execPath, [path.join(ROOT, 'scripts/build.js'), '--if-stale'], { cwd: ROOT, stdio: 'inherit' });

  log(`parse floors (${plan.parseMs} ms per measurement)...`);
  const parse = await measureJson<ParseBoundResult>('parse-bound.ts', [plan.parseMs]);
  log(`  tokenizer ${parse.tokenizerPerCorePagesPerS.toFixed(0)} pages/s per core; parsePage ${parse.allCoresPagesPerS.toFixed(0)} pages/s on ${parse.threads} threads`);
  log("parse5's reading of the pages (the correctness reference)...");
  const truth = loadPages().map((page, i) => readPage(page.toString('utf8'), `http://127.0.0.1/p/${i}`));

  const lists: ListResult[] = [];
  let extras: HostsExtras = { sweep: [] };
  for (const spec of benchLists(args.pages, args.hosts, plan.fanoutRepeats)) {
    const listDir = path.join(dir, spec.id);
    fs.mkdirSync(listDir);
    const site = await startSiteProcess(args.latencyMs, spec.hosts);
    const listFile = path.join(listDir, 'urls.txt');
    fs.writeFileSync(listFile, `${site.urls(args.pages).join('\n')}\n`);
    const ctx: CompareContext = { site, listFile, pages: args.pages, dir: listDir, truth, timeoutMs: args.timeoutS * 1000, log };
    try {
      log(`${spec.title}: ${args.pages} pages, ${args.latencyMs} ms latency...`);
      const list: ListResult = { id: spec.id, title: spec.title, hosts: spec.hosts, pages: args.pages, rows: await runScrapers(ctx, spec.scrapers) };
      lists.push(list);
      list.fetchFloor = await runFetchFloor(ctx, spec.floor.total, spec.floor.perHost);
      if (spec.id === 'hosts') extras = await sweepAndProfile(ctx, args, plan, list);
    } finally {
      await site.close();
    }
  }

  const scaling: ScalingResult[] = [];
  for (const [urls, chunkSize, meanMs] of plan.scaling) {
    log(`orchestrator scaling: ${urls} URLs, chunk ${chunkSize}, mean ${meanMs} ms...`);
    // The same list twice: with the default cap on speculative copies, and with none.
    for (const copies of [-1, 0]) {
      const s = await measureJson<ScalingResult>('scaling.ts', [urls, 1000, chunkSize, meanMs, 1, copies]);
      scaling.push(s);
      log(
        `  ${copies === 0 ? 'no copies' : `${s.speculative} copies`}: makespan ${(s.makespanMs / 1000).toFixed(1)} s (ideal ${(s.idealMs / 1000).toFixed(1)} s, in-order ${((s.inOrderMs ?? Number.NaN) / 1000).toFixed(1)} s), ${s.cpuS.toFixed(1)} CPU s, peak ${s.peakRssMb.toFixed(0)} MB`,
      );
    }
  }

  // Marginal CPU per page of fanout's best (else default) run: a Lambda worker is warm for most chunks, so start-up is not per page.
  const hostsRows = lists.find((l) => l.id === 'hosts')?.rows ?? [];
  const reference = (hostsRows.find((r) => r.id === 'fanout-best') ?? hostsRows.find((r) => r.id === 'fanout-defaults'))?.run;
  const cpuMsPerPage = reference ? ((reference.cpuS - (extras.startup?.cpuS ?? 0)) * 1000) / args.pages : 0;
  const costs: CostRow[] = [];
  for (const memoryMb of [512, 1024, 1769, 3008]) {
    for (const chunkSize of [50, 250]) {
      const base = { pages: 1_000_000, chunkSize, memoryMb, cpuMsPerPage, concurrency: 64 };
      costs.push({ memoryMb, chunkSize, bench: estimateCost({ ...base, latencyMs: args.latencyMs }), realWorld: estimateCost({ ...base, latencyMs: 500 }) });
    }
  }

  const report: BenchReport = {
    quick: args.quick,
    machine: machine(loadBefore, otherWork()),
    latencyMs: args.latencyMs,
    hosts: args.hosts,
    pages: args.pages,
    lists,
    outDir: dir,
    peersDir: peersSourceDir(),
    sweep: extras.sweep,
    parse,
    scaling,
    cpuMsPerPage,
    startup: extras.startup,
    costs,
    ...(extras.profile ? { profile: extras.profile } : {}),
    totalS: (performance.now() - started) / 1000,
  };
  log(writeOutputs(report));
  log(`wrote bench/RESULTS${args.quick ? '.quick' : ''}.md, its chart and raw results in ${report.totalS.toFixed(0)} s; records and logs kept in ${dir}`);
}

main().catch((err: unknown) => {
  process.stderr.write(`bench failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exitCode = 1;
});
