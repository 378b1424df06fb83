/**
 * `fanout run` with proxies, end to end through the real bin, real worker processes, real forward
 * proxies and a real site, all on loopback: a pool with a dead proxy, a pool with none working, the
 * standard environment and NO_PROXY, https through a tunnel, stickiness per host, and bad input.
 * Pages are on loopback, so every run passes --allow-private; the proxies too, so --allow-private-proxy.
 */
import fs from 'node:fs';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { deadProxyUrl, startForwardProxy, type ForwardProxy } from '../helpers/forward-proxy';
import { startServer, type TestServer } from '../helpers/http-server';
import { runCli, type CliResult } from './run-cli';

const SECRET = 'hunter2-secret';

let site: TestServer;
let dir: string;
let a: ForwardProxy;
let b: ForwardProxy;
beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'fanout-proxy-cli-'));
  site = await startServer((req, res) => {
    if (req.url === '/robots.txt') res.writeHead(404, { connection: 'close' }).end();
    else res.writeHead(200, { 'content-type': 'text/html', connection: 'close' }).end(`<title>${req.url}</title>`);
  });
});
beforeEach(async () => {
  a = await startForwardProxy({ credentials: { user: 'ann', password: SECRET } });
  b = await startForwardProxy();
});
afterEach(() => Promise.all([a.close(), b.close()]));
afterAll(async () => {
  await site.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

function write(name: string, lines: string[]): string {
  const file = path.join(dir, name);
  fs.writeFileSync(file, `${lines.join('\n')}\n`);
  return file;
}

const urls = (n: number, origin = site.origin) => Array.from({ length: n }, (_, i) => `${origin}/p/${i}`);
const readRecords = (file: string) =>
  fs.existsSync(file)
    ? fs
        .readFileSync(file, 'utf8')
        .trim()
        .split('\n')
        .filter(Boolean)
        .map((l) => JSON.parse(l))
    : [];

/** Everything a run showed or wrote holds no password. */
function expectNoSecret(result: CliResult, files: string[]): void {
  expect(result.stdout).not.toContain(SECRET);
  expect(result.stderr).not.toContain(SECRET);
  for (const file of files) if (fs.existsSync(file)) expect([file, fs.readFileSync(file, 'utf8').includes(SECRET)]).toStrictEqual([file, false]);
}

describe('fanout run --proxy-file', () => {
  test('500 URLs through three proxies, one dead: every URL ok, the live two share the load, the summary shows the dead one benched', async () => {
    const dead = await deadProxyUrl();
    const proxyFile = write('pool.txt', ['# the pool', a.urlWith('ann', SECRET), '', b.url, dead.replace('http://', 'http://zed:' + SECRET + '@')]);
    const out = path.join(dir, 'pool.jsonl');
    const summaryFile = path.join(dir, 'pool-summary.json');
    const report = path.join(dir, 'pool-report.html');

    const result = await runCli([
      'run',
      write('pool-urls.txt', urls(500)),
      '-o',
      out,
      '--proxy-file',
      proxyFile,
      '--allow-private',
      '--allow-private-proxy',
      '--workers',
      '2',
      '--summary',
      summaryFile,
      '--report',
      report,
      '--verbose',
    ]);

    expect([result.code, result.stderr]).toStrictEqual([0, expect.any(String)]);
    const records = readRecords(out);
    expect(records).toHaveLength(500);
    expect(records.every((r) => r.ok === true)).toBe(true);
    const labelA = `http://ann:***@127.0.0.1:${a.port}`;
    const labelDead = `http://zed:***@127.0.0.1:${new URL(dead).port}`;
    const byProxy = new Map<string, number>();
    for (const r of records) byProxy.set(r.proxy, (byProxy.get(r.proxy) ?? 0) + 1);
    expect([...byProxy.keys()].sort()).toStrictEqual([labelA, b.url].sort());
    expect(Math.min(...byProxy.values())).toBeGreaterThan(150); // round-robin over the two that work
    // 500 pages and one robots.txt, one tunnel each (the site closes every connection).
    expect(a.tunnelCount() + b.tunnelCount()).toBe(501);
    const summary = JSON.parse(fs.readFileSync(summaryFile, 'utf8'));
    expect(summary.proxies.map((p: { proxy: string }) => p.proxy)).toStrictEqual([labelA, b.url, labelDead]);
    expect(summary.proxies[0].requests + summary.proxies[1].requests).toBe(501);
    expect(summary.proxies[2]).toMatchObject({ failures: summary.proxies[2].requests, lastError: expect.stringMatching(/^could not be reached: connect ECONNREFUSED/) });
    expect(summary.proxies[2].benched).toBeGreaterThanOrEqual(1);
    expect(summary.options.proxy.proxies).toStrictEqual([labelA, b.url, labelDead]);
    expect(result.stderr).toMatch(new RegExp(`proxy     ${labelDead.replace(/[*]/g, '\\*')}: \\d+ requests, \\d+ failed, benched`));
    expectNoSecret(result, [out, summaryFile, report]);
  });

  test('every proxy dead: exit 1 with one clear error before any record, and --resume can do the rest', async () => {
    const out = path.join(dir, 'dead.jsonl');
    const dead = await deadProxyUrl();
    const proxyFile = write('dead.txt', [dead, a.urlWith('ann', `not-${SECRET}`)]);
    const pagesBefore = site.requests.length;

    const result = await runCli(['run', write('dead-urls.txt', urls(50)), '-o', out, '--proxy-file', proxyFile, '--allow-private', '--allow-private-proxy', '--verbose']);

    expect(result.code).toBe(1);
    expect(readRecords(out)).toStrictEqual([]);
    expect(result.stderr).toContain(`fanout: run stopped: every proxy in the pool is benched after failing repeatedly: ${dead} (could not be reached: connect ECONNREFUSED`);
    expect(result.stderr).toContain(`http://ann:***@127.0.0.1:${a.port} (answered 407 Proxy Authentication Required: check the user and password in its URL)`);
    expect(result.stderr).toContain('50 URLs were not run); fix that, then run again with --resume to do the rest');
    expectNoSecret(result, [out]);
    expect([a.tunnelCount(), site.requests.length - pagesBefore]).toStrictEqual([0, 0]);
  });

  test('--proxy-rotation host: each host keeps to one proxy', async () => {
    const out = path.join(dir, 'sticky.jsonl');
    const list = write('sticky-urls.txt', [...urls(20), ...urls(20, `http://localhost:${site.port}`)]);

    const result = await runCli([
      'run',
      list,
      '-o',
      out,
      '--proxy-file',
      write('sticky.txt', [a.urlWith('ann', SECRET), b.url]),
      '--proxy-rotation',
      'host',
      '--allow-private',
      '--allow-private-proxy',
      '--quiet',
    ]);

    expect(result.code).toBe(0);
    const proxiesOf = (host: string) =>
      new Set(
        readRecords(out)
          .filter((r) => new URL(r.url).hostname === host)
          .map((r) => r.proxy),
      );
    expect(proxiesOf('127.0.0.1').size).toBe(1);
    expect(proxiesOf('localhost').size).toBe(1);
  });
});

describe('fanout run and the standard environment', () => {
  test.each([
    ['HTTP_PROXY', (url: string) => ({ HTTP_PROXY: url })],
    ['http_proxy (lower case)', (url: string) => ({ http_proxy: url })],
  ])('%s carries the pages and robots.txt', async (_name, envFor) => {
    const out = path.join(dir, 'env.jsonl');
    const result = await runCli(['run', write('env-urls.txt', urls(10)), '-o', out, '--allow-private', '--allow-private-proxy', '--quiet'], { env: envFor(b.url) });
    expect(result.code).toBe(0);
    expect(readRecords(out).every((r) => r.ok)).toBe(true);
    expect(b.tunnels).toStrictEqual(new Map([[`127.0.0.1:${site.port}`, 11]]));
  });

  test('NO_PROXY names the host: direct; --no-proxy: the environment is ignored', async () => {
    const list = write('noproxy-urls.txt', urls(5));
    const viaNoProxy = await runCli(['run', list, '--allow-private', '--allow-private-proxy', '--quiet'], { env: { HTTP_PROXY: b.url, NO_PROXY: 'example.org,127.0.0.1' } });
    const viaFlag = await runCli(['run', list, '--allow-private', '--no-proxy', '--quiet'], { env: { HTTP_PROXY: b.url, HTTPS_PROXY: b.url } });
    expect([viaNoProxy.code, viaFlag.code]).toStrictEqual([0, 0]);
    expect(viaNoProxy.stdout.trim().split('\n')).toHaveLength(5);
    expect(viaFlag.stdout.trim().split('\n')).toHaveLength(5);
    expect(b.tunnelCount()).toBe(0);
    expect(b.connections()).toBe(0);
  });

  test('a proxy on loopback in the environment needs --allow-private-proxy too', async () => {
    const result = await runCli(['run', write('env-private.txt', urls(2)), '--allow-private'], { env: { HTTPS_PROXY: a.urlWith('ann', SECRET) } });
    expect([result.code, result.stderr, result.stdout]).toStrictEqual([
      1,
      `fanout: HTTPS_PROXY: proxy http://ann:***@127.0.0.1:${a.port} is on a non-public address (127.0.0.1); pass --allow-private-proxy to use a proxy on a private network\n`,
      '',
    ]);
  });
});

describe('https through a CONNECT tunnel, end to end', () => {
  const fixture = (name: string) => path.join(__dirname, '..', 'fixtures', name);
  let secure: https.Server;
  let origin: string;
  beforeAll(async () => {
    secure = https.createServer({ key: fs.readFileSync(fixture('tls-selfsigned.key')), cert: fs.readFileSync(fixture('tls-selfsigned.crt')) }, (req, res) =>
      res.writeHead(req.url === '/robots.txt' ? 404 : 200, { 'content-type': 'text/html' }).end(`<title>secure ${req.url}</title>`),
    );
    await new Promise<void>((resolve) => secure.listen(0, '127.0.0.1', resolve));
    origin = `https://127.0.0.1:${(secure.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    secure.closeAllConnections();
    await new Promise((resolve) => secure.close(resolve));
  });

  test('--proxy with credentials: TLS to the site inside the tunnel (the test CA trusted through NODE_EXTRA_CA_CERTS)', async () => {
    const out = path.join(dir, 'https.jsonl');
    const result = await runCli(
      ['run', write('https-urls.txt', [`${origin}/a`, `${origin}/b`]), '-o', out, '--proxy', a.urlWith('ann', SECRET), '--allow-private', '--allow-private-proxy', '--quiet'],
      {
        env: { NODE_EXTRA_CA_CERTS: fixture('tls-selfsigned.crt') },
      },
    );
    expect(result.code).toBe(0);
    expect(
      readRecords(out)
        .map((r) => [r.url, r.ok, r.title, r.proxy])
        .sort(),
    ).toStrictEqual([
      [`${origin}/a`, true, 'secure /a', `http://ann:***@127.0.0.1:${a.port}`],
      [`${origin}/b`, true, 'secure /b', `http://ann:***@127.0.0.1:${a.port}`],
    ]);
    expect([...a.tunnels.keys()]).toStrictEqual([new URL(origin).host]);
    expect(a.authorizations.every((auth) => auth === `ann:${SECRET}`)).toBe(true);
    expectNoSecret(result, [out]);
  });
});

