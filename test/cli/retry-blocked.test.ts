/**
 * `fanout retry` without --allow-private, on a file whose retryable records are on private
 * addresses: the new failure is fanout's own setting, not news about the page, so the old
 * (retryable) record stays; the retry the user then runs with --allow-private still has the URLs
 * to do. The sequence end to end, through the real bin, against a loopback server.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { OutcomeSchema } from '../../core/contract';
import { startServer, type TestServer } from '../helpers/http-server';
import { runCli } from './run-cli';

let dir: string;
let server: TestServer;
beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'fanout-retry-blocked-'));
  server = await startServer((req, res) => res.writeHead(200, { 'content-type': 'text/html' }).end(`<title>${req.url}</title>`));
});
afterAll(async () => {
  await server.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

const lines = (file: string) =>
  fs
    .readFileSync(file, 'utf8')
    .split('\n')
    .filter((l) => l !== '');

test('retry without --allow-private keeps the old records; retry with it then fetches them', async () => {
  const [a, b, c] = ['/a', '/b', '/c'].map((p) => `${server.origin}${p}`);
  const old = [
    { url: a, ok: false, error: { kind: 'connect', message: 'connect ECONNREFUSED' }, attempts: 3, ms: 5 },
    { url: b, ok: false, error: { kind: 'http', message: 'HTTP 503 Service Unavailable', status: 503 }, attempts: 3, ms: 5 },
    { url: c, ok: false, error: { kind: 'http', message: 'HTTP 404 Not Found', status: 404 }, attempts: 1, ms: 5 },
  ].map((record) => JSON.stringify(record));
  const file = path.join(dir, 'results.jsonl');
  fs.writeFileSync(file, `${old.join('\n')}\n`);

  const first = await runCli(['retry', file, '--robots', 'ignore']);
  expect(first.code).toBe(0);
  expect(server.requests).toStrictEqual([]);
  expect(lines(file).sort()).toStrictEqual([...old].sort());
  expect(first.stderr).toContain(`fanout: wrote ${file}: 1 kept, 2 retried; 2 blocked as private addresses kept their old record (pass --allow-private to retry them)\n`);

  const second = await runCli(['retry', file, '--robots', 'ignore', '--allow-private', '--quiet']);
  expect({ code: second.code, stderr: second.stderr }).toStrictEqual({ code: 0, stderr: '' });
  const after = lines(file).map((line) => OutcomeSchema.parse(JSON.parse(line)));
  expect(after.map((r) => [r.url, r.ok ? r.title : r.error.kind]).sort()).toStrictEqual([
    [a, '/a'],
    [b, '/b'],
    [c, 'http'],
  ]);
  expect(server.requests.map((r) => r.path).sort()).toStrictEqual(['/a', '/b']);
});
