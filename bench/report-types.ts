/** The shape of a bench run's results (bench/results.json), as bench/run.ts collects them and bench/report.ts renders them. */
import type { CostEstimate } from '../report/cost-model';
import type { Correctness } from './correctness';
import type { FetchFloorResult } from './fetch-floor';
import type { ParseBoundResult } from './parse-bound';
import type { ScraperSpec } from './peers';
import type { ProfileSummary } from './profile-summary';
import type { ScalingResult } from './scaling';
import type { SweepPoint } from './sweep';

/** One measured run of a scraper on a list. */
export interface RowRun {
  /** Records of fetched and parsed pages. */
  ok: number;
  wallS: number;
  /** ok pages / wall seconds (start-up included, for every scraper alike). */
  pagesPerS: number;
  /** user + sys CPU of the scraper's whole process tree (the site not included). */
  cpuS: number;
  /** Peak summed PSS of the tree. */
  peakPssMb: number;
  /** Peak summed RSS of the tree (counts shared pages once per process). */
  peakRssMb: number;
  procs: number;
  /** CPU the bench site (its own process) spent meanwhile. */
  siteCpuS: number;
  correctness: Correctness;
  /** The scraper's own crawl time (its `PEER … seconds=` line): wall time without its start-up. */
  crawlS?: number;
  /** Set when the run failed, timed out or lost pages. */
  problem?: string;
  /** pages/s of every run, when it ran more than once (this is the median run). */
  repeats?: number[];
  outFile: string;
  logFile: string;
}

/** A scraper's row: its settings, and its run, or why it could not run. */
export interface ComparisonRow extends Omit<ScraperSpec, 'missing' | 'command'> {
  missing?: string;
  run?: RowRun;
}

/** The fetch floor on a list, with the site's CPU meanwhile. */
export interface FetchFloorRun extends FetchFloorResult {
  siteCpuS: number;
}

/** One URL list and every scraper's row on it. */
export interface ListResult {
  id: 'one-host' | 'hosts';
  title: string;
  hosts: number;
  pages: number;
  rows: ComparisonRow[];
  fetchFloor?: FetchFloorRun;
}

export interface MachineInfo {
  date: string;
  cpu: string;
  cores: number;
  memoryGb: number;
  node: string;
  versions: Record<string, string>;
  commit: string;
  loadBefore: number[];
  loadAfter: number[];
  /** CPU other processes took while the bench ran (bench/other-work.ts); absent in runs before it was measured. */
  otherWork?: { cpuS: number; share: number };
}

export interface CostRow {
  memoryMb: number;
  chunkSize: number;
  bench: CostEstimate;
  realWorld: CostEstimate;
}

export interface BenchReport {
  quick: boolean;
  machine: MachineInfo;
  latencyMs: number;
  hosts: number;
  pages: number;
  /** The scraper comparison, one entry per list. */
  lists: ListResult[];
  /** Where the run kept every scraper's records and log. */
  outDir: string;
  /** The peers' folder. */
  peersDir: string;
  sweep: SweepPoint[];
  parse: ParseBoundResult;
  scaling: ScalingResult[];
  cpuMsPerPage: number;
  /** fanout on a 1-URL list: the fixed cost of starting the CLI and its workers. */
  startup?: { wallS: number; cpuS: number };
  costs: CostRow[];
  profile?: {
    worker: ProfileSummary;
    orchestrator: ProfileSummary;
    /** One worker process alone (bench/profile-worker.ts, under the profiler). */
    workerAlone: { pagesPerS: number; cpuS: number; wallS: number; siteCpuS: number };
  };
  totalS: number;
}
