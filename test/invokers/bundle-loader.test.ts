/**
 * orchestrator/invokers/bundle-loader.ts: a bundle loaded through its code cache behaves as under
 * `require`, and a cache is used only for the very bundle it was made from. Each case loads its
 * bundle in a fresh Node process (a module loads once per process), as bin/fanout.js and the
 * local workers do; the built dist/ bundles are checked the same way.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const ROOT = path.join(__dirname, '../..');
const TSX = require.resolve('tsx/cjs');
const LOADER = path.join(ROOT, 'orchestrator/invokers/bundle-loader.ts');

/** A CommonJS "bundle" that uses what a module gets: require, module, exports, __filename, __dirname. */
const BUNDLE = `'use strict';
const path = require('node:path');
let calls = 0;
function greet(name) { calls++; return 'hello ' + name; }
module.exports = { greet, calls: () => calls, file: __filename, dir: path.basename(__dirname), self: exports === module.exports };
`;

/** Runs `code` in a fresh Node process with `L` = the loader; returns its stdout. */
function node(code: string): string {
  return execFileSync(process.execPath, ['--require', TSX, '-e', `const L = require(${JSON.stringify(LOADER)}); ${code}`], { cwd: ROOT, encoding: 'utf8' });
}

let dir: string;
let bundle: string;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'fanout-bundle-'));
  bundle = path.join(dir, 'bundle.js');
  fs.writeFileSync(bundle, BUNDLE);
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

const loadAndUse = (file: string) =>
  `const m = L.loadBundle(${JSON.stringify(file)}); console.log(JSON.stringify({ fits: L.hasFittingCache(${JSON.stringify(file)}), greeting: m.greet('x'), calls: m.calls(), file: m.file, dir: m.dir, self: m.self, again: L.loadBundle(${JSON.stringify(file)}) === m }))`;

describe('bundle-loader', () => {
  test('without a cache it is require; with one it loads the same module, with what a module gets', () => {
    const plain = JSON.parse(node(loadAndUse(bundle)));
    expect(plain).toStrictEqual({ fits: false, greeting: 'hello x', calls: 1, file: bundle, dir: path.basename(dir), self: true, again: true });

    const bytes = Number(node(`console.log(L.writeCodeCache(${JSON.stringify(bundle)}))`));
    expect(bytes).toBeGreaterThan(0);
    expect(JSON.parse(node(loadAndUse(bundle)))).toStrictEqual({ ...plain, fits: true });
  });

  test('a cache made from another bundle (new size, or same size and a new mtime) is not used', () => {
    node(`L.writeCodeCache(${JSON.stringify(bundle)})`);
    fs.writeFileSync(bundle, BUNDLE.replace('hello', 'howdy'));
    const changed = JSON.parse(node(loadAndUse(bundle)));
    expect(changed).toMatchObject({ fits: false, greeting: 'howdy x' });

    node(`L.writeCodeCache(${JSON.stringify(bundle)})`);
    fs.writeFileSync(bundle, BUNDLE.replace('hello', 'HELLO')); // same length
    const later = new Date(Date.now() + 5_000);
    fs.utimesSync(bundle, later, later);
    expect(JSON.parse(node(loadAndUse(bundle)))).toMatchObject({ fits: false, greeting: 'HELLO x' });
  });

  test('a damaged cache file is ignored', () => {
    node(`L.writeCodeCache(${JSON.stringify(bundle)})`);
    const cache = `${bundle}.code-cache`;
    fs.writeFileSync(cache, Buffer.concat([Buffer.from([200, 0, 0, 0]), Buffer.from('{not json')]));
    expect(JSON.parse(node(loadAndUse(bundle)))).toMatchObject({ fits: false, greeting: 'hello x' });
    fs.writeFileSync(cache, Buffer.from([1]));
    expect(JSON.parse(node(loadAndUse(bundle)))).toMatchObject({ fits: false, greeting: 'hello x' });
  });

  test('a bundle that throws while loading throws through the loader, and is not left half-loaded', () => {
    fs.writeFileSync(bundle, `${BUNDLE}\nthrow new Error('broken bundle');\n`);
    node(`try { L.writeCodeCache(${JSON.stringify(bundle)}) } catch {}`);
    const out = node(`for (let i = 0; i < 2; i++) { try { L.loadBundle(${JSON.stringify(bundle)}); console.log('loaded') } catch (e) { console.log(e.message) } }`);
    expect(out.trim().split('\n')).toStrictEqual(['broken bundle', 'broken bundle']);
  });

  test("the build's bundles have caches that fit, and the CLI loaded through one answers --version", () => {
    const dist = path.join(ROOT, 'dist');
    if (require(path.join(ROOT, 'scripts/build.js')).staleReason() !== null) execFileSync(process.execPath, [path.join(ROOT, 'scripts/build.js')], { cwd: ROOT });
    for (const name of ['cli', 'worker']) {
      const file = path.join(dist, `${name}.js`);
      expect([
        name,
        execFileSync(process.execPath, ['-e', `console.log(require(${JSON.stringify(path.join(dist, 'bundle-loader.js'))}).hasFittingCache(${JSON.stringify(file)}))`], {
          encoding: 'utf8',
        }).trim(),
      ]).toStrictEqual([name, 'true']);
    }
    const version = execFileSync(process.execPath, [path.join(ROOT, 'bin/fanout.js'), '--version'], { encoding: 'utf8' }).trim();
    expect(version).toBe(require(path.join(ROOT, 'package.json')).version);
  });
});
