/**
 * Pure: the scraper comparison of RESULTS.md: one table per list, its limits, and the targets of
 * issue 13 checked against the rows.
 */
import { combinedBound, latencyBound, rowLimit, type CombinedBound } from './bounds';
import type { BenchReport, ComparisonRow, ListResult, RowRun } from './report-types';

const f0 = (n: number) => n.toFixed(0);
const f1 = (n: number) => n.toFixed(1);
const f2 = (n: number) => n.toFixed(2);
const pct = (n: number) => `${(n * 100).toFixed(0)} %`;

function table(head: string[], rows: (string | number)[][]): string {
  return [`| ${head.join(' | ')} |`, `|${head.map(() => '---').join('|')}|`, ...rows.map((r) => `| ${r.join(' | ')} |`)].join('\n');
}

type Ran = ComparisonRow & { run: RowRun };
const ran = (row: ComparisonRow | undefined): row is Ran => row?.run !== undefined;
/** A run that completed with every page: the only kind the ratios and targets compare with. */
const clean = (row: ComparisonRow | undefined): row is Ran => ran(row) && row.run.problem === undefined;

/** The row of a list by scraper id, when it ran without a problem. */
export function rowOf(list: ListResult | undefined, id: string): Ran | undefined {
  const row = list?.rows.find((r) => r.id === id);
  return clean(row) ? row : undefined;
}

/** The fastest of Scrapy and Crawlee on the list (the frameworks; the seeds are not peers of that kind). */
export function bestFramework(list: ListResult): Ran | undefined {
  return list.rows
    .filter(clean)
    .filter((r) => r.kind === 'peer' && !r.id.startsWith('seed'))
    .reduce<Ran | undefined>((best, r) => (best === undefined || r.run.pagesPerS > best.run.pagesPerS ? r : best), undefined);
}

/** fanout's row that the list is about: per-host 64 on one host, the defaults elsewhere. */
export function fanoutRow(list: ListResult): Ran | undefined {
  return rowOf(list, list.id === 'one-host' ? 'fanout-per-host-64' : 'fanout-defaults');
}

export function boundOf(r: BenchReport, list: ListResult): CombinedBound | undefined {
  // Results written before the parse floor was measured in CPU time fall back to its wall-time rate.
  const parseMs = r.parse.tokenizerCpuMsPerPage ?? 1000 / r.parse.tokenizerPerCorePagesPerS;
  return list.fetchFloor ? combinedBound(list.fetchFloor, parseMs, r.machine.cores) : undefined;
}

function renderRow(r: BenchReport, list: ListResult, row: ComparisonRow, bound: CombinedBound | undefined): (string | number)[] {
  const perHost = row.perHost === null ? 'none' : row.perHost;
  const head = [row.kind === 'stand-in' ? `*${row.label}*` : row.label, row.settings, `${row.inFlight} / ${perHost}`];
  if (!ran(row)) return [...head, `**missing**: ${row.missing ?? 'did not run'}`, ...Array<string>(13).fill('—')];
  const s = row.run;
  const c = s.correctness;
  const pool = rowOf(list, 'seed_pool');
  const best = bestFramework(list);
  const limit = bound ? rowLimit(row.inFlight, r.latencyMs, bound) : { pagesPerS: latencyBound(row.inFlight, r.latencyMs), by: 'latency' as const };
  return [
    ...head,
    `${s.ok}/${list.pages}${s.problem ? ` (${s.problem})` : ''}`,
    f1(s.wallS),
    s.repeats ? `**${f0(s.pagesPerS)}** (runs: ${s.repeats.map(f0).join(', ')})` : `**${f0(s.pagesPerS)}**`,
    s.crawlS === undefined ? '—' : f1(s.crawlS),
    f2((s.cpuS * 1000) / list.pages),
    f2(s.cpuS / s.wallS),
    `${f0(s.peakPssMb)} (${s.procs})`,
    f2((s.siteCpuS * 1000) / list.pages),
    c.ok > 0 ? pct(c.titleAgree / c.ok) : '—',
    c.ok > 0 ? `${pct(c.linksAgree / c.ok)} (${row.links === 'anchors' ? '`<a href>`' : 'distinct'})` : '—',
    `${f0(limit.pagesPerS)} (${limit.by})`,
    pct(s.pagesPerS / limit.pagesPerS),
    pool ? `${f1(s.pagesPerS / pool.run.pagesPerS)}x` : '—',
    best ? `${f2(s.pagesPerS / best.run.pagesPerS)}x` : '—',
  ];
}

