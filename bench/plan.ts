/**
 * What a bench run does and how big: the command line (and environment) into typed arguments,
 * and the sizes of the full and the quick run.
 */
import type { SweepGrid } from './sweep';

export interface BenchArgs {
  /** A smoke run: small lists, few sweep points; writes `.quick` copies. `--quick` or FANOUT_BENCH_QUICK=1. */
  quick: boolean;
  /** @default 50 */
  latencyMs: number;
  /** Hosts (ports) of the many-host list. @default 16 */
  hosts: number;
  /** Distinct URLs per list. @default 1000 (quick: 150) */
  pages: number;
  /** A scraper run still going after this long is killed and its row says so. @default 600 s */
  timeoutS: number;
  profile: boolean;
  renderOnly: boolean;
}

export interface BenchPlan {
  parseMs: number;
  /** Runs of each fanout row; the median is reported. */
  fanoutRepeats: number;
  grid: SweepGrid;
  /** [URLs, chunk size, mean chunk ms] of each orchestrator scaling case. */
  scaling: readonly (readonly [number, number, number])[];
}

/** Sizes of each part, full and quick. Quick is a smoke run: seconds, not reference numbers. */
export const PLAN: Record<'full' | 'quick', BenchPlan> = {
  full: {
    parseMs: 3000,
    fanoutRepeats: 3,
    grid: { workers: [1, 2, 3], concurrency: [32, 64, 128, 256], chunkSize: [50, 200] },
    // ~10 and ~20 chunks per slot; 20 ms per URL (time-scaled).
    scaling: [
      [100_000, 10, 200],
      [1_000_000, 50, 1000],
    ],
  },
  quick: {
    parseMs: 1500,
    fanoutRepeats: 1,
    grid: { workers: [2], concurrency: [32, 128], chunkSize: [100] },
    scaling: [[100_000, 10, 200]],
  },
};

export function parseArgs(argv: readonly string[], env: NodeJS.ProcessEnv = process.env): BenchArgs {
  const value = (name: string, fallback: number) => {
    const i = argv.indexOf(name);
    const n = i === -1 ? fallback : Number(argv[i + 1]);
    if (!Number.isFinite(n) || n < 0) throw new Error(`${name} needs a number ≥ 0, got ${argv[i + 1]}`);
    return n;
  };
  const quick = argv.includes('--quick') || env.FANOUT_BENCH_QUICK === '1';
  return {
    quick,
    latencyMs: value('--latency-ms', 50),
    hosts: value('--hosts', 16),
    pages: value('--pages', quick ? 150 : 1000),
    timeoutS: value('--timeout-s', 600),
    profile: !argv.includes('--no-profile'),
    renderOnly: argv.includes('--render-only'),
  };
}
