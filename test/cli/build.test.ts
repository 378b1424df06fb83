/**
 * The build that bin/fanout.js runs (scripts/build.js -> dist/, made fresh by jest's globalSetup):
 * source maps that name files that exist, with the right lines; a stale dist/ is noticed; and a
 * checkout without dist/ still runs, through tsx.
 */
import { isAscii } from 'node:buffer';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ROOT, runCli } from './run-cli';

interface Build {
  DIST: string;
  ENTRIES: Record<string, string>;
  staleReason(dist?: string): string | null;
}
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { DIST, ENTRIES, staleReason } = require('../../scripts/build') as Build;

interface SourceMap {
  sources: string[];
  sourcesContent?: (string | null)[];
}

/** `at fn (/abs/file.ts:12:34)` or `at /abs/file.ts:12:34` -> file and line, for absolute paths only. */
function frames(stack: string): { file: string; line: number }[] {
  return [...stack.matchAll(/^\s+at (?:.*\()?(\/[^():]+):(\d+):\d+\)?$/gm)].map((m) => ({ file: m[1]!, line: Number(m[2]) }));
}

let tmp: string;
beforeAll(() => (tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'fanout-build-'))));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

test('dist/ is fresh: the global setup built it from these sources', () => {
  expect(staleReason()).toBeNull();
});

test('every bundle is ASCII, so bundle-loader reads it without UTF-8 decoding (licence comments go to *.LEGAL.txt)', () => {
  const nonAscii = Object.keys(ENTRIES).filter((name) => !isAscii(fs.readFileSync(path.join(DIST, `${name}.js`))));
  expect(nonAscii).toStrictEqual([]);
  expect(fs.readFileSync(path.join(DIST, 'worker.js.LEGAL.txt'), 'utf8')).toContain('undici');
});

describe.each(Object.entries(ENTRIES))('dist/%s.js.map', (name, entry) => {
  const map = JSON.parse(fs.readFileSync(path.join(DIST, `${name}.js.map`), 'utf8')) as SourceMap;
  const own = map.sources.map((source, i) => ({ source, i })).filter(({ source }) => !/^[a-z]+:/.test(source) && !source.includes('node_modules/'));

  test('names the entry and the project files by paths that exist from dist/', () => {
    expect(own.map(({ source }) => path.resolve(DIST, source))).toContain(path.join(ROOT, entry));
    expect(own.filter(({ source }) => !fs.existsSync(path.resolve(DIST, source)))).toStrictEqual([]);
  });

  test('carries each project file as it is on disk', () => {
    const differ = own.filter(({ source, i }) => map.sourcesContent?.[i] !== fs.readFileSync(path.resolve(DIST, source), 'utf8'));
    expect(differ.map(({ source }) => source)).toStrictEqual([]);
  });
});

test('--verbose prints a stack whose frames are files in the repo, at the line that threw', async () => {
  const { code, stderr } = await runCli(['run', path.join(tmp, 'no-such-list.txt'), '--verbose']);
  expect(code).toBe(1);
  const stack = frames(stderr);
  expect(stack.length).toBeGreaterThan(0);
  expect(stack.filter(({ file }) => !fs.existsSync(file))).toStrictEqual([]);
  // The reader makes the ListError (a user-facing error, printed as it is, never re-wrapped).
  expect(stack[0]!.file).toBe(path.join(ROOT, 'orchestrator', 'read-urls.ts'));
  const thrower = fs.readFileSync(stack[0]!.file, 'utf8').split('\n')[stack[0]!.line - 1];
  expect(thrower).toContain('new ListError');
});

describe('staleness', () => {
  /** A dist/ copy in tmp whose manifest says the build started at `startedMs`. */
  function fakeDist(startedMs: number, inputs: string[] = ['cli/main.ts']): string {
    const dist = fs.mkdtempSync(path.join(tmp, 'dist-'));
    for (const name of Object.keys(ENTRIES)) fs.writeFileSync(path.join(dist, `${name}.js`), '');
    fs.writeFileSync(path.join(dist, 'build-inputs.json'), JSON.stringify({ startedMs, inputs }));
    return dist;
  }

  test.each([
    ['no manifest', () => fs.mkdtempSync(path.join(tmp, 'dist-')), /has not been built/],
    ['a source newer than the build', () => fakeDist(0), /^cli\/main\.ts changed after the build$/],
    ['a source that is gone', () => fakeDist(Date.now(), ['cli/no-such-file.ts']), /^cli\/no-such-file\.ts is gone$/],
  ])('%s makes dist/ stale', (_case, makeDist, reason) => {
    expect(staleReason(makeDist())).toMatch(reason);
  });

  test('no source newer than the build: fresh', () => {
    expect(staleReason(fakeDist(Date.now()))).toBeNull();
  });
});

test('a checkout without dist/ runs the TypeScript sources through tsx, and says so with --verbose', () => {
  // The repo with its own bin/ and scripts/ (so ROOT is here, with no dist/), the rest linked.
  const checkout = fs.mkdtempSync(path.join(tmp, 'checkout-'));
  for (const entry of fs.readdirSync(ROOT)) {
    if (entry === 'dist' || entry === '.git') continue;
    const from = path.join(ROOT, entry);
    if (entry === 'bin' || entry === 'scripts') fs.cpSync(from, path.join(checkout, entry), { recursive: true });
    else fs.symlinkSync(from, path.join(checkout, entry));
  }
  const bin = path.join(checkout, 'bin', 'fanout.js');
  const run = spawnSync(process.execPath, [bin, 'run', path.join(tmp, 'no-such-list.txt'), '--verbose'], { cwd: checkout, encoding: 'utf8' });
  expect(run.status).toBe(1);
  expect(run.stderr).toContain('fanout: dist/ has not been built; running the sources through tsx');
  expect(frames(run.stderr)[0]?.file).toBe(path.join(ROOT, 'orchestrator', 'read-urls.ts'));
});
