/**
 * What the bench ran on: CPU, cores, memory, Node and library versions, the commit, and the load
 * average before and after, and the CPU other processes took during the run (bench/other-work.ts).
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { MachineInfo } from './report';

const ROOT = path.resolve(__dirname, '..');

function version(pkg: string): string {
  try {
    return (JSON.parse(fs.readFileSync(path.join(ROOT, 'node_modules', pkg, 'package.json'), 'utf8')) as { version: string }).version;
  } catch {
    return '?';
  }
}

export function machine(loadBefore: number[], otherWork?: MachineInfo['otherWork']): MachineInfo {
  let commit = '?';
  try {
    commit = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: ROOT, encoding: 'utf8' }).trim();
  } catch {
    // not a git checkout
  }
  return {
    date: new Date().toISOString().slice(0, 16).replace('T', ' ') + ' UTC',
    cpu: os.cpus()[0]?.model ?? '?',
    cores: os.availableParallelism(),
    memoryGb: os.totalmem() / 2 ** 30,
    node: process.version,
    versions: Object.fromEntries(['undici', 'cheerio', 'htmlparser2', 'parse5', 'tsx'].map((p) => [p, version(p)])),
    commit,
    loadBefore,
    loadAfter: os.loadavg(),
    ...(otherWork ? { otherWork } : {}),
  };
}
