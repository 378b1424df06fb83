/**
 * The parse-CPU bound: the bench site's pages parsed by fanout's own `parsePage` (the default
 * record: title, description, links) in a tight loop on every core, no I/O. No scraper on this
 * machine can produce default records faster than this.
 *
 * Also measures, on one core, cheerio's default `load` with the same extraction (what the
 * baselines do), for reference. Prints one JSON line: {@link ParseBoundResult}.
 * argv: [durationMs]
 */
import os from 'node:os';
import { Worker, isMainThread, parentPort, workerData } from 'node:worker_threads';
import { Tokenizer } from 'htmlparser2';
import { parsePage } from '../functions/worker/parse/parse-page';
import { extractRecord } from './baseline-record';
import { loadPages } from './site';

export interface ParseBoundResult {
  threads: number;
  /** fanout parsePage, all threads together. */
  allCoresPagesPerS: number;
  /** fanout parsePage, one thread alone. */
  perCorePagesPerS: number;
  /** cheerio.load (parse5) + the same extraction, one thread alone. */
  cheerioPerCorePagesPerS: number;
  /** htmlparser2's Tokenizer with no-op callbacks, one thread: the floor under any htmlparser2-based parse. */
  tokenizerPerCorePagesPerS: number;
  /**
   * The same Tokenizer, in CPU ms per page (the process's CPU over the loop, while that one thread
   * runs): the parse floor of the combined bound. CPU time, not wall time, so other work on a shared
   * machine does not inflate it the way it lowers the pages/s above. Absent in results written before it was measured.
   */
  tokenizerCpuMsPerPage?: number;
  /** Mean page size, bytes. */
  meanPageBytes: number;
}

type Parser = 'fanout' | 'cheerio' | 'tokenizer';

const noop = () => {};
const NOOP_CALLBACKS = {
  onattribdata: noop,
  onattribentity: noop,
  onattribend: noop,
  onattribname: noop,
  oncdata: noop,
  onclosetag: noop,
  oncomment: noop,
  ondeclaration: noop,
  onend: noop,
  onopentagend: noop,
  onopentagname: noop,
  onprocessinginstruction: noop,
  onselfclosingtag: noop,
  ontext: noop,
  ontextentity: noop,
};

function tokenize(html: string): void {
  const tokenizer = new Tokenizer({}, NOOP_CALLBACKS);
  tokenizer.write(html);
  tokenizer.end();
}

interface LoopResult {
  pagesPerS: number;
  /** The whole process's CPU over the loop, per page: this thread's, while the others wait. */
  cpuMsPerPage: number;
}

/**
 * Pages parsed per second by one thread over at least `durationMs` and at least one whole pass
 * over the pages (they differ in size, so a partial pass would be biased), after a warm-up.
 */
function loop(parser: Parser, durationMs: number): LoopResult {
  const pages = loadPages().map((b) => b.toString('utf8'));
  const base = 'http://127.0.0.1:8080/p/1';
  const parse = parser === 'fanout' ? (html: string) => parsePage(html, base) : parser === 'cheerio' ? (html: string) => extractRecord(html, base) : tokenize;
  const warmUntil = performance.now() + Math.min(1000, durationMs / 4); // warm-up: JIT and inline caches
  for (let i = 0; performance.now() < warmUntil; i = (i + 1) % pages.length) parse(pages[i]!);
  let count = 0;
  const cpu0 = process.cpuUsage();
  const started = performance.now();
  const until = started + durationMs;
  for (let i = 0; count < pages.length || performance.now() < until; i = (i + 1) % pages.length, count++) parse(pages[i]!);
  const cpu = process.cpuUsage(cpu0);
  return { pagesPerS: (count / (performance.now() - started)) * 1000, cpuMsPerPage: (cpu.user + cpu.system) / 1000 / count };
}

function inThreads(parser: Parser, threads: number, durationMs: number): Promise<LoopResult[]> {
  return Promise.all(
    Array.from(
      { length: threads },
      () =>
        new Promise<LoopResult>((resolve, reject) => {
          const worker = new Worker(__filename, { workerData: { parser, durationMs } });
          worker.once('message', (result: LoopResult) => resolve(result));
          worker.once('error', reject);
        }),
    ),
  );
}

async function main(): Promise<void> {
  const durationMs = Number(process.argv[2] ?? 5000);
  const threads = os.availableParallelism();
  const pages = loadPages();
  const [perCore] = await inThreads('fanout', 1, durationMs);
  const [cheerioPerCore] = await inThreads('cheerio', 1, durationMs);
  const [tokenizerPerCore] = await inThreads('tokenizer', 1, durationMs);
  const all = await inThreads('fanout', threads, durationMs);
  const result: ParseBoundResult = {
    threads,
    allCoresPagesPerS: all.reduce((a, b) => a + b.pagesPerS, 0),
    perCorePagesPerS: perCore!.pagesPerS,
    cheerioPerCorePagesPerS: cheerioPerCore!.pagesPerS,
    tokenizerPerCorePagesPerS: tokenizerPerCore!.pagesPerS,
    tokenizerCpuMsPerPage: tokenizerPerCore!.cpuMsPerPage,
    meanPageBytes: pages.reduce((n, b) => n + b.length, 0) / pages.length,
  };
  process.stdout.write(`${JSON.stringify(result)}\n`);
}

if (isMainThread) void main();
else parentPort!.postMessage(loop((workerData as { parser: Parser }).parser, (workerData as { durationMs: number }).durationMs));
