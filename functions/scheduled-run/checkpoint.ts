/**
 * A scheduled run's checkpoint: everything a fresh invocation needs to carry on the run.
 * Written to `runs/<schedule>/<timestamp>/checkpoint.json` after every invocation, conditionally on
 * the version read, so exactly one invocation advances each generation.
 */
import type { RunSettings } from '../../core/schedule-input';
import type { RunCounts } from '../../report/summary-builder';

export type { RunCounts } from '../../report/summary-builder';
export { emptyCounts } from '../../report/summary-builder';

export interface Checkpoint {
  version: 1;
  runId: string;
  schedule: string;
  runPrefix: string;
  startedAt: string;
  /** Bumped by every invocation that advances the run. */
  generation: number;
  invocations: number;
  settings: RunSettings;
  /** The list as read; `skipped` (blank and # lines) is absent in checkpoints written before it was kept. */
  input: { lines: number; skipped?: number; valid: number; duplicates: number; invalid: number };
  /** URLs without a record yet (robots.txt-allowed ones only: robots.txt is read once, by the first invocation). */
  pending: string[];
  /**
   * robots.txt Crawl-delays found by the first invocation, ms by host key (`host:port`): each
   * invocation rebuilds the run's HostBudget with them. Absent in checkpoints of older versions.
   */
  crawlDelayMs?: Record<string, number>;
  /**
   * Epoch ms before which the next invocation may not start a request to a host with a Crawl-delay:
   * the gap after the previous invocation's last request there, so a quick handover cannot shorten it.
   */
  hostNotBefore?: Record<string, number>;
  /** robots.txt files the first invocation fetched (0 with `robots: 'ignore'`). */
  robotsFetches?: number;
  /** JSONL part objects written so far, in order; results.jsonl is their concatenation. */
  parts: string[];
  counts: RunCounts;
  done: boolean;
}

export const checkpointKey = (runPrefix: string) => `${runPrefix}checkpoint.json`;
export const resultsKey = (runPrefix: string) => `${runPrefix}results.jsonl`;
export const summaryKey = (runPrefix: string) => `${runPrefix}summary.json`;
export const partKey = (runPrefix: string, generation: number, requestId: string, n: number) =>
  `${runPrefix}parts/${String(generation).padStart(5, '0')}-${requestId}-${String(n).padStart(4, '0')}.jsonl`;

/** `runs/<schedule>/<2024-01-02T03-04-05-678Z>/`: sortable, and free of characters S3 consoles escape. */
export function runPrefixFor(schedule: string, startedAt: Date): string {
  return `runs/${schedule}/${startedAt.toISOString().replace(/[:.]/g, '-')}/`;
}
