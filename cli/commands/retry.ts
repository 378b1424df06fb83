/**
 * `fanout retry <results.jsonl>`: runs again the URLs whose record is a retryable failure (see
 * retryable.ts) and replaces those records, so each URL still has exactly one record.
 *
 * How, so that the file is never left half-rewritten:
 * 1. Stream the results into a temp file beside the target, keeping successes and
 *    non-retryable failures as written (a URL recorded twice keeps its first final record);
 *    collect the retryable URLs (a Set of URLs: the only memory that grows with the file).
 * 2. Run those URLs exactly as `fanout run` would, appending their new records to the temp file,
 *    except failures caused only by this retry's settings (`blocked` without --allow-private).
 * 3. Any retryable URL that got no new record (Ctrl-C, a setup error, a left-out failure) gets its
 *    old record back, copied from the original file.
 * 4. Rename the temp file over the target: readers see the old file or the new one, never a mix.
 * If anything throws before the rename, the temp file is removed and the original is untouched.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Command, Option } from 'commander';
import type { Outcome } from '../../core/contract';
import { UsageError } from '../../core/errors';
import { EXIT_OK } from '../exit-codes';
import { isRetryableRecord } from '../../core/retryable';
import { scanResults } from '../results-file';
import { checkOutputPaths } from '../output-paths';
import { outputPaths, runCommand, type RunFlags } from './run';
import { SITEMAP_FLAGS } from '../sitemap-flags';

/** `fanout retry` takes `fanout run`'s flags, except these: the output is always JSONL, and `-o` means where to put the merged file. */
const NOT_INHERITED = new Set<string>(['--out', '--format', '--csv-raw', '--resume', ...SITEMAP_FLAGS]);

export interface RetrySummary {
  kept: number;
  retried: number;
  /** Retryable URLs that got no new record (interrupted) and kept their old one. */
  restored: number;
  /** Retried URLs now blocked as private addresses, which kept their old record (see refusedBySettings). */
  blocked: number;
  /** Duplicate records dropped (a URL recorded more than once). */
  duplicates: number;
}

/**
 * Retries the retryable records of `results` in place, or into `flags.out` when given.
 * Returns the exit code of the run (0, 2 if some URLs were lost again, 130 if interrupted, 1 on an aborted run).
 */
export async function retryCommand(results: string, flags: RunFlags): Promise<number> {
  if (results === '-') throw new UsageError('fanout retry needs a results file, not stdin: it rewrites the file');
  const target = flags.out ?? results;
  checkOutputPaths(outputPaths({ ...flags, out: target }));
  const temp = path.join(path.dirname(path.resolve(target)), `.${path.basename(target)}.retry-${process.pid}.tmp`);
  const retry = new Set<string>();
  const written = new Set<string>();
  const stats: RetrySummary = { kept: 0, retried: 0, restored: 0, blocked: 0, duplicates: 0 };
  let code: number;
  try {
    const out = fs.createWriteStream(temp, { flags: 'wx' });
    await scanResults(results, async ({ record, text }) => {
      if (written.has(record.url) || (retry.has(record.url) && isRetryableRecord(record))) {
        stats.duplicates++;
        return;
      }
      if (isRetryableRecord(record)) return void retry.add(record.url);
      retry.delete(record.url); // a final record wins over an earlier retryable one
      written.add(record.url);
      stats.kept++;
      if (!out.write(`${text}\n`)) await new Promise<void>((resolve) => out.once('drain', () => resolve()));
    });
    await new Promise<void>((resolve, reject) => out.end((err?: Error | null) => (err ? reject(err) : resolve())));
    stats.retried = retry.size;
    if (!flags.quiet) process.stderr.write(`fanout: ${results}: ${stats.kept} records kept, ${retry.size} to retry\n`);
    code = EXIT_OK;
    if (retry.size > 0) {
      const urls = [...retry];
      const counts = { lines: urls.length, valid: urls.length, duplicates: 0, invalid: 0, skipped: 0 };
      code = await runCommand(
        '',
        { ...flags, out: temp, format: 'jsonl', resume: false },
        {
          input: { urls, invalid: [], counts },
          source: `${results} (retryable records)`,
          append: true,
          keep: (outcome) => {
            if (!refusedBySettings(outcome)) return true;
            stats.blocked++;
            return false;
          },
        },
      );
      stats.restored = (await restoreMissing(results, temp, retry)) - stats.blocked;
    }
    const handle = await fs.promises.open(temp, 'r+');
    await handle.sync(); // the rename must not publish a file whose data is not on disk yet
    await handle.close();
    await fs.promises.rename(temp, target);
  } catch (error) {
    await fs.promises.rm(temp, { force: true });
    throw error;
  }
  if (!flags.quiet) {
    const restored = stats.restored > 0 ? `; ${stats.restored} not run again kept their old record` : '';
    const blocked = stats.blocked > 0 ? `; ${stats.blocked} blocked as private addresses kept their old record (pass --allow-private to retry them)` : '';
    const dups = stats.duplicates > 0 ? `; ${stats.duplicates} duplicate records dropped` : '';
    process.stderr.write(`fanout: wrote ${target}: ${stats.kept} kept, ${stats.retried} retried${blocked}${restored}${dups}\n`);
  }
  return code;
}

