/**
 * The conformance data in `../shared/conformance/` (beside the repo; see its README): read at test
 * time, never copied into the repo. When the folder is absent (a clone without shared/), the
 * suites that use it are skipped with a message that says so, instead of failing.
 */
import fs from 'node:fs';
import path from 'node:path';

const ROOT = path.resolve(__dirname, '..', '..');

/** Where the conformance files are. */
export const CONFORMANCE_DIR = path.resolve(ROOT, '../shared/conformance');

/** Whether the folder is there. */
export const hasConformance = fs.existsSync(CONFORMANCE_DIR);

/** A conformance file's `cases`, typed by the caller. */
export function readCases<T>(file: string): T[] {
  const parsed = JSON.parse(fs.readFileSync(path.join(CONFORMANCE_DIR, file), 'utf8')) as { cases: T[] };
  return parsed.cases;
}

/** `describe`, or `describe.skip` with a title naming the missing folder. */
export function describeConformance(name: string, body: () => void): void {
  if (hasConformance) {
    describe(name, body);
  } else {
    describe.skip(`${name} (skipped: no conformance data at ${CONFORMANCE_DIR})`, body);
  }
}
