/**
 * The settings sweep: workers x requests in flight x chunk size, pruned as it goes, so the full
 * bench stays within its time budget. Returns every point measured and the best one.
 */
import { runFanout, type FanoutSettings, type ScenarioContext, type ScenarioResult } from './scenarios';

export interface SweepGrid {
  workers: number[];
  concurrency: number[];
  chunkSize: number[];
}

export interface SweepPoint extends ScenarioResult {
  settings: Required<Pick<FanoutSettings, 'workers' | 'concurrency' | 'chunkSize' | 'perHost'>>;
}

/**
 * A point this far below the best of its line ends the line: more in flight cannot help once CPU
 * is the limit. Loose on purpose, so one noisy sample on a shared machine does not end a line.
 */
export const PRUNE_BELOW = 0.8;

/**
 * Measures the grid. For each (workers, chunk size) line, concurrency rises until a point falls
 * below {@link PRUNE_BELOW} x the line's best, and a chunk size
 * smaller than a step's concurrency is skipped (a worker never has more in flight than its chunk).
 * `perHost` is set to the concurrency: the bench site is ours, so politeness is not what is tuned.
 */
export async function runSweep(ctx: ScenarioContext, grid: SweepGrid, hosts: number, log: (line: string) => void): Promise<SweepPoint[]> {
  const points: SweepPoint[] = [];
  for (const workers of grid.workers) {
    for (const chunkSize of grid.chunkSize) {
      let lineBest = 0;
      for (const concurrency of grid.concurrency) {
        if (concurrency > chunkSize * 2 && lineBest > 0) break;
        const settings = { workers, concurrency, chunkSize, perHost: concurrency };
        const point = { ...(await runFanout(ctx, 'sweep', settings, hosts)), settings };
        points.push(point);
        log(`  sweep ${point.config}: ${point.pagesPerS.toFixed(0)} pages/s${point.problem ? ` (${point.problem})` : ''}`);
        if (point.problem !== undefined || point.pagesPerS < lineBest * PRUNE_BELOW) break;
        lineBest = Math.max(lineBest, point.pagesPerS);
      }
    }
  }
  return points;
}

/** The fastest point that lost no pages. */
export function bestPoint(points: readonly SweepPoint[]): SweepPoint | undefined {
  return points.filter((p) => p.problem === undefined).reduce<SweepPoint | undefined>((best, p) => (best === undefined || p.pagesPerS > best.pagesPerS ? p : best), undefined);
}
