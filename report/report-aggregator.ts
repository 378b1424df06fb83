/**
 * The pure core of the report: records in, one bounded {@link ReportData} out. No I/O, so the
 * same class serves a results file read as a stream and a live run feeding outcomes as they arrive.
 */
import type { ErrorKind, Outcome } from '../core/contract';
import { BAD_LINE_EXAMPLES, DEFAULT_HOST_ROWS, DEFAULT_MAX_HOSTS, DEFAULT_TOP, DISPLAY_TIME_BINS, MAX_TEXT_CHARS } from './constants';
import { BUCKET_COUNT, bucketHighMs, bucketLowMs, LogHistogram } from './histogram';
import { HostTable } from './host-table';
import { estimateLambdaCost } from './lambda-cost';
import type { ErrorKindRow, FetchTimes, ReportData, Throughput, UrlExample } from './report-data';
import type { ReportRecord } from './report-record';
import type { ReportSummary } from './read-summary';
import { TimeBins } from './time-bins';
import { TopN } from './top-n';

export interface ReportAggregatorOptions {
  /** Rows in the slowest-URL list and failed examples kept per error kind. @default 20 */
  top?: number;
  /** Host rows in the report (the rest fold into "other"). @default 50 */
  hostRows?: number;
  /** Hosts tracked individually while reading. @default 10000 */
  maxHosts?: number;
  /**
   * When the run started, ms since the epoch: time zero for the records' `at` times. Records
   * written before it (by an earlier run, in a resumed or retried file) are left off the chart.
   * @default the first `at` read
   */
  startedAtMs?: number;
}

/** Where the data came from, shown in the report's header. */
export interface ReportSource {
  resultsPath?: string;
  summaryPath?: string;
  /** Why summary.json could not be used, when it could not. */
  summaryError?: string;
}

/**
 * Aggregates outcomes into report data in memory bounded by the options, not by the record count.
 *
 * @example
 * const agg = new ReportAggregator({ top: 20 });
 * for await (const outcome of run) agg.add(outcome, Date.now() - startedAtMs);
 * const html = renderReport(agg.finish(summary));
 */
export class ReportAggregator {
  private readonly top: number;
  private readonly hostRows: number;
  private readonly times = new LogHistogram();
  private readonly hosts: HostTable;
  private readonly slowest: TopN<UrlExample>;
  private readonly kinds = new Map<ErrorKind, { count: number; examples: UrlExample[] }>();
  private readonly statuses = new Map<number, number>();
  private readonly bins = new TimeBins();
  private timeSource: 'arrival' | 'record-at' | null = null;
  private originMs: number | undefined;
  private records = 0;
  private ok = 0;
  private bytes = 0;
  private retried = 0;
  private badLineCount = 0;
  private readonly badLineExamples: ReportData['badLines']['examples'] = [];

  constructor(options: ReportAggregatorOptions = {}) {
    this.top = options.top ?? DEFAULT_TOP;
    this.hostRows = options.hostRows ?? DEFAULT_HOST_ROWS;
    this.hosts = new HostTable(options.maxHosts ?? DEFAULT_MAX_HOSTS);
    this.slowest = new TopN(this.top, (e) => e.ms ?? 0);
    this.originMs = options.startedAtMs;
  }

  /**
   * Counts one outcome. `arrivedAtMs` is when it completed, in ms since the run started (pass it
   * when feeding a live run); without it, the record's own `at` field is used if it has one.
   */
  add(outcome: Outcome | ReportRecord, arrivedAtMs?: number): void {
    this.records += 1;
    if (outcome.attempts > 1) this.retried += 1;
    const ms = outcome.ms;
    if (ms !== undefined) this.times.add(ms);
    this.addTime(arrivedAtMs, outcome.at);

    if (outcome.ok) {
      this.ok += 1;
      this.bytes += outcome.bytes;
      this.countStatus(outcome.status);
    } else {
      if (outcome.error.status !== undefined) this.countStatus(outcome.error.status);
      let kind = this.kinds.get(outcome.error.kind);
      if (!kind) {
        kind = { count: 0, examples: [] };
        this.kinds.set(outcome.error.kind, kind);
      }
      kind.count += 1;
      if (kind.examples.length < this.top) kind.examples.push(example(outcome));
    }
    this.hosts.add(outcome.url, outcome.ok, outcome.ok ? outcome.bytes : 0, ms);
    if (ms !== undefined && this.slowest.accepts(ms)) this.slowest.offer(example(outcome));
  }

  /** Counts a line that was not a valid record; keeps the first few as examples. */
  addBadLine(line: number, reason: string, text: string): void {
    this.badLineCount += 1;
    if (this.badLineExamples.length < BAD_LINE_EXAMPLES) {
      this.badLineExamples.push({ line, reason: clip(reason), text: clip(text) });
    }
  }

