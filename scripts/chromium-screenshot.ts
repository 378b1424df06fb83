/**
 * Opens a report in a real headless Chromium (Debian's `chromium` package, driven by playwright-core)
 * and takes a full-page screenshot: used by the end-to-end test and to refresh docs/report.png.
 */
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

/** Where Debian puts the browser; override with FANOUT_CHROMIUM. */
export const DEFAULT_CHROMIUM_PATH = '/usr/bin/chromium';

/** Flags for a quiet, offline, throwaway browser: nothing phones home, nothing persists. */
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  // The report is a file:// page that needs no host at all; without this Chromium still asks the
  // system resolver for Google's update and account hosts, which is traffic off this machine.
  '--host-resolver-rules=MAP * ~NOTFOUND',
  '--disable-domain-reliability',
  '--no-pings',
];

/** The Chromium executable to use, or null when none is installed. */
export function findChromium(): string | null {
  const candidate = process.env.FANOUT_CHROMIUM ?? DEFAULT_CHROMIUM_PATH;
  return existsSync(candidate) ? candidate : null;
}

export interface ScreenshotResult {
  /** Console messages of type `error` and uncaught page errors: a clean report has none. */
  consoleErrors: string[];
  /** Every request the page made other than the report file itself: a self-contained report makes none. */
  externalRequests: string[];
  /** Size of the page as laid out, in CSS pixels. */
  pageHeightPx: number;
}

/**
 * Loads `htmlPath` from disk in headless Chromium (fresh profile, every non-file request blocked and
 * recorded) and saves a PNG to `pngPath`: the full page, or its top `heightPx` pixels when given.
 */
export async function screenshotReport(
  htmlPath: string,
  pngPath: string,
  opts: { executablePath?: string; widthPx?: number; heightPx?: number } = {},
): Promise<ScreenshotResult> {
  // Loaded lazily: playwright-core is a dev dependency, and the library proper must not need it.
  const { chromium } = await import('playwright-core');
  const executablePath = opts.executablePath ?? findChromium();
  if (!executablePath) throw new Error(`Chromium not found at ${DEFAULT_CHROMIUM_PATH} (set FANOUT_CHROMIUM)`);
  const profile = await mkdtemp(path.join(os.tmpdir(), 'fanout-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath,
    headless: true,
    args: CHROMIUM_ARGS,
    viewport: { width: opts.widthPx ?? 1100, height: opts.heightPx ?? 800 },
    offline: true,
  });
  try {
    const page = context.pages()[0] ?? (await context.newPage());
    const consoleErrors: string[] = [];
    const externalRequests: string[] = [];
    const fileUrl = pathToFileURL(path.resolve(htmlPath)).href;
    page.on('console', (msg) => {
      if (msg.type() === 'error') consoleErrors.push(msg.text());
    });
    page.on('pageerror', (err) => consoleErrors.push(`pageerror: ${err.message}`));
    await page.route('**/*', (route) => {
      const url = route.request().url();
      if (url === fileUrl) return route.continue();
      externalRequests.push(url);
      return route.abort();
    });
    await page.goto(fileUrl, { waitUntil: 'load' });
    // A string expression: this project compiles without the DOM lib.
    const pageHeightPx = Number(await page.evaluate('document.documentElement.scrollHeight'));
    await page.screenshot({ path: pngPath, fullPage: opts.heightPx === undefined });
    return { consoleErrors, externalRequests, pageHeightPx };
  } finally {
    await context.close();
    await rm(profile, { recursive: true, force: true });
  }
}
