/**
 * CPU profiles of fanout at given settings: the CLI process of a run, and one worker's hot path
 * alone (bench/profile-worker.ts), each summarised by package and function.
 */
import fs from 'node:fs';
import path from 'node:path';
import { measure } from './measure';
import { summariseProfiles } from './profile-summary';
import type { BenchReport } from './report-types';
import { runFanout, type FanoutSettings, type ScenarioContext } from './scenarios';

const ROOT = path.resolve(__dirname, '..');
const TSX = ['--require', require.resolve('tsx/cjs')];

export async function profileFanout(ctx: ScenarioContext, settings: Required<FanoutSettings>, hosts: number, profDir: string): Promise<NonNullable<BenchReport['profile']>> {
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
