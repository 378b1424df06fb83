/**
 * Builds `summary.json` (core/summary.ts) as a run goes: an accumulator fed one outcome at a time,
 * so a run never holds its records. The CLI uses SummaryBuilder; the scheduled-run function keeps
 * its RunCounts in its checkpoint across invocations and finishes them with summaryCounts.
 */
import type { ErrorKind, Outcome } from '../core/contract';
import type { InputCounts, LambdaUsage, RunSummary } from '../core/summary';

/** The counters of a run so far; plain data, so a checkpoint can carry them. */
export interface RunCounts {
  /** Records written: one per URL plus one per invalid line. */
  records: number;
  ok: number;
  failed: number;
  failedByKind: Partial<Record<ErrorKind, number>>;
  /** Absent in checkpoints written before it was counted. */
  byStatus?: Record<string, number>;
  bytes: number;
}

export function emptyCounts(): RunCounts {
  return { records: 0, ok: 0, failed: 0, failedByKind: {}, byStatus: {}, bytes: 0 };
}

/** Counts one record. */
export function countOutcome(counts: RunCounts, outcome: Outcome): void {
  counts.records++;
  counts.byStatus ??= {};
  const byStatus = counts.byStatus;
  if (outcome.ok) {
    counts.ok++;
    counts.bytes += outcome.bytes;
    byStatus[outcome.status] = (byStatus[outcome.status] ?? 0) + 1;
  } else {
    counts.failed++;
    counts.failedByKind[outcome.error.kind] = (counts.failedByKind[outcome.error.kind] ?? 0) + 1;
    if (outcome.error.status !== undefined) byStatus[outcome.error.status] = (byStatus[outcome.error.status] ?? 0) + 1;
  }
}

/** The summary fields that follow from the counts and the run's start and end. */
export function summaryCounts(
  counts: RunCounts,
  startedAtMs: number,
  finishedAtMs: number,
): Pick<RunSummary, 'startedAt' | 'finishedAt' | 'wallMs' | 'records' | 'ok' | 'failed' | 'failedByKind' | 'byStatus' | 'lost' | 'pagesPerSec' | 'bytes'> {
  const wallMs = Math.max(0, finishedAtMs - startedAtMs);
  // Invalid lines are records too, but they cost no fetch: the rate counts pages attempted.
  const pages = counts.records - (counts.failedByKind['invalid-url'] ?? 0);
  return {
    startedAt: new Date(startedAtMs).toISOString(),
    finishedAt: new Date(finishedAtMs).toISOString(),
    wallMs,
    records: counts.records,
    ok: counts.ok,
    failed: counts.failed,
    failedByKind: counts.failedByKind,
    byStatus: counts.byStatus ?? {},
    lost: counts.failedByKind['worker-failed'] ?? 0,
    pagesPerSec: wallMs > 0 ? Math.round((pages * 10_000) / wallMs) / 10 : 0,
    bytes: counts.bytes,
  };
}

/** Exact percentile over a sorted copy; `q` in [0, 1]. */
function percentile(sorted: Float64Array, q: number): number {
  if (sorted.length === 0) return 0;
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1));
  return sorted[index] ?? 0;
}

export class SummaryBuilder {
  private readonly counts: RunCounts = emptyCounts();
  // 8 bytes per page: exact percentiles stay cheap even for a million pages.
  private fetchMs = new Float64Array(1024);
  private fetchCount = 0;
  private readonly timeline: [number, number][] = [];
  private lastSampleSec = -1;

  constructor(private readonly startedAtMs: number = Date.now()) {}

  add(outcome: Outcome, now: number = Date.now()): void {
    countOutcome(this.counts, outcome);
    // Fetch time covers pages that were fetched; a lost chunk's time says nothing about a page.
    if (outcome.ok) this.recordMs(outcome.ms);
    else if (outcome.ms !== undefined && outcome.attempts > 0 && outcome.error.kind !== 'worker-failed') this.recordMs(outcome.ms);
    const sec = Math.floor((now - this.startedAtMs) / 1000);
    if (sec > this.lastSampleSec) {
      this.timeline.push([sec, this.counts.records]);
      this.lastSampleSec = sec;
    } else {
      const last = this.timeline[this.timeline.length - 1];
      if (last) last[1] = this.counts.records;
    }
  }

  get done(): number {
    return this.counts.records;
  }

  get errors(): number {
    return this.counts.failed;
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
    speculativeInvocations?: number;
    now?: number;
  }): RunSummary {
    const finishedAtMs = meta.now ?? Date.now();
    const sorted = this.fetchMs.slice(0, this.fetchCount).sort();
    const round = (n: number) => Math.round(n * 10) / 10;
    return {
      runId: meta.runId,
      mode: meta.mode,
      ...summaryCounts(this.counts, this.startedAtMs, finishedAtMs),
      input: meta.input,
      fetchMs: {
        p50: round(percentile(sorted, 0.5)),
        p95: round(percentile(sorted, 0.95)),
        p99: round(percentile(sorted, 0.99)),
        max: round(percentile(sorted, 1)),
      },
      timeline: this.timeline,
      interrupted: meta.interrupted ?? false,
      options: meta.options,
      ...(meta.lambda === undefined ? {} : { lambda: meta.lambda }),
      ...(meta.speculativeInvocations ? { speculativeInvocations: meta.speculativeInvocations } : {}),
    };
  }
}