function renderLimits(r: BenchReport, list: ListResult, bound: CombinedBound | undefined): string {
  const floor = list.fetchFloor;
  if (!floor || !bound) return '_No fetch floor was measured on this list, so only the latency bound applies._';
  return table(
    ['limit', 'pages/s', 'CPU ms per page', 'how'],
    [
      [
        'fetch floor',
        f0(floor.ok / floor.wallS),
        f2(bound.fetchCpuMsPerPage),
        `raw undici GETs, ${floor.totalInFlight} in flight, ${floor.perHost} per host, body read and dropped; one process, its CPU from first request to last body`,
      ],
      [
        'parse floor',
        f0(r.parse.tokenizerPerCorePagesPerS),
        f2(bound.parseCpuMsPerPage),
        "htmlparser2's Tokenizer alone, no-op callbacks, one thread; its CPU per page (pages/s is wall time, lower on a loaded machine)",
      ],
      ['the site', '—', f2(bound.siteCpuMsPerPage), 'the bench site serving the fetch floor, in its own process, on the same cores'],
      ['combined bound, site free', f0(bound.withoutSitePagesPerS), f2(bound.fetchCpuMsPerPage + bound.parseCpuMsPerPage), `${bound.cores} cores / (fetch + parse)`],
      [
        '**combined bound** (used below)',
        `**${f0(bound.pagesPerS)}**`,
        f2(bound.fetchCpuMsPerPage + bound.parseCpuMsPerPage + bound.siteCpuMsPerPage),
        `${bound.cores} cores / (fetch + parse + site): the site's CPU comes out of the same cores`,
      ],
      ['latency bound', `in flight x ${f0(1000 / r.latencyMs)}`, '—', `one page per ${r.latencyMs} ms per request slot`],
    ],
  );
}

function renderList(r: BenchReport, list: ListResult): string {
  const bound = boundOf(r, list);
  const head = [
    'scraper',
    'settings',
    'in flight (total / per host)',
    'ok',
    'wall s',
    'pages/s',
    'own crawl s',
    'CPU ms/page',
    'cores busy',
    'peak PSS MB (procs)',
    'site CPU ms/page',
    'titles agree',
    'links agree',
    'limit pages/s (by)',
    'efficiency',
    'vs seed pool',
    'vs best of Scrapy, Crawlee',
  ];
  return [
    `### ${list.title}`,
    `${list.pages} distinct URLs on ${list.hosts === 1 ? 'one host' : `${list.hosts} hosts (ports)`}.\n`,
    table(
      head,
      list.rows.map((row) => renderRow(r, list, row, bound)),
    ),
    '',
    renderLimits(r, list, bound),
    '',
  ].join('\n');
}

