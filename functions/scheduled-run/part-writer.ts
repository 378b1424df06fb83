/**
 * One invocation's records, as JSONL part files of the run (`parts/<generation>-<requestId>-<n>.jsonl`,
 * flushed every {@link PART_FLUSH_BYTES}, so records never pile up in memory), counted as they are
 * written. results.jsonl is the concatenation of a run's parts, in checkpoint order.
 */
import type { Outcome } from '../../core/contract';
import { countOutcome } from '../../report/summary-builder';
import { partKey, type RunCounts } from './checkpoint';
import type { ObjectStore } from './object-store';

/** Part files are flushed at this size. */
export const PART_FLUSH_BYTES = 32 * 1024 * 1024;

export class PartWriter {
  private readonly lines: string[] = [];
  private buffered = 0;

  constructor(
    private readonly store: ObjectStore,
    private readonly at: { runPrefix: string; generation: number; requestId: string },
    /** The run's part keys so far; written parts are appended. */
    readonly parts: string[],
    /** The run's counts so far; written records are counted in. */
    readonly counts: RunCounts,
  ) {}

  /** Adds one record (a run's outcome, or a crawl's record). */
  async write(outcome: Outcome): Promise<void> {
    const line = JSON.stringify(outcome) + '\n';
    this.lines.push(line);
    this.buffered += line.length;
    countOutcome(this.counts, outcome);
    if (this.buffered >= PART_FLUSH_BYTES) await this.flush();
  }

  /** Writes what is buffered as the next part file. */
  async flush(): Promise<void> {
    if (this.lines.length === 0) return;
    const key = partKey(this.at.runPrefix, this.at.generation, this.at.requestId, this.parts.length);
    await this.store.put(key, this.lines.join(''));
    this.parts.push(key);
    this.lines.length = 0;
    this.buffered = 0;
  }
}
