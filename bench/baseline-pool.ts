/**
 * Baseline 2, the classic `ProcessPoolExecutor` approach: a pool of processes, each fetching and
 * parsing one page at a time; the parent hands out URLs and collects records as they complete.
 * argv: [urlsFile, outFile, poolSize]. Re-runs itself as a pool member with argv ['--member'].
 */
import { fork } from 'node:child_process';
import fs from 'node:fs';
import { fetchRecord, type BaselineRecord } from './baseline-record';

function member(): void {
  process.on('disconnect', () => process.exit(0));
  process.on('message', (url: string) => {
    void fetchRecord(url).then((record) => process.send?.(record));
  });
}

async function parent(): Promise<void> {
  const [urlsFile = '', outFile = '/dev/null', size = '4'] = process.argv.slice(2);
  const urls = fs.readFileSync(urlsFile, 'utf8').split('\n').filter(Boolean);
  const out = fs.openSync(outFile, 'w');
  let next = 0;
  let done = 0;
  let ok = 0;
  await new Promise<void>((resolve) => {
    for (let i = 0; i < Number(size); i++) {
      const child = fork(__filename, ['--member'], { execArgv: process.execArgv, serialization: 'advanced' });
      const feed = () => {
        if (next < urls.length) child.send(urls[next++]!);
        else child.disconnect();
      };
      child.on('message', (record: BaselineRecord) => {
        done++;
        if (record.ok) ok++;
        fs.writeSync(out, `${JSON.stringify(record)}\n`);
        if (done === urls.length) resolve();
        feed();
      });
      feed();
    }
  });
  fs.closeSync(out);
  process.stderr.write(`pool: ${ok}/${urls.length} ok\n`);
  if (ok !== urls.length) process.exitCode = 1;
}

if (process.argv[2] === '--member') member();
else void parent();
