/**
 * The aggregate a report is rendered from. Its size depends on the `top` and host caps only,
 * never on the number of records, so it can be kept, sent or rendered for any run size.
 */
import type { ErrorKind } from '../core/contract';
import type { LambdaCost } from './lambda-cost';

/** One URL worth showing by name (a slow one, or an example of a failure). */
export interface UrlExample {
  url: string;
  ok: boolean;
  ms: number | null;
  status: number | null;
  kind: ErrorKind | null;
  message: string | null;
}

export interface ErrorKindRow {
  kind: ErrorKind;
  count: number;
  /** The first `top` failures of this kind seen, in order. */
  examples: UrlExample[];
}

export interface StatusRow {
  status: number;
  count: number;
}

export interface HostRow {
  host: string;
  requests: number;
  errors: number;
  bytes: number;
  p95Ms: number | null;
}

export interface FetchTimes {
  count: number;
  minMs: number;
  maxMs: number;
  meanMs: number;
  p50Ms: number;
  p95Ms: number;
  p99Ms: number;
  /** Non-empty log-scale buckets from the fastest to the slowest, for the histogram. */
  buckets: { fromMs: number; toMs: number; count: number }[];
}

export interface Throughput {
  /** Where the times came from: fed live, the records' `at` field, or summary.json's timeline. */
  source: 'arrival' | 'record-at' | 'summary-timeline';
  binMs: number;
  /** Records completed in each bin, from the start of the run. */
  counts: number[];
  peakPerSec: number;
}

export interface ReportData {
  /** Where the data came from, for the page's header. */
  source: { resultsPath: string | null; summaryPath: string | null; summaryError: string | null };
  run: {
    runId: string | null;
    mode: string | null;
    startedAt: string | null;
    finishedAt: string | null;
    options: Record<string, unknown> | null;
  };
  totals: {
    /** Valid records read. */
    records: number;
    /**
     * URLs the run had to give a record: unique URLs plus invalid lines, from the summary when given
     * (more than `records` when the run was interrupted), else `records`.
     */
    urls: number;
    ok: number;
    /** Failed records, including `invalid-url` ones. */
    failed: number;
    /** Records with error kind `invalid-url`, or the summary's count when larger. */
    invalid: number;
    /** From the summary only (records do not say); null when unknown. */
    duplicates: number | null;
    /** Body bytes of the successful records. */
    bytes: number;
    /** Records that took more than one attempt. */
    retried: number;
  };
  /** Wall time of the run in ms: the summary's, else the last record's time; null when unknown. */
  wallMs: number | null;
  /** Records per second of wall time; null when the wall time is unknown. */
  pagesPerSec: number | null;
  cost: LambdaCost | null;
  byKind: ErrorKindRow[];
  byStatus: StatusRow[];
  fetchTimes: FetchTimes | null;
  /** Null (with `throughputNote` saying why) when no record had a time. */
  throughput: Throughput | null;
  throughputNote: string | null;
  hosts: {
    /** The worst hosts first (most errors, then slowest p95), at most the configured row count. */
    rows: HostRow[];
    /** Everything not in `rows`, folded into one row; null when nothing was left over. */
    other: HostRow | null;
    /** Distinct hosts seen; approximate once `folded` (a folded host seen again counts twice). */
    distinct: number;
    /** True when some hosts were folded into "other" while reading, so their rows are partial. */
    folded: boolean;
  };
  slowest: UrlExample[];
  badLines: { count: number; examples: { line: number; reason: string; text: string }[] };
  /** The `top` setting the lists were cut to. */
  top: number;
}