/** The targets of issue 13, each with its value from this run and whether it was met. */
export function targets(r: BenchReport): { what: string; value: string; met: boolean }[] {
  const out: { what: string; value: string; met: boolean }[] = [];
  const one = r.lists.find((l) => l.id === 'one-host');
  const many = r.lists.find((l) => l.id === 'hosts');
  const ratio = (list: ListResult | undefined, other: (l: ListResult) => Ran | undefined, what: string, goal: number) => {
    const f = list && fanoutRow(list);
    const o = list && other(list);
    if (f && o) out.push({ what, value: `${f2(f.run.pagesPerS / o.run.pagesPerS)}x`, met: f.run.pagesPerS >= goal * o.run.pagesPerS });
  };
  ratio(one, bestFramework, 'one host: fanout ≥ 3x the best of Scrapy and Crawlee', 3);
  ratio(one, (l) => rowOf(l, 'seed_pool'), 'one host: fanout ≥ 10x the seed pool', 10);
  ratio(many, bestFramework, `${many?.hosts ?? ''} hosts, defaults: fanout ≥ the best peer`, 1);
  for (const list of [one, many]) {
    const f = list && fanoutRow(list);
    const bound = list && boundOf(r, list);
    if (!list || !f) continue;
    if (bound) {
      const limit = rowLimit(f.inFlight, r.latencyMs, bound).pagesPerS;
      out.push({
        what: `${list.id === 'one-host' ? 'one host' : `${list.hosts} hosts`}: fanout ≥ 0.85 of its limit`,
        value: f2(f.run.pagesPerS / limit),
        met: f.run.pagesPerS >= 0.85 * limit,
      });
    }
    const peers = list.rows.filter(clean).filter((p) => p.kind === 'peer');
    if (peers.length === 0) continue;
    const name = list.id === 'one-host' ? 'one host' : `${list.hosts} hosts`;
    const cpu = Math.min(...peers.map((p) => p.run.cpuS));
    const pss = Math.min(...peers.map((p) => p.run.peakPssMb));
    out.push({
      what: `${name}: fanout's CPU ms/page below every peer's`,
      value: `${f2((f.run.cpuS * 1000) / list.pages)} vs ${f2((cpu * 1000) / list.pages)}`,
      met: f.run.cpuS < cpu,
    });
    out.push({ what: `${name}: fanout's peak PSS below every peer's`, value: `${f0(f.run.peakPssMb)} vs ${f0(pss)} MB`, met: f.run.peakPssMb < pss });
  }
  return out;
}

/** The comparison section of RESULTS.md. */
export function renderLists(r: BenchReport): string {
  const out: string[] = [];
  out.push('## Scrapers side by side: the real peers and fanout, on the same lists in one run');
  out.push(
    `The pages are the ${f0(r.parse.meanPageBytes / 1024)} KB-average real-world pages of \`htmlparser-benchmark\` (file \`i % n\` behind \`/p/<i>\`), served by the bench site on 127.0.0.1 in its own process with ${r.latencyMs} ms latency per response and keep-alive. ` +
      `Peers: \`${r.peersDir}\` (seed_sequential.py, seed_pool.py, scrapy_peer.py with /usr/bin/python3; crawlee_peer.mjs from the copy \`npm run bench:setup\` installs). ` +
      `Every scraper ran alone, in its own process tree under GNU time; a row that could not run says why.\n`,
  );
  out.push(
    '- **pages/s**: pages fetched and parsed without error / wall time, start-up included for every scraper alike ("own crawl s" is the peer\'s own timing without its start-up). ' +
      `${r.quick ? 'Every row ran once (quick run).' : 'fanout rows are the median of 3 runs (all listed); the others take minutes and run once.'}\n` +
      '- **CPU ms/page**: user + sys of the whole process tree (children included) / pages; the site is not in it. **cores busy** = CPU s / wall s: near 1.0 on a single-threaded scraper means one core was its limit.\n' +
      "- **peak PSS**: the peak of the tree's summed PSS (sampled every 100 ms), so a pool's shared pages count once.\n" +
      "- **titles / links agree**: of the ok records, how many match parse5's reading of the same page (cheerio.load, the browsers' tree builder, scripting off as in a scraper, so `<noscript>` holds markup): the first `<title>` with whitespace collapsed; the peers count `<a href>` elements, fanout and the stand-ins distinct absolute http(s) targets. Disagreements are in each row's `.log.mismatches`.\n" +
      '- **vs** columns and the targets compare only runs that completed with every page ok; a row with a problem (missing, timed out, failed, pages lost) says so and is left out.\n' +
      '- **limit** = the smaller of the latency bound (in flight / latency) and the combined CPU bound of the list (below); **efficiency** = pages/s / limit.\n',
  );
  for (const list of r.lists) out.push(renderList(r, list));
  const t = targets(r);
  if (t.length > 0) {
    out.push('### Targets (issue 13)');
    out.push(
      table(
        ['target', 'this run', 'met'],
        t.map((x) => [x.what, x.value, x.met ? 'yes' : '**no**']),
      ),
    );
    out.push('');
  }
  out.push(`Each scraper's records and whole log were kept in \`${r.outDir}\` (per list: \`<scraper>.jsonl\`, \`<scraper>.log\`).\n`);
  return out.join('\n');
}
