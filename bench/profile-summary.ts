/**
 * Summarises V8 `.cpuprofile` files (written by `node --cpu-prof`): self time by function and by
 * package, so RESULTS.md can show where fanout's worker spends its CPU.
 */
import fs from 'node:fs';
import path from 'node:path';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
}

interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

export interface SelfTime {
  name: string;
  ms: number;
  share: number;
}

export interface ProfileSummary {
  /** Profiles merged (one per process). */
  files: number;
  totalMs: number;
  byFunction: SelfTime[];
  byPackage: SelfTime[];
}

/**
 * `node_modules/undici/...` -> `undici`; project files (fanout's bundles too: `dist/cli.js`) ->
 * their path from the repo; node internals -> `node:<area>`.
 */
export function packageOf(url: string, root: string): string {
  if (url === '') return '(v8: gc, program)';
  const nm = url.lastIndexOf('node_modules/');
  if (nm !== -1) {
    const rest = url.slice(nm + 'node_modules/'.length).split('/');
    return rest[0]!.startsWith('@') ? `${rest[0]}/${rest[1]}` : rest[0]!;
  }
  if (url.startsWith('node:')) return `node:${url.slice(5).split('/')[1] ?? url.slice(5)}`;
  const file = url.replace(/^file:\/\//, '');
  return file.startsWith(root) ? path.relative(root, file) : file;
}

/** Merges the profiles and ranks self time. `keep(profileText)` picks which processes count. */
export function summariseProfiles(files: readonly string[], root: string, keep: (text: string) => boolean = () => true, top = 15): ProfileSummary {
  const byFunction = new Map<string, number>();
  const byPackage = new Map<string, number>();
  let totalMs = 0;
  let used = 0;
  for (const file of files) {
    const text = fs.readFileSync(file, 'utf8');
    if (!keep(text)) continue;
    used++;
    const profile = JSON.parse(text) as CpuProfile;
    const nodes = new Map(profile.nodes.map((n) => [n.id, n]));
    profile.samples.forEach((id, i) => {
      const ms = (profile.timeDeltas[i] ?? 0) / 1000;
      const frame = nodes.get(id)?.callFrame;
      if (!frame || frame.functionName === '(idle)') return; // waiting, not CPU
      const pkg = packageOf(frame.url, root);
      const fn = frame.functionName === '' ? '(anonymous)' : frame.functionName;
      const key = frame.url === '' ? fn : `${fn} (${pkg}:${frame.lineNumber + 1})`;
      byFunction.set(key, (byFunction.get(key) ?? 0) + ms);
      byPackage.set(pkg, (byPackage.get(pkg) ?? 0) + ms);
      totalMs += ms;
    });
  }
  const rank = (m: Map<string, number>) =>
    [...m]
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(([name, ms]) => ({ name, ms, share: totalMs === 0 ? 0 : ms / totalMs }));
  return { files: used, totalMs, byFunction: rank(byFunction), byPackage: rank(byPackage) };
}
