/**
 * Output paths are checked before anything is fetched or read, so a mistyped `--report` folder is
 * found in a second, not as "ENOENT" after a run of hours. A check, not a reservation: nothing is
 * created or truncated here (an interrupted run leaves the previous report or summary as it was).
 */
import fs from 'node:fs';
import path from 'node:path';
import { UsageError } from '../core/errors';

/** One output: the flag that names it (for the message) and its path; `undefined` or `-` (stdout) is skipped. */
export interface OutputPath {
  flag: string;
  path: string | undefined;
}

/** Why `file` cannot be written, as the end of a message after the flag and path, or undefined when it can. */
function problemWith(file: string): string | undefined {
  const stat = fs.statSync(file, { throwIfNoEntry: false });
  if (stat?.isDirectory()) return ' is a folder; give a file path';
  const folder = path.dirname(path.resolve(file));
  if (stat === undefined) {
    const parent = fs.statSync(folder, { throwIfNoEntry: false });
    if (parent === undefined) return `: the folder ${path.dirname(file)} does not exist; create it or choose another path`;
    if (!parent.isDirectory()) return `: ${path.dirname(file)} is not a folder; choose another path`;
  }
  try {
    fs.accessSync(stat === undefined ? folder : file, fs.constants.W_OK);
  } catch (error) {
    return `: cannot write there (${(error as NodeJS.ErrnoException).code ?? 'not writable'}); choose a writable path`;
  }
  return undefined;
}

/**
 * Throws a {@link UsageError} naming the flag and the path when an output cannot be written, or
 * when two outputs, or an output and one of `inputs` (the list), name the same file: one would
 * overwrite the other.
 */
export function checkOutputPaths(outputs: readonly OutputPath[], inputs: readonly OutputPath[] = []): void {
  const seen = new Map<string, string>();
  for (const { flag, path: file } of inputs) if (file !== undefined && file !== '-') seen.set(path.resolve(file), flag);
  for (const { flag, path: file } of outputs) {
    if (file === undefined || file === '-') continue;
    const problem = problemWith(file);
    if (problem !== undefined) throw new UsageError(`${flag} ${file}${problem}`);
    const key = path.resolve(file);
    const other = seen.get(key);
    if (other !== undefined) throw new UsageError(`${other} and ${flag} both name ${file}; give each its own file`);
    seen.set(key, flag);
  }
}
