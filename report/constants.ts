/**
 * Every default and price the report uses, in one place, with units in the names.
 * The report is an aggregate: these caps are what keep its memory and its HTML size bounded
 * however many records the results file holds.
 */

/** Rows in each "top N" list (slowest URLs, failed examples per error kind). @default 20 */
export const DEFAULT_TOP = 20;
/** The most rows a "top N" list may ask for. */
export const MAX_TOP = 1_000;

/** Host rows shown in the report's table, worst first; the rest fold into one "other" row. @default 50 */
export const DEFAULT_HOST_ROWS = 50;

/**
 * Distinct hosts tracked with their own counters and histogram. Past twice this many, the least
 * requested half is merged into "other" (so a 1M-host run stays bounded). @default 10000
 */
export const DEFAULT_MAX_HOSTS = 10_000;

/** Bad lines kept as examples (the count is always exact). @default 10 */
export const BAD_LINE_EXAMPLES = 10;

/** Characters of a bad line, URL or message kept in the report. @default 300 */
export const MAX_TEXT_CHARS = 300;

/** Histogram resolution: buckets per doubling of milliseconds (≈ 4.4% worst relative error). */
export const HISTOGRAM_BUCKETS_PER_DOUBLING = 8;

/** Doublings above 1 ms covered by the histogram: 2^20 ms ≈ 17.5 min; slower lands in the last bucket. */
export const HISTOGRAM_DOUBLINGS = 20;

/** Throughput is counted in bins of this width first; bins double whenever the run outgrows MAX_TIME_BINS. */
export const INITIAL_TIME_BIN_MS = 100;

/** Most throughput bins kept in memory (and drawn). @default 600 */
export const MAX_TIME_BINS = 600;

/**
 * AWS Lambda prices used for the cost estimate (us-east-1, on-demand, no free tier).
 * Source: https://aws.amazon.com/lambda/pricing/ — update here only.
 */
export const LAMBDA_PRICING = {
  /** USD per GB-second of billed duration, by architecture. */
  usdPerGbSecond: { arm64: 0.0000133334, x86_64: 0.0000166667 },
  /** USD per request (invocation): $0.20 per million. */
  usdPerRequest: 0.2 / 1_000_000,
} as const;

/** Most throughput bars drawn: finer bins are merged for the chart so each bar stays visible. @default 150 */
export const DISPLAY_TIME_BINS = 150;
