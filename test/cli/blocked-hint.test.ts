/**
 * A run whose URLs are all on private addresses (a first try against a local site) ends with every
 * record `blocked`: the summary says why, once, and how to allow them.
 */
import type { Outcome } from '../../core/contract';
import { formatSummary } from '../../cli/summary';
import { SummaryBuilder } from '../../report/summary-builder';
import { startServer, type TestServer } from '../helpers/http-server';
import { runCli } from './run-cli';

const blocked = (n: number): Outcome => ({
  url: `http://127.0.0.1/${n}`,
  ok: false,
  error: { kind: 'blocked', message: 'blocked: 127.0.0.1 is not a public address (allowPrivate is off)' },
  attempts: 1,
});

function summaryOf(outcomes: Outcome[]): string {
  const builder = new SummaryBuilder(0);
  for (const outcome of outcomes) builder.add(outcome, 10);
  return formatSummary(builder.finish({ runId: 'r', mode: 'local', input: { read: 0, valid: 0, duplicate: 0, invalid: 0 }, options: {}, now: 20 }));
}

const HINT = /^ {2}hint {6}(\d+ URLs?) blocked as private addresses; pass --allow-private to allow them$/gm;

describe('the summary of blocked URLs', () => {
  test.each([
    [[blocked(1)], ['1 URL']],
    [[blocked(1), blocked(2), blocked(3)], ['3 URLs']],
    [[], []],
  ])('%#: one hint line for the lot', (outcomes, counts) => {
    expect([...summaryOf(outcomes).matchAll(HINT)].map((m) => m[1])).toStrictEqual(counts);
  });
});

describe('fanout run of loopback URLs without --allow-private (real bin)', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startServer((_req, res) => res.writeHead(200).end('never reached'));
  });
  afterAll(() => server.close());

  test('every record is blocked, nothing connects, and stderr says once how to allow them', async () => {
    const urls = [1, 2, 3, 4].map((n) => `${server.origin}/${n}`);
    const { code, stdout, stderr } = await runCli(['run', '-', '--robots', 'ignore'], { input: urls.join('\n') });
    expect(code).toBe(0);
    expect(
      stdout
        .trim()
        .split('\n')
        .map((line) => JSON.parse(line).error.kind),
    ).toStrictEqual(['blocked', 'blocked', 'blocked', 'blocked']);
    expect([...stderr.matchAll(HINT)].map((m) => m[1])).toStrictEqual(['4 URLs']);
    expect(server.requests).toStrictEqual([]);
  });
});
