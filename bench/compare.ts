/**
 * Runs a list of scrapers, one after another, on one URL list against the bench site: each in its
 * own process tree under a timeout, with its records and its whole log kept in the run's folder,
 * measured (wall, CPU of the tree, peak PSS of the tree, the site's CPU apart) and checked against
 * parse5's reading of the pages. A scraper that is not installed becomes a row that says so.
 */
import fs from 'node:fs';
import path from 'node:path';
import { checkOutput, type PageTruth } from './correctness';
import type { FetchFloorResult } from './fetch-floor';
import { measure, measureJson } from './measure';
import type { ScraperSpec } from './peers';
import type { ComparisonRow, FetchFloorRun, RowRun } from './report-types';
import type { SiteHandle } from './site-client';

const ROOT = path.resolve(__dirname, '..');

export interface CompareContext {
  site: SiteHandle;
  listFile: string;
  pages: number;
  /** Where each scraper's `<id>.jsonl` and `<id>.log` go (kept after the run, for inspection). */
  dir: string;
  truth: readonly PageTruth[];
  /** A run still going after this long is killed, and its row says so. */
  timeoutMs: number;
  log: (line: string) => void;
}

/** The peer's own crawl time, from the `PEER <name> pages=<n> seconds=<s>` line it prints last. */
function crawlSeconds(logFile: string): number | undefined {
  const text = fs.existsSync(logFile) ? fs.readFileSync(logFile, 'utf8') : '';
  const matches = [...text.matchAll(/^PEER \S+ pages=\d+ seconds=([\d.]+)/gm)];
  const last = matches.at(-1);
  return last ? Number(last[1]) : undefined;
}

async function runOnce(ctx: CompareContext, spec: ScraperSpec, suffix: string): Promise<RowRun> {
  const out = path.join(ctx.dir, `${spec.id}${suffix}.jsonl`);
  const logFile = path.join(ctx.dir, `${spec.id}${suffix}.log`);
  fs.rmSync(out, { force: true });
  fs.rmSync(logFile, { force: true });
  const { command, args } = spec.command(ctx.listFile, out);
  fs.writeFileSync(logFile, `$ ${[command, ...args].join(' ')}\n`);
  const before = await ctx.site.stats();
  const m = await measure(command, args, { cwd: ROOT, timeoutMs: ctx.timeoutMs, logFile, env: { ...process.env, PYTHONDONTWRITEBYTECODE: '1' } });
  const after = await ctx.site.stats();
  const correctness = checkOutput(out, ctx.truth, spec.links);
  const problems: string[] = [];
  if (m.timedOut) problems.push(`timed out after ${(ctx.timeoutMs / 1000).toFixed(0)} s`);
  else if (m.exitCode !== 0) problems.push(`exit code ${m.exitCode}: ${m.stderrTail.trim().split('\n').slice(-2).join(' | ')}`);
  if (correctness.ok !== ctx.pages) problems.push(`${ctx.pages - correctness.ok} pages not ok`);
  const crawlS = crawlSeconds(logFile);
  return {
    ok: correctness.ok,
    wallS: m.wallS,
    pagesPerS: correctness.ok / m.wallS,
    cpuS: m.cpuS,
    peakPssMb: m.peakPssMb,
    peakRssMb: m.peakRssMb,
    procs: m.peakProcs,
    siteCpuS: after.cpuS - before.cpuS,
    correctness,
    ...(crawlS === undefined ? {} : { crawlS }),
    ...(problems.length > 0 ? { problem: problems.join('; ') } : {}),
    outFile: out,
    logFile,
  };
}

/** Runs `spec` (its `repeats` times; the median run by pages/s is kept) or reports it missing. */
export async function runScraper(ctx: CompareContext, spec: ScraperSpec): Promise<ComparisonRow> {
  const { missing: _, command: __, ...row } = spec;
  const missing = spec.missing();
  if (missing !== undefined) {
    ctx.log(`  ${spec.label}: missing (${missing})`);
    return { ...row, missing };
  }
  const runs: RowRun[] = [];
  for (let i = 0; i < spec.repeats; i++) runs.push(await runOnce(ctx, spec, spec.repeats > 1 ? `-${i + 1}` : ''));
  const median = [...runs].sort((a, b) => a.pagesPerS - b.pagesPerS)[Math.floor((runs.length - 1) / 2)]!;
  const run = runs.length > 1 ? { ...median, repeats: runs.map((r) => r.pagesPerS) } : median;
  const c = run.correctness;
  ctx.log(
    `  ${spec.label} [${spec.settings}]: ${run.pagesPerS.toFixed(0)} pages/s, ${((run.cpuS * 1000) / ctx.pages).toFixed(1)} CPU ms/page, ${run.peakPssMb.toFixed(0)} MB PSS, ` +
      `titles ${c.titleAgree}/${c.ok}, links ${c.linksAgree}/${c.ok}${run.problem ? ` (${run.problem})` : ''}`,
  );
  if (c.examples.length > 0) fs.writeFileSync(`${run.logFile}.mismatches`, `${c.examples.join('\n')}\n`);
  return { ...row, run };
}

/** Runs every scraper of a list in order. */
export async function runScrapers(ctx: CompareContext, specs: readonly ScraperSpec[]): Promise<ComparisonRow[]> {
  const rows: ComparisonRow[] = [];
  for (const spec of specs) rows.push(await runScraper(ctx, spec));
  return rows;
}

/** The fetch floor (bench/fetch-floor.ts) on the list at the given limits, with the site's CPU meanwhile. */
export async function runFetchFloor(ctx: Pick<CompareContext, 'site' | 'listFile' | 'log'>, total: number, perHost: number): Promise<FetchFloorRun> {
  const before = await ctx.site.stats();
  const floor = await measureJson<FetchFloorResult>('fetch-floor.ts', [ctx.listFile, total, perHost]);
  const after = await ctx.site.stats();
  ctx.log(
    `  fetch floor (undici, ${total} in flight, ${perHost} per host): ${(floor.pages / floor.wallS).toFixed(0)} pages/s, ${((floor.cpuS * 1000) / floor.pages).toFixed(2)} CPU ms/page`,
  );
  return { ...floor, siteCpuS: after.cpuS - before.cpuS };
}