  /** The report data so far, merged with what summary.json says about the run. Does not reset. */
  finish(summary?: ReportSummary, source: ReportSource = {}): ReportData {
    const input = summary?.input;
    const failed = this.records - this.ok;
    const throughput = this.throughput(summary);
    const wallMs = summary?.wallMs ?? (throughput ? this.bins.lastMs : null);
    const byKind: ErrorKindRow[] = [...this.kinds]
      .map(([kind, k]) => ({ kind, count: k.count, examples: k.examples }))
      .sort((a, b) => b.count - a.count || a.kind.localeCompare(b.kind));
    return {
      source: {
        resultsPath: source.resultsPath ?? null,
        summaryPath: source.summaryPath ?? null,
        summaryError: source.summaryError ?? null,
      },
      run: {
        runId: summary?.runId ?? null,
        mode: summary?.mode ?? null,
        startedAt: summary?.startedAt ?? null,
        finishedAt: summary?.finishedAt ?? null,
        options: summary?.options ?? null,
      },
      totals: {
        records: this.records,
        // One record per line that is a unique URL or not a URL at all; the summary's `valid`
        // counts duplicate lines too, which get no record of their own.
        urls: Math.max(this.records, input ? input.valid - input.duplicate + input.invalid : 0),
        ok: this.ok,
        failed,
        invalid: Math.max(this.kinds.get('invalid-url')?.count ?? 0, input?.invalid ?? 0),
        duplicates: input?.duplicate ?? null,
        bytes: this.bytes,
        retried: this.retried,
      },
      wallMs,
      pagesPerSec: wallMs && wallMs > 0 ? this.records / (wallMs / 1000) : null,
      cost: estimateLambdaCost(summary),
      byKind,
      byStatus: [...this.statuses].map(([status, count]) => ({ status, count })).sort((a, b) => a.status - b.status),
      fetchTimes: this.fetchTimes(),
      throughput,
      throughputNote: throughput ? null : 'No completion times: the records have no "at" field and summary.json has no timeline.',
      hosts: this.hosts.finish(this.hostRows),
      slowest: this.slowest.sorted(),
      badLines: { count: this.badLineCount, examples: [...this.badLineExamples] },
      top: this.top,
    };
  }

  private addTime(arrivedAtMs: number | undefined, recordAt: string | undefined): void {
    // One clock per report: live arrival times win, since a live run's records have no `at` yet.
    if (arrivedAtMs !== undefined && this.timeSource !== 'record-at') {
      this.timeSource = 'arrival';
      this.bins.add(arrivedAtMs);
    } else if (recordAt !== undefined && this.timeSource !== 'arrival') {
      const atMs = Date.parse(recordAt);
      this.originMs ??= atMs;
      // Before time zero: an earlier run's record in a resumed or retried file, not on this run's axis.
      if (!(atMs >= this.originMs)) return;
      this.timeSource = 'record-at';
      this.bins.add(atMs - this.originMs);
    }
  }

  private countStatus(status: number): void {
    this.statuses.set(status, (this.statuses.get(status) ?? 0) + 1);
  }

  private throughput(summary: ReportSummary | undefined): Throughput | null {
    let bins = this.bins;
    let source: Throughput['source'] | null = this.timeSource;
    if (!source && summary?.timeline && summary.timeline.length > 0) {
      bins = new TimeBins();
      let previous = 0;
      for (const [seconds, done] of summary.timeline) {
        if (done > previous) bins.add(seconds * 1000, done - previous);
        previous = Math.max(previous, done);
      }
      source = 'summary-timeline';
    }
    if (!source || bins.total === 0) return null;
    const { binMs, counts } = bins.coarsened(DISPLAY_TIME_BINS);
    return { source, binMs, counts, peakPerSec: Math.max(...counts) / (binMs / 1000) };
  }

  private fetchTimes(): FetchTimes | null {
    const h = this.times;
    if (h.count === 0) return null;
    const first = h.counts.findIndex((c) => c > 0);
    let last = BUCKET_COUNT - 1;
    while (h.counts[last] === 0) last -= 1;
    const buckets: FetchTimes['buckets'] = [];
    for (let i = first; i <= last; i++) {
      const high = bucketHighMs(i);
      buckets.push({ fromMs: bucketLowMs(i), toMs: Number.isFinite(high) ? high : h.maxMs, count: h.counts[i]! });
    }
    return {
      count: h.count,
      minMs: h.minMs,
      maxMs: h.maxMs,
      meanMs: h.meanMs()!,
      p50Ms: h.quantile(0.5)!,
      p95Ms: h.quantile(0.95)!,
      p99Ms: h.quantile(0.99)!,
      buckets,
    };
  }
}

function example(o: Outcome | ReportRecord): UrlExample {
  return {
    url: clip(o.url),
    ok: o.ok,
    ms: o.ms ?? null,
    status: o.ok ? o.status : (o.error.status ?? null),
    kind: o.ok ? null : o.error.kind,
    message: o.ok ? null : clip(o.error.message),
  };
}

function clip(text: string): string {
  return text.length > MAX_TEXT_CHARS ? `${text.slice(0, MAX_TEXT_CHARS - 1)}…` : text;
}
