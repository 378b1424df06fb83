/**
 * `npm run demo`: starts the demo site on 127.0.0.1, writes a list of its pages (plus a duplicate
 * and a bad line, to show how they are reported), and scrapes it with the real `fanout` CLI.
 * No network and no AWS account needed.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { startDemoSite } from './site';

const PAGES = Number(process.env.DEMO_PAGES ?? 500);
const LATENCY_MS = Number(process.env.DEMO_LATENCY_MS ?? 50);

async function main(): Promise<void> {
  const root = path.resolve(__dirname, '..');
  const outDir = path.join(root, 'out');
  fs.mkdirSync(outDir, { recursive: true });
  const site = await startDemoSite({ pages: PAGES, latencyMs: LATENCY_MS });
  const listPath = path.join(outDir, 'demo-urls.txt');
  const lines = ['# demo list: every page of the local demo site', ...site.urls(), `${site.origin}/page/0#top`, 'not a url'];
  fs.writeFileSync(listPath, `${lines.join('\n')}\n`);

  const args = [
    path.join(root, 'bin', 'fanout.js'),
    'run',
    listPath,
    '-o',
    path.join(outDir, 'demo.jsonl'),
    '--summary',
    path.join(outDir, 'demo-summary.json'),
    '--report',
    path.join(outDir, 'demo-report.html'),
    // The demo site is on loopback, which the SSRF guard blocks by default.
    '--allow-private',
    ...process.argv.slice(2),
  ];
  process.stderr.write(`demo: ${PAGES} pages on ${site.origin} with ${LATENCY_MS} ms latency each\n`);
  process.stderr.write(
    `demo: $ fanout ${args
      .slice(1)
      .map((a) => path.relative(root, a) || a)
      .join(' ')}\n\n`,
  );
  const code = await new Promise<number>((resolve) => {
    const child = spawn(process.execPath, args, { stdio: 'inherit' });
    child.on('exit', (c) => resolve(c ?? 1));
  });
  await site.close();
  if (code === 0) {
    process.stderr.write(`\ndemo: records in out/demo.jsonl, summary in out/demo-summary.json, report in out/demo-report.html\n`);
  }
  process.exitCode = code;
}

void main();
