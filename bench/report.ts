/**
 * Pure: the bench's results -> bench/RESULTS.md text.
 */

import { renderLists } from './report-lists';
import type { BenchReport } from './report-types';

export type { BenchReport, CostRow, MachineInfo } from './report-types';

const f0 = (n: number) => n.toFixed(0);
const f1 = (n: number) => n.toFixed(1);
const f2 = (n: number) => n.toFixed(2);
const pct = (n: number) => `${(n * 100).toFixed(0)} %`;

function table(head: string[], rows: (string | number)[][]): string {
  return [`| ${head.join(' | ')} |`, `|${head.map(() => '---').join('|')}|`, ...rows.map((r) => `| ${r.join(' | ')} |`)].join('\n');
}

/** True when the 1-minute load average before or after the run was above half the cores: other work shared them. */
/**
 * Whether other work shared the machine: busy before the run started, or taking more than
 * {@link OTHER_WORK_LOADED} of its CPU while the run went on. The load average after the run is not a
 * sign: the bench's own last phases keep it above 1 on 2 cores. (Runs from before other work was
 * measured fall back to it.)
 */
export function isLoaded(m: BenchReport['machine']): boolean {
  if (m.otherWork === undefined) return Math.max(m.loadBefore[0] ?? 0, m.loadAfter[0] ?? 0) > m.cores / 2;
  return (m.loadBefore[0] ?? 0) > m.cores / 2 || m.otherWork.share > OTHER_WORK_LOADED;
}

/** Share of the machine's CPU other processes may take during a run that still counts as quiet. */
export const OTHER_WORK_LOADED = 0.05;

/** One sentence on other work during the run, or '' when it was not measured. */
export function otherWorkText(m: BenchReport['machine']): string {
  if (m.otherWork === undefined) return '';
  return `Other processes took ${m.otherWork.cpuS.toFixed(1)} CPU s while it ran, ${(m.otherWork.share * 100).toFixed(1)} % of the machine (sampled from /proc; over ${OTHER_WORK_LOADED * 100} % counts as loaded).`;
}

/** The smaller of the two limits for a run with `inFlight` requests in flight. */
export function limitFor(inFlight: number, latencyMs: number, parseBound: number): number {
  return Math.min((inFlight * 1000) / latencyMs, parseBound);
}

