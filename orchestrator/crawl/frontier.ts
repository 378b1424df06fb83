/**
 * The crawl's frontier on disk: one file per depth, a line `[url, from]` per URL admitted at that
 * depth, appended as links are found and read back in batches by the next wave. So a wave of
 * millions of URLs costs disk, not memory, and what is left to do is plain data a checkpoint can
 * copy.
 */
import fs from 'node:fs';
import path from 'node:path';
import readline from 'node:readline';
import { once } from 'node:events';

/** One URL to fetch, and the page that linked to it (null for a seed). */
export type FrontierEntry = [url: string, from: string | null];

export class FrontierStore {
  private readonly writers = new Map<number, fs.WriteStream>();
  private readonly counts = new Map<number, number>();

  /** `dir` must exist; the store owns the `depth-<n>.jsonl` files in it. */
  constructor(readonly dir: string) {}

  /** Entries appended at `depth` (those of a wave being read included). */
  count(depth: number): number {
    return this.counts.get(depth) ?? 0;
  }

  /** Depths that have entries, in order. */
  depths(): number[] {
    return [...this.counts.keys()].filter((d) => this.count(d) > 0).sort((a, b) => a - b);
  }

  /** Appends an entry at `depth`; resolves when the file can take more (backpressure). */
  async append(depth: number, entry: FrontierEntry): Promise<void> {
    let writer = this.writers.get(depth);
    if (writer === undefined) {
      writer = fs.createWriteStream(this.file(depth), { flags: 'a' });
      this.writers.set(depth, writer);
    }
    this.counts.set(depth, this.count(depth) + 1);
    if (!writer.write(`${JSON.stringify(entry)}\n`)) await once(writer, 'drain');
  }

  /** The entries at `depth`, in batches of up to `size`, once everything appended there is on disk. */
  async *batches(depth: number, size: number): AsyncGenerator<FrontierEntry[]> {
    await this.flush(depth);
    if (!fs.existsSync(this.file(depth))) return;
    const lines = readline.createInterface({ input: fs.createReadStream(this.file(depth), 'utf8'), crlfDelay: Infinity });
    let batch: FrontierEntry[] = [];
    try {
      for await (const line of lines) {
        if (line === '') continue;
        batch.push(JSON.parse(line) as FrontierEntry);
        if (batch.length >= size) {
          yield batch;
          batch = [];
        }
      }
      if (batch.length > 0) yield batch;
    } finally {
      lines.close();
    }
  }

  /**
   * Keeps at `depth` only the entries `keep` passes (a resumed crawl drops those that already have
   * a record), rewriting the file. Returns how many are left.
   */
  async retain(depth: number, keep: (entry: FrontierEntry) => boolean): Promise<number> {
    const kept = `${this.file(depth)}.kept`;
    const out = fs.createWriteStream(kept);
    let count = 0;
    for await (const batch of this.batches(depth, 10_000)) {
      for (const entry of batch) {
        if (!keep(entry)) continue;
        count++;
        if (!out.write(`${JSON.stringify(entry)}\n`)) await once(out, 'drain');
      }
    }
    await new Promise<void>((resolve, reject) => out.end((err?: Error | null) => (err ? reject(err) : resolve())));
    await fs.promises.rename(kept, this.file(depth));
    this.counts.set(depth, count);
    return count;
  }

  /** Everything at `depth`, as `[url, from]` lines: what a checkpoint copies. */
  async read(depth: number): Promise<string> {
    await this.flush(depth);
    return fs.existsSync(this.file(depth)) ? fs.promises.readFile(this.file(depth), 'utf8') : '';
  }

  /** Replaces the entries at `depth` with `text`, lines as {@link read} gives them (a checkpoint restored). */
  async load(depth: number, text: string): Promise<void> {
    await this.flush(depth);
    await fs.promises.writeFile(this.file(depth), text);
    let count = 0;
    for (const line of text.split('\n')) if (line !== '') count++;
    this.counts.set(depth, count);
  }

  /** Closes every file; the directory is the caller's to remove. */
  async close(): Promise<void> {
    await Promise.all([...this.writers.keys()].map((depth) => this.flush(depth)));
  }

  private async flush(depth: number): Promise<void> {
    const writer = this.writers.get(depth);
    if (writer === undefined) return;
    this.writers.delete(depth);
    await new Promise<void>((resolve, reject) => writer.end((err?: Error | null) => (err ? reject(err) : resolve())));
  }

  private file(depth: number): string {
    return path.join(this.dir, `depth-${depth}.jsonl`);
  }
}
