/**
 * The htmlparser-benchmark pages as the record reads them (decoded by the worker's own sniffing),
 * and the browser's reading of each (browser-reading.ts).
 *
 * The differential test gets the browser's readings from a child process in plain Node
 * ({@link printCorpusReadings}): inside jest's module sandbox parse5 runs about 7 times slower
 * (13 s for the 258 pages, not 2 s).
 */
import fs from 'node:fs';
import path from 'node:path';
import { decodeHtml } from '../functions/worker/parse/decode';
import { type BrowserReading, browserReading } from './browser-reading';
import { PAGES_DIR } from './site';

export interface CorpusPage {
  /** The file name. */
  name: string;
  /** The URL it is read as served from. */
  url: string;
  /** The text, decoded as the worker decodes it (BOM, `<meta charset>`, else UTF-8). */
  html: string;
}

export interface CorpusReading extends BrowserReading {
  name: string;
  url: string;
}

/** Every page of the corpus, in name order. */
export function corpusPages(): CorpusPage[] {
  return fs
    .readdirSync(PAGES_DIR)
    .filter((name) => name.endsWith('.html'))
    .sort()
    .map((name) => ({ name, url: `https://bench.example/pages/${name}`, html: decodeHtml(fs.readFileSync(path.join(PAGES_DIR, name)), undefined) }));
}

/** The browser's reading of every page of the corpus. */
export function corpusReadings(): CorpusReading[] {
  return corpusPages().map(({ name, url, html }) => ({ name, url, ...browserReading(html, url) }));
}

/**
 * Writes {@link corpusReadings} to stdout as one JSON line, for a parent process.
 * @example node --require tsx/cjs -e "require('./bench/browser-readings').printCorpusReadings()"
 */
export function printCorpusReadings(): void {
  process.stdout.write(`${JSON.stringify(corpusReadings())}\n`);
}