export function renderResults(r: BenchReport, chartFile = 'throughput.svg'): string {
  const m = r.machine;
  const parseBound = r.parse.allCoresPagesPerS;
  const out: string[] = [];
  out.push(`# fanout benchmark results${r.quick ? ' (quick run: smaller N, fewer sweep points; not the reference numbers)' : ''}`);
  out.push(`Written by \`npm run bench${r.quick ? ' -- --quick' : ''}\` in ${f0(r.totalS)} s.\n`);
  out.push('## Machine');
  out.push(
    table(
      ['date', 'CPU', 'cores', 'memory', 'Node', 'commit', 'load avg before / after'],
      [[m.date, m.cpu, m.cores, `${f0(m.memoryGb)} GB`, m.node, m.commit, `${m.loadBefore.map(f2).join(' ')} / ${m.loadAfter.map(f2).join(' ')}`]],
    ),
  );
  out.push(
    `\nLibraries: ${Object.entries(m.versions)
      .map(([k, v]) => `${k} ${v}`)
      .join(', ')}.\n`,
  );
  out.push(`The load average is the machine's, the bench's own work included (its last phases keep it above 1). ${otherWorkText(m)}\n`);
  if (isLoaded(m)) {
    out.push(
      `**This run was on a loaded machine**: load average ${f2(m.loadBefore[0]!)} before, on ${m.cores} cores${m.otherWork ? `, other processes ${(m.otherWork.share * 100).toFixed(1)} % of the CPU during the run` : ''}. Other work took CPU from every row, unevenly (the scrapers run one after another), so these numbers are low and noisy: re-run on a quiet machine for reference figures.\n`,
    );
  }

  out.push(renderLists(r));
  out.push(`![throughput against requests in flight, ${r.hosts} hosts](${chartFile})\n`);

  out.push(`### Sweep (fanout local mode on the ${r.hosts}-host list, per-host = concurrency)`);
  out.push('Each point runs once, so the best is usually a lucky sample: the "best of sweep" row of that list re-measures it.\n');
  out.push(
    table(
      ['workers', 'concurrency', 'chunk', 'in flight', 'pages/s', 'CPU s', 'peak PSS MB', 'problem'],
      r.sweep.map((p) => [p.settings.workers, p.settings.concurrency, p.settings.chunkSize, p.inFlight, f0(p.pagesPerS), f1(p.cpuS), f0(p.peakPssMb), p.problem ?? '']),
    ),
  );

  out.push('\n## Parsing alone, per core');
  out.push(
    table(
      ['parser', 'pages/s', 'how'],
      [
        [
          'htmlparser2 Tokenizer, no-op callbacks (the parse floor)',
          f0(r.parse.tokenizerPerCorePagesPerS),
          'one thread: tokenizing only, the floor under any htmlparser2-based parse',
        ],
        ["fanout's parsePage (htmlparser2 streaming)", f0(r.parse.perCorePagesPerS), 'one thread: the default record'],
        [`fanout's parsePage, all ${r.parse.threads} threads`, f0(parseBound), 'a tight loop on every core, no I/O'],
        ['cheerio.load (parse5) + the same extraction', f0(r.parse.cheerioPerCorePagesPerS), 'one thread: what the stand-ins do per page'],
      ],
    ),
  );
  out.push('');

  out.push('## Orchestrator scaling (simulated invoker, no network)');
  out.push(
    'readUrls (from a generated file) -> chunkUrls -> runChunks -> JSONL writer to /dev/null. The simulated workers run in their own process (bench/scaling-worker.ts), so "CPU s" is the orchestrator\'s alone and every record crosses IPC as a local worker\'s does; a worker fetches 8 URLs at a time and streams each record as its URL ends (bench/scaling-model.ts); a URL takes unit x host factor (per chunk: lognormal, sigma 1, capped at 10x) x page factor (per URL: lognormal, sigma 0.5) x invocation factor (2-6x for 5 % of invocations, drawn afresh for a copy). ' +
      "Ideal = max(total chunk time / slots, longest chunk), every invocation at full speed: a bound for a scheduler that knows every chunk's length up front. In-order = the best a scheduler that does not know them can do: chunks started in list order as slots free up, every invocation at full speed, each chunk split as finely as helps, so it ends no earlier than its start plus its slowest URL. Zero-overhead = the same chunks in the same order on the same slots, slow invocations included, with no orchestrator cost and no copies (what any in-order dispatcher gets). Each list runs twice: with the default cap on speculative copies, and with none.\n",
  );
  out.push(
    table(
      [
        'URLs',
        'chunks',
        'chunk size',
        'in flight',
        'copies',
        'mean chunk ms',
        'ideal s',
        'in-order s',
        'zero-overhead s',
        'makespan s',
        'vs ideal',
        'vs in-order',
        'vs zero-overhead',
        'read+chunk s',
        'CPU s',
        'CPU µs/URL',
        'workers CPU s',
        'peak RSS MB',
        'RSS at 25/50/75/100 % of the run',
      ],
      r.scaling.map((s) => {
        const at = (q: number) => s.rssSamples[Math.min(s.rssSamples.length - 1, Math.floor(q * (s.rssSamples.length - 1)))]?.[1] ?? 0;
        return [
          s.urls.toLocaleString('en'),
          s.chunks,
          s.chunkSize,
          s.inFlight,
          s.speculative ?? 0,
          f0(s.meanChunkMs),
          f1(s.idealMs / 1000),
          s.inOrderMs === undefined ? '—' : f1(s.inOrderMs / 1000),
          f1(s.zeroOverheadMs / 1000),
          f1(s.makespanMs / 1000),
          signedPercent(s.makespanMs / s.idealMs - 1),
          s.inOrderMs === undefined ? '—' : signedPercent(s.makespanMs / s.inOrderMs - 1),
          signedPercent(s.makespanMs / s.zeroOverheadMs - 1),
          f1(s.readMs / 1000),
          f1(s.cpuS),
          f1((s.cpuS * 1e6) / s.urls),
          s.workersCpuS === undefined ? '—' : f1(s.workersCpuS),
          f0(s.peakRssMb),
          [0.25, 0.5, 0.75, 1].map(at).join(' / '),
        ];
      }),
    ),
  );

  out.push('\n## Cost model (Lambda arm64, orchestrator/cost-model.ts)');
  out.push(
    `CPU per page measured here: **${f2(r.cpuMsPerPage)} ms** (fanout best run, whole tree incl. orchestrator, minus the start-up cost of ${f1(r.startup?.cpuS ?? 0)} CPU s / ${f1(r.startup?.wallS ?? 0)} s wall measured on a 1-URL list, / pages). ` +
      `$0.0000133334 per GB-s, $0.20 per million requests; CPU share = memory / 1,769 MB (max 1 vCPU: one Node thread). ` +
      `"bench" = ${r.latencyMs} ms latency as here; "real world" = 500 ms per fetch. Both at 64 requests in flight per worker.\n`,
  );
  out.push(
    table(
      [
        'memory MB',
        'chunk',
        'bench: ms/page',
        'bench: bound by',
        'bench: $ per 1M pages',
        'real world: ms/page',
        'real world: $ per 1M pages',
        'of which requests (per 1M pages)',
      ],
      r.costs.map((c) => [
        c.memoryMb,
        c.chunkSize,
        f2(c.bench.msPerPage),
        c.bench.boundBy,
        `$${f2(c.bench.usdPerMillionPages)}`,
        f2(c.realWorld.msPerPage),
        `$${f2(c.realWorld.usdPerMillionPages)}`,
        `$${c.realWorld.requestUsd.toFixed(4)}`,
      ]),
    ),
  );

  if (r.profile) {
    const w = r.profile.workerAlone;
    out.push('\n## Where the CPU goes (node --cpu-prof on the best settings)');
    out.push(
      `The orchestrator is the CLI process of a run at the best settings. The worker is profiled alone (bench/profile-worker.ts: the worker handler run chunk after chunk in one process, as a LocalInvoker child runs it, minus IPC). ` +
        `Sampled ms are wall time between profiler samples, so on a busy machine they exceed the CPU seconds measured; the shares are what to read. ` +
        `The worker runs alone because \`--cpu-prof\` is not allowed in NODE_OPTIONS and LocalInvoker sets its children's flags. That one worker under the profiler: ${f0(w.pagesPerS)} pages/s, ${f1(w.cpuS)} CPU s (${f1((w.cpuS * 1000) / r.pages)} ms/page) for ${r.pages} pages, while the site used ${f1(w.siteCpuS)} CPU s.`,
    );
    for (const [label, p] of [
      ['one worker process', r.profile.worker],
      ['orchestrator (CLI) process', r.profile.orchestrator],
    ] as const) {
      out.push(`\n### ${label}: ${f0(p.totalMs)} ms CPU in ${p.files} profile(s)`);
      out.push(
        table(
          ['package / file', 'self ms (sampled)', 'share'],
          p.byPackage.map((s) => [s.name, f0(s.ms), pct(s.share)]),
        ),
      );
      out.push('');
      out.push(
        table(
          ['function', 'self ms (sampled)', 'share'],
          p.byFunction.map((s) => [`\`${s.name}\``, f0(s.ms), pct(s.share)]),
        ),
      );
    }
  }
  return `${out.join('\n')}\n`;
}

/** `+12.3 %` or `-4.5 %`. */
function signedPercent(ratio: number): string {
  return `${ratio >= 0 ? '+' : '-'}${f1(Math.abs(ratio) * 100)} %`;
}
