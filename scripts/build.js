'use strict';
/**
 * `npm run build` (`npm ci` runs it too, as `prepare`): bundles the CLI, the local worker's child
 * process and the worker handler with esbuild into dist/, with source maps. bin/fanout.js runs
 * dist/cli.js, whose LocalInvoker forks dist/local-child.js with dist/worker.js.
 *
 *   node scripts/build.js             build
 *   node scripts/build.js --if-stale  build only when dist/ is missing or older than a source
 *
 * Plain JavaScript: it runs before anything is compiled, and bin/fanout.js asks it whether
 * dist/ is fresh (that part needs neither esbuild nor tsx).
 */
const fs = require('node:fs');
const path = require('node:path');

const ROOT = path.resolve(__dirname, '..');
const DIST = path.join(ROOT, 'dist');
const ENTRIES = {
  cli: 'cli/main.ts',
  'local-child': 'orchestrator/invokers/local-child.ts',
  worker: 'functions/worker/handler.ts',
  // bin/fanout.js forks the workers with it, then loads cli.js through the loader's code cache.
  prestart: 'cli/prestart.ts',
  'bundle-loader': 'orchestrator/invokers/bundle-loader.ts',
};
/** The large bundles every run loads: each gets a V8 code cache (orchestrator/invokers/bundle-loader.ts). */
const CACHED = ['cli', 'worker'];
/** Written last: when the build started and the repo files it read, for {@link staleReason}. */
const MANIFEST = 'build-inputs.json';
/** Inputs that esbuild's metafile does not list (dependencies change with the lock file). */
const ALWAYS_INPUTS = ['package.json', 'package-lock.json', path.relative(ROOT, __filename)];

/**
 * Why dist/ cannot be used as it is, or null when it is fresh: every bundle is there and no file
 * it was built from has changed since the build started. Costs a stat per source file (~1 ms).
 */
function staleReason(dist = DIST) {
  let manifest;
  try {
    manifest = JSON.parse(fs.readFileSync(path.join(dist, MANIFEST), 'utf8'));
  } catch {
    return 'dist/ has not been built';
  }
  for (const name of Object.keys(ENTRIES)) {
    if (!fs.existsSync(path.join(dist, `${name}.js`))) return `dist/${name}.js is missing`;
  }
  for (const file of manifest.inputs) {
    let mtimeMs;
    try {
      mtimeMs = fs.statSync(path.join(ROOT, file)).mtimeMs;
    } catch {
      return `${file} is gone`;
    }
    if (mtimeMs > manifest.startedMs) return `${file} changed after the build`;
  }
  return null;
}

/** Bundles the entries into dist/. Each file is renamed into place whole, maps before bundles. */
function build() {
  const esbuild = require('esbuild');
  const startedMs = Date.now();
  const result = esbuild.buildSync({
    entryPoints: Object.fromEntries(Object.entries(ENTRIES).map(([name, file]) => [name, path.join(ROOT, file)])),
    // Written by us, not esbuild: the maps' paths are relative to outdir, so it must be dist/ itself.
    outdir: DIST,
    absWorkingDir: ROOT, // so the metafile names inputs from the repo root
    write: false,
    metafile: true,
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    sourcemap: 'linked',
    // Whitespace and comments only (names stay readable in stacks): the bundles are then ASCII, which
    // Node reads without UTF-8 decoding, and ~20 % smaller to read and scan on every start.
    minifyWhitespace: true,
    // Licence comments go to dist/*.LEGAL.txt: the bundles' own (UTF-8) ones would make them non-ASCII.
    legalComments: 'external',
    logLevel: 'error',
    // LocalInvoker finds local-child.js and worker.js beside the bundle instead of the .ts sources.
    define: { __FANOUT_BUNDLED__: 'true' },
  });
  fs.mkdirSync(DIST, { recursive: true });
  // A cache must never outlive its bundle (bundle-loader checks size and mtime too).
  for (const name of CACHED) fs.rmSync(path.join(DIST, `${name}.js.code-cache`), { force: true });
  const files = [...result.outputFiles].sort((a, b) => Number(b.path.endsWith('.map')) - Number(a.path.endsWith('.map')));
  for (const file of files) writeWhole(file.path, file.contents);
  writeCodeCaches();
  const inputs = Object.keys(result.metafile.inputs).filter((file) => !file.startsWith('node_modules/'));
  writeWhole(path.join(DIST, MANIFEST), `${JSON.stringify({ startedMs, inputs: [...new Set([...ALWAYS_INPUTS, ...inputs])] }, null, 2)}\n`);
}

/**
 * Each large bundle loaded once in a fresh Node process (loading runs its top level), which then
 * writes the bundle's code cache. A failure only costs the speed-up: it is reported, not thrown.
 */
function writeCodeCaches() {
  const { spawnSync } = require('node:child_process');
  for (const name of CACHED) {
    const bundle = path.join(DIST, `${name}.js`);
    const script = `require(${JSON.stringify(path.join(DIST, 'bundle-loader.js'))}).writeCodeCache(${JSON.stringify(bundle)})`;
    const child = spawnSync(process.execPath, ['-e', script], { encoding: 'utf8', env: { ...process.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' } });
    if (child.status !== 0) process.stderr.write(`fanout: no code cache for dist/${name}.js (starts slower): ${(child.stderr || child.error?.message || '').trim()}\n`);
  }
}

/** A CLI starting meanwhile sees the old file or the new one, never half of one. */
function writeWhole(file, contents) {
  const tmp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, contents);
  fs.renameSync(tmp, file);
}

module.exports = { DIST, ENTRIES, build, staleReason };

if (require.main === module) {
  const reason = staleReason();
  if (process.argv.includes('--if-stale') && reason === null) process.exit(0);
  try {
    build();
  } catch (err) {
    // esbuild is a dev dependency: an install without dev dependencies still gets a working CLI.
    if (err.code !== 'MODULE_NOT_FOUND' || !/'esbuild'/.test(err.message)) throw err;
    process.stderr.write('fanout: esbuild is not installed, so dist/ is not built; bin/fanout.js will run the TypeScript sources through tsx\n');
    process.exit(0);
  }
  process.stderr.write(`fanout: built ${path.relative(process.cwd(), DIST) || '.'}/ (${reason ?? 'rebuild'})\n`);
}
