/**
 * `cdk synth` as a user runs it (offline: no Docker, no lookups, no notices), then the bundled worker
 * asset from cdk.out is required and run against the loopback demo site: proof that the bundle has
 * everything it needs. One synth, shared by the tests in this file (bundling is the slow part).
 */
import '../helpers/quiet-powertools';
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { startDemoSite, type DemoSite } from '../../demo/site';
import type { Context } from 'aws-lambda';
import type { StreamingHandler } from '../../functions/worker/streamify';
import { isStreamingHandler, withFakeLambdaGlobal } from '../helpers/fake-lambda-runtime';
import { ndjsonSink } from '../helpers/ndjson-sink';

const run = promisify(execFile);
const root = path.resolve(__dirname, '../..');
const outDir = mkdtempSync(path.join(os.tmpdir(), 'fanout-cdk-out-'));
let template: { Resources: Record<string, { Type: string; Metadata?: Record<string, string>; Properties: Record<string, unknown> }> };
let site: DemoSite;
/** What `cdk synth` printed (with --quiet, no template on stdout; in CI its warnings go to stdout). */
let synthOutput: { stdout: string; stderr: string };

/** The function whose Powertools service name is `service`. */
function functionOf(service: string) {
  const fn = Object.values(template.Resources).find(
    (r) => r.Type === 'AWS::Lambda::Function' && JSON.stringify(r.Properties.Environment).includes(`"POWERTOOLS_SERVICE_NAME":"${service}"`),
  );
  return fn!;
}

/** The bundle directory of the function whose Powertools service name is `service`. */
function assetDir(service: string): string {
  return path.join(outDir, functionOf(service).Metadata!['aws:asset:path']!);
}

beforeAll(async () => {
  // One stack setting given as a user gives it (-c, a string), the other left to its default.
  synthOutput = await run('npx', ['cdk', 'synth', '--quiet', '--no-notices', '--no-version-reporting', '-c', 'workerReservedConcurrency=7', '-o', outDir], {
    cwd: root,
    env: { ...process.env, CDK_DISABLE_VERSION_CHECK: '1', CI: '1' },
  });
  template = JSON.parse(readFileSync(path.join(outDir, 'Fanout.template.json'), 'utf8'));
  site = await startDemoSite({ pages: 50 });
}, 120_000);

afterAll(async () => {
  await site?.close();
  rmSync(outDir, { recursive: true, force: true });
});

describe('cdk synth and the bundled assets', () => {
  test('the worker bundle is a response-streaming handler: run as the runtime runs it, it streams one NDJSON record per URL, then the end', async () => {
    const bundle = path.join(assetDir('fanout-worker'), 'index.js');
    // The runtime defines `awslambda` before it loads the handler module; the bundle reads it at load.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { handler } = withFakeLambdaGlobal(() => require(bundle) as { handler: StreamingHandler });
    expect(isStreamingHandler(handler)).toBe(true);
    const urls = site.urls(20);
    const context = { functionName: 'worker', awsRequestId: 'r1', getRemainingTimeInMillis: () => 60_000 } as unknown as Context;
    const sink = ndjsonSink();

    await handler({ runId: 'r', chunkId: 'c', urls, options: { allowPrivate: true } }, sink.stream, context);
    await new Promise((resolve) => setImmediate(resolve));

    const messages = sink.messages();
    const records = messages.flatMap((m) => (m.type === 'record' ? [m.record] : []));
    expect(records.map((o) => o.url).sort()).toStrictEqual([...urls].sort());
    expect(records.every((o) => o.ok && o.title === `Page ${o.url.split('/').pop()}`)).toBe(true);
    expect(messages.at(-1)).toMatchObject({ type: 'end', runId: 'r', chunkId: 'c', unstarted: [], stats: { ok: 20, failed: 0 } });
    expect(sink.stream.writableFinished).toBe(true);
    // A budget rather than a printed size: 2.1 MiB now (the SDK, Powertools, undici and the parser);
    // twice that means something large was pulled into the worker, and cold starts grow with it.
    expect(statSync(bundle).size).toBeLessThan(4 * 1024 * 1024);
  });

  test('synth prints nothing but its progress: no feature-flag warning, no esbuild warning or size table', () => {
    const lines = synthOutput.stderr.split('\n').filter((line) => line.trim() !== '');
    expect(lines).toStrictEqual(['Bundling asset Fanout/Worker/Code/Stage...', 'Bundling asset Fanout/Orchestrator/Code/Stage...']);
    expect(synthOutput.stdout.trim()).toBe(''); // "83 feature flags are not configured" went here, before cdk.json set them
  });

  test('stack settings from the command line reach the template: -c workerReservedConcurrency=7, allowPrivate forbidden by default', () => {
    const env = (service: string) => (functionOf(service).Properties.Environment as { Variables: Record<string, string> }).Variables;
    expect(functionOf('fanout-worker').Properties.ReservedConcurrentExecutions).toBe(7);
    expect(functionOf('fanout-orchestrator').Properties.ReservedConcurrentExecutions).toBeUndefined();
    expect([env('fanout-worker').FANOUT_ALLOW_PRIVATE, env('fanout-orchestrator').FANOUT_ALLOW_PRIVATE]).toStrictEqual(['false', 'false']);
  });

  test('the orchestrator bundle loads and exports its handler', () => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const module = require(path.join(assetDir('fanout-orchestrator'), 'index.js')) as { handler?: unknown };
    expect(typeof module.handler).toBe('function');
  });

  test('bundles carry source maps, and the worker bundle has no runtime require of node_modules', () => {
    const dir = assetDir('fanout-worker');
    expect(statSync(path.join(dir, 'index.js.map')).size).toBeGreaterThan(0);
    const code = readFileSync(path.join(dir, 'index.js'), 'utf8');
    const required = [...code.matchAll(/require\("([^"]+)"\)/g)].map((m) => m[1]!).filter((m) => !m.startsWith('node:'));
    const builtins = new Set(require('node:module').builtinModules as string[]);
    expect(required.filter((m) => !builtins.has(m.split('/')[0]!))).toStrictEqual([]);
  });
});
