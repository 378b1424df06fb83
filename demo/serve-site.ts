/**
 * `npm run demo:site`: the demo site alone, on 127.0.0.1, to try the CLI by hand. Prints its base
 * URL and writes a list of its pages, then serves until Ctrl-C (or SIGTERM). Settings come from
 * the environment, as for `npm run demo`: DEMO_PAGES, DEMO_LATENCY_MS, DEMO_PORT, and DEMO_OUT_DIR
 * for the list (default: out/ in the repository).
 */
import fs from 'node:fs';
import path from 'node:path';
import { startDemoSite } from './site';

/** `name` from the environment as a whole number in [min, max], or `fallback` when unset. */
function intFromEnv(name: string, fallback: number, min: number, max: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!/^\d+$/.test(raw) || value < min || value > max) {
    throw new Error(`${name} must be a whole number from ${min} to ${max}, got ${JSON.stringify(raw)}`);
  }
  return value;
}

async function main(): Promise<void> {
  const pages = intFromEnv('DEMO_PAGES', 500, 1, 1_000_000);
  const latencyMs = intFromEnv('DEMO_LATENCY_MS', 50, 0, 60_000);
  const port = intFromEnv('DEMO_PORT', 0, 0, 65_535);
  const outDir = path.resolve(process.env.DEMO_OUT_DIR ?? path.join(__dirname, '..', 'out'));
  fs.mkdirSync(outDir, { recursive: true });

  const site = await startDemoSite({ pages, latencyMs, port });
  const list = path.join(outDir, 'demo-site-urls.txt');
  fs.writeFileSync(list, `${site.urls().join('\n')}\n`);
  process.stdout.write(
    [
      `demo site: ${site.origin} (${pages} pages, ${latencyMs} ms latency, loopback only)`,
      `sample list: ${list}`,
      // The site is on loopback, which the SSRF guard blocks unless told otherwise.
      `try: npx fanout run ${list} --allow-private -o ${path.join(outDir, 'demo-site.jsonl')}`,
      'Ctrl-C to stop.',
      '',
    ].join('\n'),
  );

  const stop = () => {
    process.off('SIGINT', stop);
    process.off('SIGTERM', stop);
    void site.close();
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

main().catch((error: unknown) => {
  process.stderr.write(`demo:site: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 1;
});
