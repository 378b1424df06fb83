/**
 * `fanout run --mode lambda` with proxies, through the real CLI and the real AWS SDK against the
 * local Lambda API emulator (which runs the deployed streaming worker entry): the SDK's own calls
 * and robots.txt follow HTTP_PROXY / NO_PROXY (this machine's network), and `--proxy` reaches the
 * workers in their event (the environment does not: workers on Lambda are not on this network).
 */
import '../helpers/quiet-powertools';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { closeAgents } from '../../http/agent';
import { streamChunk } from '../../functions/worker/lambda';
import { streamify } from '../../functions/worker/streamify';
import { fakeLambdaRuntime } from '../helpers/fake-lambda-runtime';
import { startForwardProxy, type ForwardProxy } from '../helpers/forward-proxy';
import { startServer, type TestServer } from '../helpers/http-server';
import { startLambdaEmulator, type LambdaEmulator } from '../helpers/lambda-emulator';
import { runCli } from './run-cli';

const handler = streamify(streamChunk, fakeLambdaRuntime);
const AWS_ENV = { AWS_ACCESS_KEY_ID: 'test', AWS_SECRET_ACCESS_KEY: 'test', AWS_REGION: 'us-east-1', AWS_EC2_METADATA_DISABLED: 'true', FANOUT_FUNCTION: '' };

let site: TestServer;
let emulator: LambdaEmulator;
let proxy: ForwardProxy;
let dir: string;
beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'fanout-lambda-proxy-'));
  site = await startServer((req, res) => {
    if (req.url === '/robots.txt') res.writeHead(404, { connection: 'close' }).end();
    else res.writeHead(200, { 'content-type': 'text/html', connection: 'close' }).end(`<title>${req.url}</title>`);
  });
  emulator = await startLambdaEmulator({ functions: { 'fanout-worker': handler } });
});
beforeEach(async () => {
  proxy = await startForwardProxy({ credentials: { user: 'ann', password: 'hunter2' } });
});
afterEach(async () => {
  await closeAgents(); // the emulated worker runs in this process
  await proxy.close();
});
afterAll(async () => {
  await emulator.close();
  await site.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

async function runLambda(args: string[], env: NodeJS.ProcessEnv) {
  const list = path.join(dir, 'urls.txt');
  fs.writeFileSync(list, Array.from({ length: 20 }, (_, i) => `${site.origin}/p/${i}`).join('\n'));
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
      '10',
      '--speculative-copies',
      '0',
      '--quiet',
      ...args,
    ],
    { env: { ...AWS_ENV, ...env } },
  );
  const text = fs.existsSync(out) ? fs.readFileSync(out, 'utf8') : '';
  fs.rmSync(out, { force: true });
  const records = text
    .trim()
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as { ok: boolean; proxy?: string });
  return { result, records };
}

describe('--mode lambda behind a proxy', () => {
  test("HTTP_PROXY carries the SDK's calls to Lambda, not the workers' fetches; for the SDK alone no --allow-private-proxy is needed", async () => {
    const calls = emulator.log.length;

    const { result, records } = await runLambda(['--robots', 'ignore'], { HTTP_PROXY: proxy.urlWith('ann', 'hunter2') });

    expect(result.code).toBe(0);
    expect(records).toHaveLength(20);
    expect(records.every((r) => r.ok && r.proxy === undefined)).toBe(true);
    expect(emulator.log.length - calls).toBe(2);
    expect([...proxy.tunnels.keys()]).toStrictEqual([new URL(emulator.endpoint).host]); // kept alive: one tunnel or two
    expect(proxy.authorizations.every((auth) => auth === 'ann:hunter2')).toBe(true);
    expect(result.stderr).not.toContain('hunter2');
  });

  test('robots.txt, fetched by the CLI on this machine, goes through its HTTP_PROXY too; the pages on Lambda do not', async () => {
    const { result, records } = await runLambda(['--allow-private-proxy'], { HTTP_PROXY: proxy.urlWith('ann', 'hunter2') });

    expect(result.code).toBe(0);
    expect(records.every((r) => r.ok && r.proxy === undefined)).toBe(true);
    expect(proxy.tunnels.get(new URL(site.origin).host)).toBe(1);
    expect(proxy.tunnels.get(new URL(emulator.endpoint).host)).toBeGreaterThanOrEqual(1);
  });

  test('without --allow-private-proxy, a loopback HTTP_PROXY that would fetch robots.txt is refused up front', async () => {
    const { result, records } = await runLambda([], { HTTP_PROXY: proxy.urlWith('ann', 'hunter2') });

    expect([result.code, result.stderr]).toStrictEqual([
      1,
      `fanout: HTTP_PROXY: proxy http://ann:***@127.0.0.1:${proxy.port} is on a non-public address (127.0.0.1); pass --allow-private-proxy to use a proxy on a private network\n`,
    ]);
    expect(records).toStrictEqual([]);
    expect(proxy.connections()).toBe(0);
  });

  test('HTTP_PROXY for the SDK and --proxy for the pages, together', async () => {
    const { result, records } = await runLambda(['--proxy', proxy.urlWith('ann', 'hunter2'), '--allow-private-proxy'], { HTTP_PROXY: proxy.urlWith('ann', 'hunter2') });

    expect(result.code).toBe(0);
    expect(records.every((r) => r.ok && r.proxy === `http://ann:***@127.0.0.1:${proxy.port}`)).toBe(true);
    // The site closes every connection: a tunnel for each page and for robots.txt.
    expect(proxy.tunnels.get(new URL(site.origin).host)).toBe(21);
    expect(proxy.tunnels.get(new URL(emulator.endpoint).host)).toBeGreaterThanOrEqual(1);
  });

  test('NO_PROXY naming the endpoint sends the SDK direct; --no-proxy ignores the environment altogether', async () => {
    const withNoProxy = await runLambda(['--allow-private-proxy'], { HTTP_PROXY: proxy.urlWith('ann', 'hunter2'), NO_PROXY: '127.0.0.1' });
    const withFlag = await runLambda(['--no-proxy'], { HTTP_PROXY: proxy.urlWith('ann', 'hunter2'), HTTPS_PROXY: proxy.urlWith('ann', 'hunter2') });

    expect([withNoProxy.result.code, withFlag.result.code]).toStrictEqual([0, 0]);
    expect([withNoProxy.records.length, withFlag.records.length]).toStrictEqual([20, 20]);
    expect(proxy.connections()).toBe(0);
  });

  test('--proxy reaches the worker in its event: records name it; the SDK itself goes direct', async () => {
    const { result, records } = await runLambda(['--proxy', proxy.urlWith('ann', 'hunter2'), '--allow-private-proxy'], {});

    expect(result.code).toBe(0);
    expect(new Set(records.map((r) => r.proxy))).toStrictEqual(new Set([`http://ann:***@127.0.0.1:${proxy.port}`]));
    expect([...proxy.tunnels.keys()]).toStrictEqual([new URL(site.origin).host]);
  });
});
