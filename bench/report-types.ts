/** The shape of a bench run's results (bench/results.json), as bench/run.ts collects them and bench/report.ts renders them. */
import type { CostEstimate } from '../report/cost-model';
import type { ParseBoundResult } from './parse-bound';
import type { ProfileSummary } from './profile-summary';
import type { ScalingResult } from './scaling';
import type { ScenarioResult } from './scenarios';
import type { SweepPoint } from './sweep';

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
  scenarios: ScenarioResult[];
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
