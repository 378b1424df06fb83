/**
 * `fanout run --mode lambda --endpoint …` end to end: the real CLI and the real AWS SDK
 * (InvokeWithResponseStream) against the local Lambda API emulator, which runs the deployed
 * streaming worker entry and injects function errors and throttling. No AWS account: the emulator is the network edge.
 */
import '../helpers/quiet-powertools';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { streamChunk } from '../../functions/worker/lambda';
import { streamify } from '../../functions/worker/streamify';
import { fakeLambdaRuntime } from '../helpers/fake-lambda-runtime';
import { startDemoSite, type DemoSite } from '../../demo/site';
import { startLambdaEmulator, type EmulatedCall, type Injection, type LambdaEmulator } from '../helpers/lambda-emulator';
import { runCli } from './run-cli';
import { estimateLambdaCost } from '../../report';
import { formatUsd } from '../../report/render/format';
import type { RunSummary } from '../../core/summary';

/** The deployed worker entry, marked as the Node.js runtime marks it: the CLI's invokes stream from it. */
const handler = streamify(streamChunk, fakeLambdaRuntime);

const AWS_ENV = {
  AWS_ACCESS_KEY_ID: 'test',
  AWS_SECRET_ACCESS_KEY: 'test',
  AWS_REGION: 'us-east-1',
  AWS_EC2_METADATA_DISABLED: 'true',
  FANOUT_FUNCTION: '',
};

describe('fanout run --mode lambda against the emulator', () => {
  let site: DemoSite;
  let dir: string;
  beforeAll(async () => {
    site = await startDemoSite({ pages: 300 });
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'fanout-lambda-cli-'));
  });
  afterAll(async () => {
    await site.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  async function scrape(inject?: (call: EmulatedCall) => Injection | undefined, reservedConcurrency?: number) {
    const emulator: LambdaEmulator = await startLambdaEmulator({ functions: { 'fanout-worker': handler }, inject, reservedConcurrency });
    try {
      const list = path.join(dir, 'urls.txt');
      fs.writeFileSync(list, site.urls().join('\n'));
      const out = path.join(dir, 'out.jsonl');
      const result = await runCli(
        [
          'run',
          list,
          '-o',
          out,
          '--mode',
          'lambda',
          '--endpoint',
          emulator.endpoint,
          '--function',
          'fanout-worker',
          '--allow-private',
          '--chunk-size',
          '20',
          '--workers',
          '8',
          '--summary',
          path.join(dir, 'summary.json'),
          '--quiet',
        ],
        { env: AWS_ENV },
      );
      const records = fs
        .readFileSync(out, 'utf8')
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l) as { url: string; ok: boolean; title: string });
      const summary = JSON.parse(fs.readFileSync(path.join(dir, 'summary.json'), 'utf8')) as { speculativeInvocations?: number };
      return { result, records, log: emulator.log, copies: summary.speculativeInvocations ?? 0 };
    } finally {
      await emulator.close();
    }
  }

  function expectOneGoodRecordPerUrl(records: { url: string; ok: boolean; title: string }[]) {
    expect(records).toHaveLength(site.pages);
    expect(new Set(records.map((r) => r.url))).toStrictEqual(new Set(site.urls()));
    for (const r of records) expect(r).toMatchObject({ ok: true, title: `Page ${r.url.split('/').pop()}` });
  }

  test('one record per URL through the real SDK', async () => {
    const { result, records, log, copies } = await scrape();
    expect(result.code).toBe(0);
    expectOneGoodRecordPerUrl(records);
    // 15 chunks, plus any speculative copies of stragglers (at most 10 % of the chunks, so 2).
    expect(copies).toBeLessThanOrEqual(2);
    expect(log.filter((l) => l.status === 200)).toHaveLength(15 + copies);
    expect(log.every((l) => l.api === 'stream')).toBe(true); // InvokeWithResponseStream, not the buffered Invoke
  });

  test('still one record per URL when every third call fails and the function is throttled', async () => {
    const { result, records, log } = await scrape(
      (call) => (call.n % 3 === 0 ? { kind: 'function-error', errorType: 'Runtime.ExitError', errorMessage: 'boom' } : undefined),
      3,
    );
    expect(result.code).toBe(0);
    expectOneGoodRecordPerUrl(records);
    expect(log.some((l) => l.functionError !== undefined)).toBe(true);
    expect(log.some((l) => l.status === 429)).toBe(true);
  });

  test('the summary carries what a cost estimate needs; stderr and the report show the estimate', async () => {
    // The emulator hands the worker context.memoryLimitInMB, as Lambda does; 1769 is the worker's size.
    const emulator = await startLambdaEmulator({ functions: { 'fanout-worker': handler }, memoryMb: 1769 });
    try {
      const list = path.join(dir, 'cost-urls.txt');
      fs.writeFileSync(list, site.urls().join('\n'));
      const [out, summaryFile, reportFile] = ['cost.jsonl', 'summary.json', 'report.html'].map((f) => path.join(dir, f)) as [string, string, string];
      const { code, stderr } = await runCli(
        [
          'run',
          list,
          '-o',
          out,
          '--mode',
          'lambda',
          '--endpoint',
          emulator.endpoint,
          '--function',
          'fanout-worker',
          '--allow-private',
          '--chunk-size',
          '20',
          '--workers',
          '8',
          '--summary',
          summaryFile,
          '--report',
          reportFile,
        ],
        { env: AWS_ENV },
      );
      expect(code).toBe(0);

      const summary = JSON.parse(fs.readFileSync(summaryFile, 'utf8')) as RunSummary;
      const chunks = Math.ceil(site.pages / 20);
      expect(summary.lambda).toMatchObject({ functionName: 'fanout-worker', memoryMb: 1769, architecture: 'arm64' });
      expect(summary.lambda!.invocations).toBeGreaterThanOrEqual(chunks);
      expect(summary.lambda!.invocations).toBe(emulator.log.filter((l) => l.status === 200).length);
      expect(summary.lambda!.billedMs).toBeGreaterThan(0);

      const cost = estimateLambdaCost(summary);
      expect(cost).not.toBeNull();
      expect(stderr).toContain(`cost      ~${formatUsd(cost!.totalUsd)} (${summary.lambda!.invocations} invocations, `);
      expect(stderr).toMatch(/GB-s at 1769 MB arm64\)/);
      expect(fs.readFileSync(reportFile, 'utf8')).toContain(`<b>${formatUsd(cost!.totalUsd)}</b><span>Est. Lambda cost</span>`);
    } finally {
      await emulator.close();
    }
  });

  test('a function that does not exist stops the run with one clear message', async () => {
    const emulator = await startLambdaEmulator({ functions: {} });
    try {
      const { code, stderr } = await runCli(['run', '-', '--mode', 'lambda', '--endpoint', emulator.endpoint, '--function', 'nope', '--quiet'], {
        env: AWS_ENV,
        input: `${site.origin}/page/1\n`,
      });
      expect(code).not.toBe(0);
      expect(stderr).toMatch(/nope/);
      expect(stderr).not.toMatch(/\n\s+at /);
    } finally {
      await emulator.close();
    }
  });
});
