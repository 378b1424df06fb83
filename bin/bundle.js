'use strict';
/**
 * Builds the CLI and the local worker as esbuild bundles (the same way CDK bundles the Lambda worker)
 * into node_modules/.cache/fanout, and rebuilds them whenever a source file is newer than the
 * bundle. A bundle starts in a fraction of the time tsx needs to compile the sources, in the CLI and
 * in every worker process. Where the cache cannot be written, callers fall back to tsx.
 */
const fs = require('node:fs');
const path = require('node:path');

const ROOT = path.resolve(__dirname, '..');
const OUT_DIR = path.join(ROOT, 'node_modules', '.cache', 'fanout');
const SOURCE_DIRS = ['core', 'http', 'functions', 'orchestrator', 'cli', 'report'];
const INPUTS = ['package.json', 'package-lock.json', __filename];
const ENTRIES = {
  cli: 'cli/main.ts',
  'local-child': 'orchestrator/invokers/local-child.ts',
  worker: 'functions/worker/handler.ts',
};

function newestMtime(dir, newest) {
  let entries;
  try {
    entries = fs.readdirSync(dir, { withFileTypes: true });
  } catch {
    return newest;
  }
  for (const entry of entries) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) newest = newestMtime(full, newest);
    else if (entry.name.endsWith('.ts') || entry.name.endsWith('.json')) newest = Math.max(newest, fs.statSync(full).mtimeMs);
  }
  return newest;
}

function sourcesMtime() {
  let newest = 0;
  for (const dir of SOURCE_DIRS) newest = newestMtime(path.join(ROOT, dir), newest);
  for (const file of INPUTS) {
    try {
      newest = Math.max(newest, fs.statSync(path.isAbsolute(file) ? file : path.join(ROOT, file)).mtimeMs);
    } catch {
      // a missing lock file is not a reason to rebuild every time
    }
  }
  return newest;
}

function isFresh() {
  try {
    const built = Math.min(...Object.keys(ENTRIES).map((name) => fs.statSync(path.join(OUT_DIR, `${name}.js`)).mtimeMs));
    return built >= sourcesMtime();
  } catch {
    return false;
  }
}

function build() {
  const esbuild = require('esbuild');
  fs.mkdirSync(OUT_DIR, { recursive: true });
  const tmp = fs.mkdtempSync(path.join(OUT_DIR, 'tmp-'));
  try {
    esbuild.buildSync({
      entryPoints: Object.fromEntries(Object.entries(ENTRIES).map(([name, file]) => [name, path.join(ROOT, file)])),
      outdir: tmp,
      bundle: true,
      platform: 'node',
      target: 'node20',
      format: 'cjs',
      sourcemap: true,
      logLevel: 'error',
      // LocalInvoker finds local-child.js and worker.js beside the bundle instead of the .ts sources.
      define: { __FANOUT_BUNDLED__: 'true' },
    });
    // Rename file by file (atomic each), maps first: a concurrent run sees either bundle, never half of one.
    const files = fs.readdirSync(tmp).sort((a, b) => Number(b.endsWith('.map')) - Number(a.endsWith('.map')));
    for (const file of files) fs.renameSync(path.join(tmp, file), path.join(OUT_DIR, file));
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

/** Returns the bundled CLI's path, building it first if needed; null when no bundle can be had. */
function ensureBundle() {
  if (process.env.FANOUT_NO_BUNDLE) return null;
  try {
    if (!isFresh()) build();
    return path.join(OUT_DIR, 'cli.js');
  } catch (err) {
    if (process.env.FANOUT_DEBUG_BUNDLE) process.stderr.write(`fanout: bundle unavailable (${err.message}); using tsx\n`);
    return null;
  }
}

module.exports = { ensureBundle, OUT_DIR };
