/**
 * Loads an esbuild bundle of dist/ with a V8 code cache beside it, so a process skips most of the
 * compiling a plain `require` does on every start. The CLI and each local worker load a 3–4 MB
 * bundle on every run; compiling it was about half of their start-up.
 *
 * `npm run build` writes `<bundle>.code-cache` after loading the bundle once in a fresh process
 * (scripts/build.js): the cache holds the bytecode of the top level and of everything its
 * initialisation ran. A cache is used only for the exact bundle it was made from (size and mtime
 * in its header) and only by the Node version and architecture that made it; V8 itself rejects one
 * made under other flags. Any mismatch, a missing cache or an unreadable one is a plain `require`:
 * the cache can make a start faster, never different. Node 22+ has `module.enableCompileCache`
 * for this; Node 20 does not.
 */
import { isAscii } from 'node:buffer';
import fs from 'node:fs';
import Module, { createRequire } from 'node:module';
import path from 'node:path';
import vm from 'node:vm';

/** The header written before V8's data, naming what the data was made from. */
interface CacheHeader {
  size: number;
  mtimeMs: number;
  node: string;
  arch: string;
}

/** Where the code cache of `bundle` lives. */
export function codeCacheFile(bundle: string): string {
  return `${bundle}.code-cache`;
}

/** What a cache for `bundle` as it is now must say in its header. */
function expectedHeader(bundle: string): CacheHeader {
  const stat = fs.statSync(bundle);
  return { size: stat.size, mtimeMs: stat.mtimeMs, node: process.version, arch: process.arch };
}

/** Whether `bundle` has a code cache made from it as it is now, by this Node on this architecture. */
export function hasFittingCache(bundle: string): boolean {
  return readCache(bundle) !== undefined;
}

/** The V8 data of `bundle`'s cache, or undefined when there is none that fits it. */
function readCache(bundle: string): Buffer | undefined {
  let file: Buffer;
  try {
    file = fs.readFileSync(codeCacheFile(bundle));
  } catch {
    return undefined;
  }
  if (file.length < 4) return undefined;
  const headerLength = file.readUInt32LE(0);
  try {
    const header = JSON.parse(file.subarray(4, 4 + headerLength).toString('utf8')) as CacheHeader;
    const expected = expectedHeader(bundle);
    const fits = header.size === expected.size && header.mtimeMs === expected.mtimeMs && header.node === expected.node && header.arch === expected.arch;
    return fits ? file.subarray(4 + headerLength) : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Compiles `bundle` (with `cachedData` when given) and runs it as a CommonJS module, as `require`
 * would: registered in the module cache, with its own `require`, `module`, `__filename`, `__dirname`.
 */
function compileAndRun(bundle: string, cachedData: Buffer | undefined): { exports: unknown; script: vm.Script } {
  const bytes = fs.readFileSync(bundle);
  // esbuild writes ASCII (its default charset): as latin1 that is the same text, without UTF-8 decoding.
  const source = bytes.toString(isAscii(bytes) ? 'latin1' : 'utf8');
  // Node's own CommonJS wrapper, on the first line, so line numbers (and source maps) stay right.
  const script = new vm.Script(`(function (exports, require, module, __filename, __dirname) { ${source}\n});`, {
    filename: bundle,
    cachedData,
    importModuleDynamically: vm.constants?.USE_MAIN_CONTEXT_DEFAULT_LOADER,
  });
  const dirname = path.dirname(bundle);
  const mod = new Module(bundle, require.main);
  mod.filename = bundle;
  mod.paths = (Module as unknown as { _nodeModulePaths(dir: string): string[] })._nodeModulePaths(dirname);
  require.cache[bundle] = mod;
  try {
    const wrapper = script.runInThisContext() as (...args: unknown[]) => void;
    wrapper.call(mod.exports, mod.exports, createRequire(bundle), mod, bundle, dirname);
  } catch (err) {
    delete require.cache[bundle];
    throw err;
  }
  mod.loaded = true;
  return { exports: mod.exports, script };
}

/**
 * `require(bundle)`, through its code cache when one fits. Falls back to `require` when there is
 * none; a cache V8 rejects (other flags) only costs the compile it would have saved.
 */
export function loadBundle(bundle: string): unknown {
  const cached = require.cache[bundle];
  if (cached) return cached.exports;
  const cachedData = readCache(bundle);
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  if (cachedData === undefined) return require(bundle);
  return compileAndRun(bundle, cachedData).exports;
}

/**
 * Loads `bundle` once without a cache, then writes its cache: the bytecode of everything compiled
 * so far, its initialisation included. For the build, in a fresh process (loading runs the bundle's
 * top level). The file is renamed into place whole.
 */
export function writeCodeCache(bundle: string): number {
  const header = Buffer.from(JSON.stringify(expectedHeader(bundle)), 'utf8');
  const { script } = compileAndRun(bundle, undefined);
  const data = script.createCachedData();
  const length = Buffer.alloc(4);
  length.writeUInt32LE(header.length, 0);
  const file = codeCacheFile(bundle);
  const tmp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, Buffer.concat([length, header, data]));
  fs.renameSync(tmp, file);
  return data.length;
}
