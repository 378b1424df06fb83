/**
 * Baseline 1, the classic script: for each URL, fetch it, parse it, write the record. One page at
 * a time. argv: [urlsFile, outFile]
 */
import fs from 'node:fs';
import { fetchRecord } from './baseline-record';

async function main(): Promise<void> {
  const [urlsFile = '', outFile = '/dev/null'] = process.argv.slice(2);
  const urls = fs.readFileSync(urlsFile, 'utf8').split('\n').filter(Boolean);
  const out = fs.openSync(outFile, 'w');
  let ok = 0;
  for (const url of urls) {
    const record = await fetchRecord(url);
    if (record.ok) ok++;
    fs.writeSync(out, `${JSON.stringify(record)}\n`);
  }
  fs.closeSync(out);
  process.stderr.write(`sequential: ${ok}/${urls.length} ok\n`);
  if (ok !== urls.length) process.exitCode = 1;
}

void main();
