/**
 * Every output path is checked before anything is fetched: a run of hours must not end in
 * "unexpected error: ENOENT" because the --report folder was mistyped. The real bin, a loopback
 * server that counts requests.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startServer, type TestServer } from '../helpers/http-server';
import { runCli } from './run-cli';

let dir: string;
let server: TestServer;
let list: string;
beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'fanout-paths-'));
  server = await startServer((_req, res) => res.writeHead(200, { 'content-type': 'text/html' }).end('<title>t</title>'));
  list = path.join(dir, 'urls.txt');
  fs.writeFileSync(list, `${server.origin}/a\n`);
});
afterAll(async () => {
  await server.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

const RUN = ['--allow-private', '--robots', 'ignore', '--quiet'];

describe.each(['-o', '--report', '--summary'])('fanout run %s <bad path>', (flag) => {
  test('a folder that does not exist: one line naming the flag and the path, exit 1, nothing fetched', async () => {
    const missing = path.join(dir, 'no-such-folder', 'file.out');
    const { code, stdout, stderr } = await runCli(['run', list, ...RUN, flag, missing]);
    expect({ code, stdout, stderr }).toStrictEqual({
      code: 1,
      stdout: '',
      stderr: `fanout: ${flag} ${missing}: the folder ${path.dirname(missing)} does not exist; create it or choose another path\n`,
    });
    expect(server.requests).toStrictEqual([]);
  });

  test('a path that is a folder is refused the same way', async () => {
    const { code, stdout, stderr } = await runCli(['run', list, ...RUN, flag, dir]);
    expect({ code, stdout, stderr }).toStrictEqual({ code: 1, stdout: '', stderr: `fanout: ${flag} ${dir} is a folder; give a file path\n` });
    expect(server.requests).toStrictEqual([]);
  });
});

test('two outputs on one path are refused before fetching', async () => {
  const same = path.join(dir, 'same.json');
  const { code, stderr } = await runCli(['run', list, ...RUN, '-o', same, '--summary', same]);
  expect({ code, stderr }).toStrictEqual({ code: 1, stderr: `fanout: -o and --summary both name ${same}; give each its own file\n` });
  expect(server.requests).toStrictEqual([]);
  expect(fs.existsSync(same)).toBe(false);
});

test('fanout retry checks --report before it runs anything', async () => {
  const results = path.join(dir, 'results.jsonl');
  const connectFailure = { url: `${server.origin}/a`, ok: false, error: { kind: 'connect', message: 'connect ECONNREFUSED' }, attempts: 3 };
  fs.writeFileSync(results, `${JSON.stringify(connectFailure)}\n`);
  const missing = path.join(dir, 'nope', 'r.html');
  const { code, stderr } = await runCli(['retry', results, ...RUN, '--report', missing]);
  expect({ code, stderr }).toStrictEqual({
    code: 1,
    stderr: `fanout: --report ${missing}: the folder ${path.dirname(missing)} does not exist; create it or choose another path\n`,
  });
  expect(server.requests).toStrictEqual([]);
  expect(fs.readdirSync(dir).filter((f) => f.includes('.tmp'))).toStrictEqual([]);
});

test('fanout report checks -o before it reads the results', async () => {
  const results = path.join(dir, 'ok.jsonl');
  fs.writeFileSync(results, `${JSON.stringify({ url: 'http://a.test/', ok: false, error: { kind: 'dns', message: 'ENOTFOUND' }, attempts: 1 })}\n`);
  const missing = path.join(dir, 'nope', 'r.html');
  const { code, stderr } = await runCli(['report', results, '-o', missing]);
  expect({ code, stderr }).toStrictEqual({ code: 1, stderr: `fanout: -o ${missing}: the folder ${path.dirname(missing)} does not exist; create it or choose another path\n` });
});

test('-o on the list itself is refused (it would truncate the list)', async () => {
  const { code, stderr } = await runCli(['run', list, ...RUN, '-o', list]);
  expect({ code, stderr }).toStrictEqual({ code: 1, stderr: `fanout: the list and -o both name ${list}; give each its own file\n` });
  expect(fs.readFileSync(list, 'utf8')).toBe(`${server.origin}/a\n`);
});
