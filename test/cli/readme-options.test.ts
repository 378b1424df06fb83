/**
 * The README's options table against the program: every flag it lists exists, and every default
 * it states is the default the flag really has (which comes from the schema field it sets).
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Option } from 'commander';
import { RUN_DEFAULTS } from '../../core/run-control';
import { bytesArg } from '../../cli/options';
import { buildProgram } from '../../cli/program';
import { DEFAULT_COST_PROFILE } from '../../report/cost-model';

const readme = readFileSync(path.join(__dirname, '../../README.md'), 'utf8');
const rows = [...readme.matchAll(/^\| `(-[^`]+)` \| ([^|]+) \|/gm)].map((m) => ({ flags: m[1] ?? '', stated: (m[2] ?? '').trim() }));
const run = buildProgram().commands.find((c) => c.name() === 'run');
const options = new Map<string, Option>(((run?.options ?? []) as Option[]).map((o) => [o.long ?? '', o]));

/** The README's default, as the flag would parse it: `64` -> 64, `10mb` -> bytes, `obey` -> 'obey'. */
function parseStated(flag: string, stated: string): unknown {
  const text = stated.replace(/`/g, '');
  if (flag === '--max-bytes') return bytesArg()(text);
  return /^\d+$/.test(text) ? Number(text) : text;
}

describe('README options table', () => {
  it('lists the flags of fanout run', () => {
    expect(rows.length).toBeGreaterThan(20);
    for (const row of rows) {
      const long = /--[a-z-]+/.exec(row.flags)?.[0] ?? '';
      expect([row.flags, options.has(long)]).toStrictEqual([row.flags, true]);
    }
  });

  it('states every default the program has', () => {
    const stated = new Map(rows.map((r) => [/--[a-z-]+/.exec(r.flags)?.[0] ?? '', r.stated]));
    const checked: string[] = [];
    for (const [long, option] of options) {
      if (option.defaultValue === undefined) continue;
      const text = stated.get(long);
      expect([long, text === undefined ? 'missing from README' : parseStated(long, text)]).toStrictEqual([long, option.defaultValue]);
      checked.push(long);
    }
    expect(checked).toEqual(expect.arrayContaining(['--concurrency', '--per-host', '--timeout-ms', '--max-bytes', '--chunk-retries', '--robots']));
  });

  it('states the Lambda default of --workers', () => {
    const workers = rows.find((r) => r.flags.startsWith('--workers'));
    expect(workers?.stated).toContain(`${RUN_DEFAULTS.lambdaConcurrency} (lambda)`);
  });
});

describe('README figures', () => {
  it('quotes the CPU per page the cost model uses, no less than what the bench measured', () => {
    const quoted = /the cost model and `--dry-run` use (\d+(?:\.\d+)?) ms/.exec(readme)?.[1];
    expect(Number(quoted)).toBe(DEFAULT_COST_PROFILE.cpuMsPerPage);
    const results = readFileSync(path.join(__dirname, '../../bench/RESULTS.md'), 'utf8');
    const measured = Number(/CPU per page measured here: \*\*(\d+(?:\.\d+)?) ms\*\*/.exec(results)?.[1]);
    // The estimate is meant to be on the safe side of what the bench measures.
    expect(measured).toBeGreaterThan(0);
    expect(measured).toBeLessThanOrEqual(DEFAULT_COST_PROFILE.cpuMsPerPage);
  });
});