describe('bad proxy input: one line, exit 1, nothing fetched', () => {
  test.each([
    [
      ['--proxy', `socks5://ann:${SECRET}@127.0.0.1:1080`],
      'fanout: --proxy: bad proxy URL socks5://ann:***@127.0.0.1:1080: unsupported scheme socks5: (supported: http, https)',
    ],
    [['--proxy', `ann:${SECRET}@127.0.0.1:3128`], 'fanout: --proxy: bad proxy URL ann:***@127.0.0.1:3128: no scheme (expected http://[user:password@]host:port)'],
    [
      ['--proxy', 'http://127.0.0.1:3128', '--allow-private'],
      'fanout: --proxy: proxy http://127.0.0.1:3128 is on a non-public address (127.0.0.1); pass --allow-private-proxy to use a proxy on a private network',
    ],
    [['--proxy-file', '/nonexistent/proxies.txt'], 'fanout: cannot read proxy file /nonexistent/proxies.txt (ENOENT); give a file with one proxy URL per line'],
    [['--proxy-file', 'EMPTY'], 'fanout: proxy file EMPTY has no proxies; put one proxy URL per line'],
    [['--proxy-file', 'BAD', '--allow-private-proxy'], `fanout: BAD line 2: bad proxy URL ftp://ann:***@127.0.0.1:2121: unsupported scheme ftp: (supported: http, https)`],
    [['--proxy', 'http://127.0.0.1:3128', '--proxy-file', 'EMPTY'], 'fanout: --proxy-file cannot be combined with --proxy: give one of them'],
    [['--proxy-rotation', 'random'], "error: option '--proxy-rotation <mode>' argument 'random' is invalid. Allowed choices are request, host."],
  ])('%j', async (args, message) => {
    const empty = write('empty-proxies.txt', ['# nothing here', '']);
    const bad = write('bad-proxies.txt', ['http://127.0.0.1:3128', `ftp://ann:${SECRET}@127.0.0.1:2121`]);
    const resolved = args.map((arg) => (arg === 'EMPTY' ? empty : arg === 'BAD' ? bad : arg));
    const before = site.requests.length;

    const result = await runCli(['run', write('bad-input-urls.txt', urls(3)), ...resolved]);

    expect([result.code, result.stderr, result.stdout]).toStrictEqual([1, `${message.replace('EMPTY', empty).replace('BAD', bad)}\n`, '']);
    expect(site.requests.length).toBe(before);
  });

  test('a bad HTTPS_PROXY in the environment', async () => {
    const result = await runCli(['run', write('bad-env-urls.txt', urls(1)), '--allow-private'], { env: { HTTPS_PROXY: `ftp://ann:${SECRET}@proxy.example` } });
    expect([result.code, result.stderr]).toStrictEqual([
      1,
      'fanout: HTTPS_PROXY: bad proxy URL ftp://ann:***@proxy.example: unsupported scheme ftp: (supported: http, https)\n',
    ]);
  });
});
