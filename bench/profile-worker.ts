/**
 * One worker's hot path, alone in a process, for `node --cpu-prof`: the worker handler run on the
 * bench list chunk after chunk, exactly as a LocalInvoker child runs it (minus the IPC).
 * Needed because `--cpu-prof` is not allowed in NODE_OPTIONS and LocalInvoker sets its children's
 * execArgv itself, so the CLI's worker children cannot be profiled from outside.
 *
 * argv: [urlsFile, concurrency, chunkSize, perHost]
 */
import fs from 'node:fs';
import { handler } from '../functions/worker/handler';

async function main(): Promise<void> {
  const [file = '', concurrency = '64', chunkSize = '100', perHost = '64'] = process.argv.slice(2);
  const urls = fs.readFileSync(file, 'utf8').split('\n').filter(Boolean);
  let ok = 0;
  for (let i = 0; i < urls.length; i += Number(chunkSize)) {
    const event = {
      runId: 'bench',
      chunkId: `chunk-${i}`,
      urls: urls.slice(i, i + Number(chunkSize)),
      options: { concurrency: Number(concurrency), perHost: Number(perHost), allowPrivate: true },
    };
    const result = await handler(event, { getRemainingTimeInMillis: () => 900_000 });
    ok += result.stats.ok;
  }
  process.stderr.write(`profile-worker: ${ok}/${urls.length} ok\n`);
}

void main();
