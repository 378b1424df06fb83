/**
 * The record's parse alone: `parsePage` over the htmlparser-benchmark pages on one thread, in
 * pages/s and MB/s (median of rounds, after a warm-up); how many pages read as a browser reads
 * them (browser-reading.ts); and hostile inputs at doubling sizes, whose time should double and
 * whose memory should not grow with nesting.
 *
 * It measures what production runs: the first run bundles this file with esbuild (as
 * scripts/build.js bundles the worker) and runs the bundle, because tsx compiles each module
 * apart and every imported constant becomes a getter call, which is not what a worker pays.
 * Run: `npx tsx bench/parse-speed.ts [rounds]` (default 10). Prints a few lines for a person.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { parsePage } from '../functions/worker/parse/parse-page';
import { scanRecord } from '../functions/worker/parse/record-scanner';
import { firstDifference } from './browser-reading';
import { corpusPages, corpusReadings } from './browser-readings';

const BUNDLED = 'FANOUT_PARSE_SPEED_BUNDLED';

/** Hostile pages, by size n (about 10n characters). */
const HOSTILE: Record<string, (n: number) => string> = {
  'unclosed <a href>': (n) => Array.from({ length: n }, (_, i) => `<a href=/${i}>`).join(''),
  'nested <div>, then links': (n) => `${'<div>'.repeat(n)}<a href=/in>${'</div>'.repeat(n)}<a href=/after>`,
  'unclosed <b>': (n) => `${'<b>'.repeat(n)}<a href=/in>`,
  comments: (n) => `${'<!-- x -->'.repeat(n)}<a href=/after>`,
  'huge attribute': (n) => `<a title="${'x'.repeat(10 * n)}" href=/after>`,
  'script escapes': (n) => `<script><!--${'<script>-'.repeat(n)}`,
  'fostered links': (n) => `<table>${'<a href=/x>y'.repeat(n)}`,
};

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

function measureSpeed(rounds: number): void {
  const pages = corpusPages();
  const chars = pages.reduce((sum, page) => sum + page.html.length, 0);
  const parseAll = () => {
    for (const page of pages) parsePage(page.html, page.url);
  };
  for (let i = 0; i < 3; i++) parseAll(); // warm-up: JIT and inline caches
  const rates: number[] = [];
  for (let round = 0; round < rounds; round++) {
    const started = performance.now();
    parseAll();
    rates.push(pages.length / ((performance.now() - started) / 1000));
  }
  const pagesPerS = median(rates);
  const mbPerS = (pagesPerS * chars) / pages.length / 1e6;
  console.log(`parse: ${pagesPerS.toFixed(0)} pages/s, ${mbPerS.toFixed(1)} MB/s (one thread, ${pages.length} pages, median of ${rounds} rounds)`);
}

function measureAgreement(): void {
  const readings = corpusReadings();
  const pages = corpusPages();
  const differing = pages.flatMap((page, i) => {
    const { title, links } = parsePage(page.html, page.url);
    const difference = firstDifference({ title, links }, readings[i]!);
    return difference === undefined ? [] : [`  ${page.name}: ${difference}`];
  });
  console.log(`as a browser reads them: ${pages.length - differing.length} of ${pages.length} pages agree`);
  for (const line of differing) console.log(line);
}

/** Heap in use after a full collection (the child runs with --expose-gc). */
function retainedHeap(): number {
  (globalThis as { gc?: () => void }).gc?.();
  return process.memoryUsage().heapUsed;
}

function measureHostile(): void {
  console.log('hostile inputs at n = 100k, 200k, 400k (time should double; what the scan keeps is its links, whatever the nesting):');
  for (const [name, make] of Object.entries(HOSTILE)) {
    const cells = [100_000, 200_000, 400_000].map((n) => {
      // A flat copy: a concatenated string is flattened on first search, which would count as kept.
      const html = Buffer.from(make(n)).toString();
      const before = retainedHeap();
      const started = performance.now();
      const record = scanRecord(html);
      const ms = performance.now() - started;
      const keptMb = (retainedHeap() - before) / 1e6;
      return `${ms.toFixed(0)} ms, ${record.hrefs.length} links, ${Math.max(0, keptMb).toFixed(1)} MB kept`;
    });
    console.log(`  ${name}: ${cells.join(' | ')}`);
  }
}

function main(): void {
  const rounds = Number(process.argv[2] ?? 10);
  if (process.env[BUNDLED] === undefined) {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const esbuild = require('esbuild') as typeof import('esbuild');
    // Inside the repo, so that the bundle finds htmlparser-benchmark's pages from where it is.
    const outfile = path.join(__dirname, '..', 'node_modules', '.cache', 'fanout', `parse-speed-${process.pid}.js`);
    esbuild.buildSync({ entryPoints: [__filename], bundle: true, platform: 'node', target: 'node20', outfile, logLevel: 'error' });
    try {
      execFileSync(process.execPath, ['--expose-gc', outfile, String(rounds)], { stdio: 'inherit', env: { ...process.env, [BUNDLED]: '1' } });
    } finally {
      fs.rmSync(outfile, { force: true });
    }
    return;
  }
  measureSpeed(rounds);
  measureAgreement();
  measureHostile();
}

main();
