/**
 * CSV output is opened by spreadsheets, which run a cell starting with `=`, `+`, `-` or `@` as a
 * formula, and printed on terminals, which act on escape bytes. Unit cases for the cell rules, then
 * the real bin against a loopback page whose title is a formula.
 */
import type { Outcome } from '../../core/contract';
import { csvRow } from '../../cli/csv';
import { startServer, type TestServer } from '../helpers/http-server';
import { runCli } from './run-cli';

const withTitle = (title: string): Outcome => ({
  url: 'http://a.test/',
  ok: true,
  finalUrl: 'http://a.test/',
  status: 200,
  contentType: 'text/html',
  bytes: 1,
  ms: 1,
  title,
  description: null,
  links: [],
  attempts: 1,
});

const BEFORE_TITLE = 'http://a.test/,true,200,http://a.test/,text/html,1,1,1,';
const AFTER_TITLE = ',,0,,,\r\n';

/** The title cell of the row written for a page titled `title`. */
function titleCell(title: string, raw = false): string {
  const row = csvRow(withTitle(title), { raw });
  expect([row.startsWith(BEFORE_TITLE), row.endsWith(AFTER_TITLE)]).toStrictEqual([true, true]);
  return row.slice(BEFORE_TITLE.length, -AFTER_TITLE.length);
}

describe('CSV cells', () => {
  test.each([
    ['=HYPERLINK("x","y")', `"'=HYPERLINK(""x"",""y"")"`],
    ['@SUM(A1)', "'@SUM(A1)"],
    ['+1+2', "'+1+2"],
    ['-1+2', "'-1+2"],
    ['\t=1', "'\t=1"],
    ['\r=1', "'=1"], // CR is a control character: stripped, and what is left starts with =
    ['a=1', 'a=1'],
    ['plain title', 'plain title'],
    ['semi;=1', '"semi;=1"'], // quoted, so a reader splitting on ; keeps it in one cell
    ['red\x1b[31m alert\x07\x00', 'red[31m alert'],
    ['tab\tand\nnewline kept', '"tab\tand\nnewline kept"'],
    ['C1 \u009b2J and DEL \x7f', 'C1 2J and DEL '],
  ])('%j is written as %j', (title, cell) => {
    expect(titleCell(title)).toBe(cell);
  });

  test.each([
    ['=HYPERLINK("x","y")', `"=HYPERLINK(""x"",""y"")"`],
    ['@SUM(A1)', '@SUM(A1)'],
    ['red\x1b[31m', 'red[31m'],
  ])('with raw, %j is written as %j (formulas kept, control characters still dropped)', (title, cell) => {
    expect(titleCell(title, true)).toBe(cell);
  });

  test('an invalid line, an error message and a URL are cells like any other', () => {
    const row = csvRow({ url: '=cmd|x', ok: false, error: { kind: 'invalid-url', message: '-bad' }, attempts: 0 }, { raw: false });
    expect(row).toBe("'=cmd|x,false,,,,,,0,,,,invalid-url,'-bad,\r\n");
  });
});

describe('fanout run --format csv against a hostile page (real bin, loopback)', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startServer((_req, res) => {
      res
        .writeHead(200, { 'content-type': 'text/html' })
        .end('<title>=HYPERLINK("http://127.0.0.1/","click")</title><meta name="description" content="@SUM(1+1)\x1b]0;pwned\x07">');
    });
  });
  afterAll(() => server.close());

  const args = ['run', '-', '--format', 'csv', '--quiet', '--allow-private', '--robots', 'ignore'];
  const cells = (stdout: string) => stdout.split('\r\n')[1]!.split(',').slice(8, 11);

  test('formula cells get a leading quote, escape bytes are dropped', async () => {
    const { code, stdout, stderr } = await runCli(args, { input: `${server.origin}/` });
    expect({ code, stderr }).toStrictEqual({ code: 0, stderr: '' });
    expect(cells(stdout)).toStrictEqual([`"'=HYPERLINK(""http://127.0.0.1/""`, `""click"")"`, `"'@SUM(1+1)]0;pwned"`]);
  });

  test('--csv-raw keeps formulas as the page wrote them', async () => {
    const { code, stdout } = await runCli([...args, '--csv-raw'], { input: `${server.origin}/` });
    expect(code).toBe(0);
    expect(cells(stdout)).toStrictEqual([`"=HYPERLINK(""http://127.0.0.1/""`, `""click"")"`, '"@SUM(1+1)]0;pwned"']);
  });

  test('--csv-raw without --format csv is refused', async () => {
    const before = server.requests.length;
    const { code, stdout, stderr } = await runCli(['run', '-', '--csv-raw', '--allow-private'], { input: `${server.origin}/` });
    expect({ code, stdout, stderr }).toStrictEqual({ code: 1, stdout: '', stderr: 'fanout: --csv-raw applies to --format csv only; add --format csv or drop --csv-raw\n' });
    expect(server.requests.length - before).toBe(0);
  });
});
