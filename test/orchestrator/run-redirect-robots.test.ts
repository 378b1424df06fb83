/**
 * robots.txt on redirects across a whole run (runUrls), on both back ends: the worker handler in
 * this process (where the events can be looked at) and real local worker processes. A listed URL
 * that robots.txt allows but that redirects to a forbidden path gets `robots-disallowed`.
 */
import type http from 'node:http';
import type { Outcome, WorkerEventInput } from '../../core/contract';
import type { RobotsMode } from '../../core/run-control';
import { ScrapeOptionsSchema } from '../../core/contract';
import { streamHandler } from '../../functions/worker/handler';
import { forgetLearntRobots } from '../../functions/worker/redirect-robots';
import { closeAgents } from '../../http/agent';
import type { Invoker } from '../../orchestrator/invoker';
import { LocalInvoker } from '../../orchestrator/invokers/local';
import { runUrls } from '../../orchestrator/run-urls';
import { startServer, type TestServer } from '../helpers/http-server';

type Route = (req: http.IncomingMessage, res: http.ServerResponse) => void;
const html: Route = (_req, res) => res.writeHead(200, { 'content-type': 'text/html' }).end('<title>t</title>');
const redirect =
  (location: string): Route =>
  (_req, res) =>
    res.writeHead(301, { location }).end();

/** Runs chunks with the worker's own handler in this process, keeping every event it was given. */
class InProcessInvoker implements Invoker {
  readonly capacity = 2;
  readonly events: WorkerEventInput[] = [];
  async invoke(event: WorkerEventInput, _signal?: AbortSignal, onRecord?: (record: Outcome) => void) {
    this.events.push(event);
    const outcomes: Outcome[] = [];
    const end = await streamHandler(event, undefined, (record) => (onRecord ? onRecord(record) : outcomes.push(record)));
    return { ...end, outcomes };
  }
  async close() {}
}

let server: TestServer;
let local: LocalInvoker;
beforeAll(async () => {
  local = new LocalInvoker({ size: 1 });
  const routes: Record<string, Route> = {
    '/robots.txt': (_req, res) => res.writeHead(200, { 'content-type': 'text/plain' }).end('User-agent: *\nDisallow: /private\n'),
    '/moved': redirect('/private/page'),
    '/open': html,
  };
  server = await startServer((req, res) => (routes[req.url ?? '/'] ?? html)(req, res));
});
afterEach(async () => {
  forgetLearntRobots();
  await closeAgents();
  server.requests.length = 0;
});
afterAll(async () => {
  await Promise.all([local.close(), server.close()]);
});

async function run(invoker: Invoker, robots: RobotsMode): Promise<Map<string, Outcome>> {
  const outcomes = new Map<string, Outcome>();
  const scrape = ScrapeOptionsSchema.parse({ allowPrivate: true, retries: 0 });
  await runUrls([`${server.origin}/moved`, `${server.origin}/open`], { invoker, scrape, robots, chunkSize: 2 }, async (o) => {
    outcomes.set(o.url, o);
  });
  return outcomes;
}

describe.each([
  ['in-process handler', () => new InProcessInvoker()],
  ['local worker processes', () => local],
])('a run on the %s', (_name, invoker) => {
  it('records robots-disallowed for a redirect to a forbidden path, and never requests it', async () => {
    const outcomes = await run(invoker(), 'obey');

    expect(outcomes.get(`${server.origin}/moved`)).toStrictEqual({
      url: `${server.origin}/moved`,
      ok: false,
      error: { kind: 'robots-disallowed', message: `redirect hop 1 to ${server.origin}/private/page is disallowed by ${server.origin}/robots.txt` },
      attempts: 1,
      ms: expect.any(Number),
    });
    expect(outcomes.get(`${server.origin}/open`)).toMatchObject({ ok: true });
    // robots.txt once, by the orchestrator: the worker got its rules in the event.
    expect(server.requests.map((r) => r.path).sort()).toStrictEqual(['/moved', '/open', '/robots.txt']);
  });

  it('follows the redirect with --robots ignore', async () => {
    const outcomes = await run(invoker(), 'ignore');

    expect(outcomes.get(`${server.origin}/moved`)).toMatchObject({ ok: true, finalUrl: `${server.origin}/private/page` });
    expect(server.requests.map((r) => r.path).sort()).toStrictEqual(['/moved', '/open', '/private/page']);
  });
});

it("sends each chunk the rules of its URLs' origins", async () => {
  const invoker = new InProcessInvoker();
  await run(invoker, 'obey');
  expect(invoker.events.map((e) => e.options?.robotsOnRedirect)).toStrictEqual([
    { agentToken: 'fanout', origins: { [server.origin]: { allow: [], disallow: ['/private'] } } },
  ]);
});
