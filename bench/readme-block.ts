/**
 * Pure: the README's "How fast" figures, rendered from a bench run, and the splice that puts them
 * between the README's markers. So every number the README quotes is one the bench wrote into
 * bench/RESULTS.md, never a hand-typed range.
 */
import { boundOf, bestFramework, fanoutRow, rowOf } from './report-lists';
import { rowLimit } from './bounds';
import { isLoaded } from './report';
import type { BenchReport, ListResult } from './report-types';

export const README_START = '<!-- bench:start: written by `npm run bench` from bench/results.json; edits here are overwritten -->';
export const README_END = '<!-- bench:end -->';

const f0 = (n: number) => n.toFixed(0);
const f1 = (n: number) => n.toFixed(1);
const f2 = (n: number) => n.toFixed(2);

/** [label, scraper id on the one-host list, scraper id on the many-host list] */
const ROLES: [string, string | undefined, string | undefined][] = [
  ['seed sequential (requests + BeautifulSoup)', 'seed_sequential', 'seed_sequential'],
  ['seed pool (4 processes)', 'seed_pool', 'seed_pool'],
  ['Scrapy', 'scrapy', 'scrapy'],
  ['Crawlee (CheerioCrawler)', 'crawlee_d64', 'crawlee'],
  ['**fanout**', 'fanout-per-host-64', 'fanout-defaults'],
  ['fanout with its default per-host 8', 'fanout-defaults', undefined],
];

function cells(list: ListResult | undefined, id: string | undefined): string[] {
  const row = id === undefined ? undefined : rowOf(list, id);
  if (!list || !row) return ['—', '—', '—'];
  return [f0(row.run.pagesPerS), f2((row.run.cpuS * 1000) / list.pages), f0(row.run.peakPssMb)];
}

/** The block between the markers (markers included). */
/** `12.3 % behind` or, for a negative share, `8.3 % ahead of`. */
function behindOrAhead(share: number): string {
  return share < 0 ? `${(-share * 100).toFixed(1)} % ahead of` : `${(share * 100).toFixed(1)} % behind`;
}

export function renderReadmeBlock(r: BenchReport): string {
  const one = r.lists.find((l) => l.id === 'one-host');
  const many = r.lists.find((l) => l.id === 'hosts');
  const m = r.machine;
  const lines = [
    README_START,
    `Figures from [bench/RESULTS.md](bench/RESULTS.md), written by \`npm run bench\` on ${m.date} at commit ${m.commit}: ${m.cpu}, ${m.cores} cores, Node ${m.node}, ` +
      `load average ${f2(m.loadBefore[0]!)} before the run${m.otherWork ? `, other processes ${(m.otherWork.share * 100).toFixed(1)} % of the CPU during it` : ''}${isLoaded(m) ? ' (a loaded machine: lower numbers than it can do)' : ''}. ` +
      `${r.pages} real-world pages from a loopback site with ${r.latencyMs} ms latency per response; every scraper alone, its whole process tree measured.`,
    '',
    `| scraper | one host, 64 per host: pages/s | CPU ms/page | peak PSS MB | ${many?.hosts ?? '?'} hosts, defaults: pages/s | CPU ms/page | peak PSS MB |`,
    '|---|---|---|---|---|---|---|',
    ...ROLES.map(([label, a, b]) => `| ${label} | ${[...cells(one, a), ...cells(many, b)].join(' | ')} |`),
    '',
  ];
  const sentences: string[] = [];
  const f = one && fanoutRow(one);
  const peer = one && bestFramework(one);
  const pool = rowOf(one, 'seed_pool');
  if (f && peer) sentences.push(`On one host fanout made ${f1(f.run.pagesPerS / peer.run.pagesPerS)}x the pages/s of ${peer.label.split(' ')[0]}, the faster framework`);
  if (f && pool) sentences.push(`${f1(f.run.pagesPerS / pool.run.pagesPerS)}x the seed pool's`);
  const bound = one && boundOf(r, one);
  if (f && one && bound) {
    const limit = rowLimit(f.inFlight, r.latencyMs, bound);
    const cpu = `${f0(bound.pagesPerS)} pages/s of fetch plus tokenize plus the site's own CPU on all cores`;
    const why =
      limit.by === 'latency' ? `${f0(limit.pagesPerS)} pages/s, the latency bound of ${f.inFlight} in flight; the CPU bound is ${cpu}` : `${cpu}, below the latency bound`;
    sentences.push(`and reached ${f0((f.run.pagesPerS / limit.pagesPerS) * 100)} % of what this machine allows (${why})`);
  }
  if (sentences.length > 0) lines.push(`${sentences.join(', ')}.`);
  // The largest list, as the default runs it (with speculative copies, when that run made any).
  const largest = r.scaling.filter((s) => s.urls === r.scaling.at(-1)?.urls);
  const scale = largest.find((s) => (s.speculative ?? 0) > 0) ?? largest.at(-1);
  if (scale) {
    lines.push(
      `With a simulated invoker, ${scale.urls.toLocaleString('en')} URLs at ${scale.inFlight.toLocaleString('en')} chunks in flight (${scale.speculative ?? 0} speculative copies) finished ${behindOrAhead(scale.makespanMs / scale.zeroOverheadMs - 1)} a zero-overhead in-order dispatcher without copies` +
        (scale.inOrderMs === undefined
          ? ', '
          : ` and ${f1((scale.makespanMs / scale.inOrderMs - 1) * 100)} % behind the best in-order schedule (${f1((scale.makespanMs / scale.idealMs - 1) * 100)} % behind one that knows every chunk's length), `) +
        `the orchestrator's RSS peaking at ${f0(scale.peakRssMb)} MB (${f1((scale.cpuS * 1e6) / scale.urls)} CPU µs per URL).`,
    );
  }
  lines.push(`The cost model's CPU per page (fanout's best run, start-up excluded): ${f2(r.cpuMsPerPage)} ms.`);
  lines.push(README_END);
  return lines.join('\n');
}

/** The README with the block replaced, or undefined when the README has no markers. */
export function spliceReadme(readme: string, block: string): string | undefined {
  const start = readme.indexOf(README_START);
  const end = readme.indexOf(README_END);
  if (start === -1 || end === -1 || end < start) return undefined;
  return readme.slice(0, start) + block + readme.slice(end + README_END.length);
}
