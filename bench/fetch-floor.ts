/**
 * The fetch floor: raw undici GETs of the list at a given in-flight limit, total and per host,
 * each body read to the end and thrown away (not decoded, not parsed). What fetching alone costs
 * one Node process here: the client's CPU per page, and how fast the site answers.
 *
 * argv: [urlsFile, totalInFlight, perHost]. Prints one JSON line: {@link FetchFloorResult}.
 * Its CPU is this process's own, from the first request to the last body, so start-up is left out.
 */
import fs from 'node:fs';
import { Agent, request } from 'undici';

export interface FetchFloorResult {
  pages: number;
  ok: number;
  bytes: number;
  wallS: number;
  cpuS: number;
  totalInFlight: number;
  perHost: number;
}

async function main(): Promise<void> {
  const [file = '', total = '64', perHost = '64'] = process.argv.slice(2);
  const urls = fs.readFileSync(file, 'utf8').split('\n').filter(Boolean);
  // One pool per origin with at most `perHost` connections and no pipelining: at most `perHost`
  // requests on the wire per host; the rest wait in the pool's queue, as in a per-host limit.
  const dispatcher = new Agent({ connections: Number(perHost), pipelining: 1, keepAliveTimeout: 60_000 });
  let next = 0;
  let ok = 0;
  let bytes = 0;
  const cpu0 = process.cpuUsage();
  const started = performance.now();
  const lane = async () => {
    while (next < urls.length) {
      const url = urls[next++]!;
      try {
        const res = await request(url, { dispatcher });
        for await (const chunk of res.body) bytes += (chunk as Buffer).length;
        if (res.statusCode === 200) ok++;
      } catch {
        // a failed page is simply not ok
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(Number(total), urls.length) }, lane));
  const wallS = (performance.now() - started) / 1000;
  const cpu = process.cpuUsage(cpu0);
  await dispatcher.close();
  const result: FetchFloorResult = { pages: urls.length, ok, bytes, wallS, cpuS: (cpu.user + cpu.system) / 1e6, totalInFlight: Number(total), perHost: Number(perHost) };
  process.stdout.write(`${JSON.stringify(result)}\n`);
}

void main();
