/**
 * The end-of-run summary: an accumulator fed one outcome at a time (so a run never holds its
 * records), rendered as text for stderr and as JSON for `--summary file.json`.
 */
import type { ErrorKind, Outcome } from '../core/contract';
import type { LambdaUsage } from '../orchestrator/lambda-usage';
import { estimateLambdaCost } from '../report/lambda-cost';
import { formatBytes, formatUsd } from '../report/render/format';

/** What the input list held, as counted by the reader. */
export interface InputCounts {
  /** Non-blank, non-comment lines. */
  read: number;
  valid: number;
  duplicate: number;
  invalid: number;
}

/** `summary.json`: every number a person or a report needs about one run. */
export interface RunSummary {
  runId: string;
  mode: 'local' | 'lambda';
  startedAt: string;
  wallMs: number;
  input: InputCounts;
  /** Records written: one per valid URL plus one per invalid line. */
  records: number;
  ok: number;
  failed: number;
  failedByKind: Partial<Record<ErrorKind, number>>;
  /** Final HTTP status of each record that has one, e.g. `{ "200": 950, "404": 3 }`. */
  byStatus: Record<string, number>;
  /** URLs whose chunk was lost (worker-failed): the run exits 2 when this is not 0. */
  lost: number;
  pagesPerSec: number;
  fetchMs: { p50: number; p95: number; p99: number; max: number };
  bytes: number;
  /** Cumulative records written, sampled about once a second: `[secondsSinceStart, done]`. */
  timeline: [number, number][];
  interrupted: boolean;
  options: Record<string, unknown>;
  /** Lambda mode only: function, memory size, approximate billed ms and invocations, for a cost estimate. */
  lambda?: LambdaUsage;
}

/** Exact percentile over a sorted copy; `q` in [0, 1]. */
function percentile(sorted: Float64Array, q: number): number {
  if (sorted.length === 0) return 0;
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1));
  return sorted[index] ?? 0;
}

export class SummaryBuilder {
  private ok = 0;
  private failed = 0;
  private lost = 0;
  private bytes = 0;
  private readonly failedByKind: Partial<Record<ErrorKind, number>> = {};
  private readonly byStatus: Record<string, number> = {};
  // 8 bytes per page: exact percentiles stay cheap even for a million pages.
  private fetchMs = new Float64Array(1024);
  private fetchCount = 0;
  private readonly timeline: [number, number][] = [];
  private lastSampleSec = -1;

  constructor(private readonly startedAtMs: number = Date.now()) {}

  add(outcome: Outcome, now: number = Date.now()): void {
    if (outcome.ok) {
      this.ok++;
      this.bytes += outcome.bytes;
      this.byStatus[outcome.status] = (this.byStatus[outcome.status] ?? 0) + 1;
      this.recordMs(outcome.ms);
    } else {
      this.failed++;
      const kind = outcome.error.kind;
      this.failedByKind[kind] = (this.failedByKind[kind] ?? 0) + 1;
      if (kind === 'worker-failed') this.lost++;
      if (outcome.error.status !== undefined) {
        this.byStatus[outcome.error.status] = (this.byStatus[outcome.error.status] ?? 0) + 1;
      }
      // Fetch time covers pages that were fetched; a lost chunk's time says nothing about a page.
      if (outcome.ms !== undefined && outcome.attempts > 0 && kind !== 'worker-failed') this.recordMs(outcome.ms);
    }
    const sec = Math.floor((now - this.startedAtMs) / 1000);
    if (sec > this.lastSampleSec) {
      this.timeline.push([sec, this.ok + this.failed]);
      this.lastSampleSec = sec;
    } else {
      const last = this.timeline[this.timeline.length - 1];
      if (last) last[1] = this.ok + this.failed;
    }
  }

  get done(): number {
    return this.ok + this.failed;
  }

  get errors(): number {
    return this.failed;
  }

  private recordMs(ms: number): void {
    if (this.fetchCount === this.fetchMs.length) {
      const grown = new Float64Array(this.fetchMs.length * 2);
      grown.set(this.fetchMs);
      this.fetchMs = grown;
    }
    this.fetchMs[this.fetchCount++] = ms;
  }

  finish(meta: {
    runId: string;
    mode: RunSummary['mode'];
    input: InputCounts;
    options: Record<string, unknown>;
    interrupted?: boolean;
    lambda?: LambdaUsage;
    now?: number;
  }): RunSummary {
    const wallMs = (meta.now ?? Date.now()) - this.startedAtMs;
    const sorted = this.fetchMs.slice(0, this.fetchCount).sort();
    const round = (n: number) => Math.round(n * 10) / 10;
    // Invalid lines are records too, but they cost no fetch: rate counts pages attempted.
    const pages = this.ok + this.failed - (this.failedByKind['invalid-url'] ?? 0);
    return {
      runId: meta.runId,
      mode: meta.mode,
      startedAt: new Date(this.startedAtMs).toISOString(),
      wallMs,
      input: meta.input,
      records: this.ok + this.failed,
      ok: this.ok,
      failed: this.failed,
      failedByKind: this.failedByKind,
      byStatus: this.byStatus,
      lost: this.lost,
      pagesPerSec: wallMs > 0 ? round((pages * 1000) / wallMs) : 0,
      fetchMs: {
        p50: round(percentile(sorted, 0.5)),
        p95: round(percentile(sorted, 0.95)),
        p99: round(percentile(sorted, 0.99)),
        max: round(percentile(sorted, 1)),
      },
      bytes: this.bytes,
      timeline: this.timeline,
      interrupted: meta.interrupted ?? false,
      options: meta.options,
      ...(meta.lambda === undefined ? {} : { lambda: meta.lambda }),
    };
  }
}

export function formatDuration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)} ms`;
  const s = ms / 1000;
  if (s < 60) return `${s.toFixed(1)} s`;
  const m = Math.floor(s / 60);
  return `${m}m${String(Math.round(s - m * 60)).padStart(2, '0')}s`;
}

/** The human summary printed on stderr at the end of a run. */
export function formatSummary(s: RunSummary): string {
  const kinds = Object.entries(s.failedByKind)
    .sort((a, b) => (b[1] ?? 0) - (a[1] ?? 0))
    .map(([kind, n]) => `${kind} ${n}`)
    .join(', ');
  const lines = [
    `fanout ${s.interrupted ? 'run interrupted' : 'run complete'} (${s.mode}, run ${s.runId})`,
    `  input     ${s.input.read} read, ${s.input.valid} valid, ${s.input.duplicate} duplicate, ${s.input.invalid} invalid`,
    `  records   ${s.records} written: ${s.ok} ok, ${s.failed} failed${kinds ? ` (${kinds})` : ''}`,
    `  speed     ${s.pagesPerSec} pages/s; fetch p50 ${formatDuration(s.fetchMs.p50)}, p95 ${formatDuration(s.fetchMs.p95)}`,
    `  volume    ${formatBytes(s.bytes)} in ${formatDuration(s.wallMs)}`,
  ];
  const cost = estimateLambdaCost({ mode: s.mode, lambda: s.lambda });
  if (cost) {
    const gbSeconds = cost.gbSeconds < 10 ? cost.gbSeconds.toFixed(2) : cost.gbSeconds.toFixed(0);
    lines.push(`  cost      ~${formatUsd(cost.totalUsd)} (${cost.invocations} invocations, ${gbSeconds} GB-s at ${cost.memoryMb} MB ${cost.architecture})`);
  }
  if (s.lost > 0) lines.push(`  LOST      ${s.lost} URLs whose worker failed on every try (exit code 2)`);
  return lines.join('\n');
}