/**
 * A new failure that says nothing about the page, only about this retry's settings: `blocked`
 * (the SSRF guard, off with --allow-private). Written, it would replace a retryable record with
 * one that is not, and the retry run with the right flag would find nothing left to do; so the
 * old record is kept instead.
 */
export function refusedBySettings(outcome: Outcome): boolean {
  return !outcome.ok && outcome.error.kind === 'blocked';
}

/** Step 3: copies the old record of every retryable URL that has none in `temp`. Returns how many. */
async function restoreMissing(original: string, temp: string, retry: ReadonlySet<string>): Promise<number> {
  const present = new Set<string>();
  await scanResults(temp, ({ record }) => void present.add(record.url));
  const missing = [...retry].filter((url) => !present.has(url));
  if (missing.length === 0) return 0;
  const wanted = new Set(missing);
  const out = fs.createWriteStream(temp, { flags: 'a' });
  await scanResults(original, async ({ record, text }) => {
    if (!wanted.delete(record.url)) return; // only the first record of each missing URL
    if (!out.write(`${text}\n`)) await new Promise<void>((resolve) => out.once('drain', () => resolve()));
  });
  await new Promise<void>((resolve, reject) => out.end((err?: Error | null) => (err ? reject(err) : resolve())));
  return missing.length;
}

/**
 * Adds `fanout retry` to the program, with every flag of `fanout run` (so new run flags reach
 * retry too) except `--out`, `--format`, `--csv-raw` and `--resume`.
 */
export function addRetryCommand(program: Command): void {
  const run = program.commands.find((c) => c.name() === 'run');
  const retry = program
    .command('retry')
    .description('Run again the URLs whose record is a retryable failure, replacing those records: each URL keeps one record.')
    .argument('<results.jsonl>', 'records written by fanout run (JSONL)')
    .option('-o, --out <file>', 'write the merged records here instead of replacing <results.jsonl>');
  for (const option of (run?.options ?? []) as Option[]) {
    if (!NOT_INHERITED.has(option.long ?? '') && option.long !== '--version') retry.addOption(option);
  }
  retry
    .addHelpText(
      'after',
      `
Retried: dns, connect, timeout, tls, network, worker-failed, not-started, and http 5xx / 429 / 408.
Kept as they are: successes and every other failure (4xx, invalid-url, blocked, too-large, ...).
The file is rewritten through a temp file and a rename; URLs not run again (Ctrl-C) keep their old record,
and so do URLs now blocked as private addresses (pass --allow-private to retry those).

Examples:
  $ fanout retry results.jsonl --allow-private
  $ fanout retry results.jsonl -o results-retried.jsonl --workers 2`,
    )
    .action(async (results: string, opts: Record<string, unknown>) => {
      process.exitCode = await retryCommand(results, opts as unknown as RunFlags);
    });
}
