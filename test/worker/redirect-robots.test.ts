/**
 * robots.txt on redirects, in the worker (functions/worker/redirect-robots.ts), against real
 * loopback servers: every hop after the first is checked against the robots.txt of its origin,
 * from the event's rules or fetched by the worker, and a forbidden hop is never requested.
 */
import type http from 'node:http';
import type { Outcome, RobotsOriginRules, ScrapeOptionsInput } from '../../core/contract';
import { closeAgents } from '../../http/agent';
import { forgetLearntRobots } from '../../functions/worker/redirect-robots';
import { scrapeChunk } from '../../functions/worker/scrape-chunk';
import { startServer, type TestServer } from '../helpers/http-server';

type Route = (req: http.IncomingMessage, res: http.ServerResponse) => void;
const page: Route = (_req, res) => res.writeHead(200, { 'content-type': 'text/html' }).end('<title>page</title>');
const text =
  (body: string, status = 200): Route =>
  (_req, res) =>
    res.writeHead(status, { 'content-type': 'text/plain' }).end(body);
const redirect =
  (location: string): Route =>
  (_req, res) =>
    res.writeHead(302, { location }).end();

const servers: TestServer[] = [];
afterEach(async () => {
  forgetLearntRobots();
  await closeAgents();
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

/** A loopback site whose paths are answered by `routes` (404 otherwise); routes may be added later. */
async function site(routes: Record<string, Route> = {}): Promise<TestServer & { routes: Record<string, Route> }> {
  const server = await startServer((req, res) => (routes[req.url ?? '/'] ?? text('not found', 404))(req, res));
  servers.push(server);
  return Object.assign(server, { routes });
}

const paths = (s: TestServer) => s.requests.map((r) => r.path);
const obey = (origins: Record<string, RobotsOriginRules> = {}): ScrapeOptionsInput => ({ allowPrivate: true, retries: 0, robotsOnRedirect: { origins } });

async function scrape(urls: string[], options: ScrapeOptionsInput): Promise<Map<string, Outcome>> {
  const { outcomes } = await scrapeChunk(urls, options);
  return new Map(outcomes.map((o) => [o.url, o]));
}

const disallowed = (url: string, message: string, attempts = 1) => ({ url, ok: false, error: { kind: 'robots-disallowed', message }, attempts, ms: expect.any(Number) });

describe('robots.txt on redirects', () => {
  it('does not follow a redirect to a path the origin rules from the event forbid, and says which hop', async () => {
    const a = await site({ '/go': redirect('/private/x'), '/open': redirect('/public'), '/public': page, '/private/x': page });
    const [go, open] = [`${a.origin}/go`, `${a.origin}/open`];

    const outcomes = await scrape([go, open], obey({ [a.origin]: { allow: [], disallow: ['/private'] } }));

    expect(outcomes.get(go)).toStrictEqual(disallowed(go, `redirect hop 1 to ${a.origin}/private/x is disallowed by ${a.origin}/robots.txt`));
    expect(outcomes.get(open)).toMatchObject({ ok: true, finalUrl: `${a.origin}/public`, title: 'page' });
    expect(paths(a).sort()).toStrictEqual(['/go', '/open', '/public']); // no robots.txt fetch: the event had the rules
  });

  it('fetches the robots.txt of an origin met only through a redirect, once per worker, and obeys it on a later hop', async () => {
    const b = await site({ '/robots.txt': text('User-agent: *\nDisallow: /secret\n'), '/secret/1': page, '/secret/2': page, '/fine': page });
    const a = await site({
      '/one': redirect(`${b.origin}/secret/1`),
      '/two': redirect('/hop'),
      '/hop': redirect(`${b.origin}/secret/2`),
      '/three': redirect(`${b.origin}/fine`),
    });
    const [one, two, three] = [`${a.origin}/one`, `${a.origin}/two`, `${a.origin}/three`] as const;

    const outcomes = await scrape([one, two, three], obey({ [a.origin]: { allow: [], disallow: [] } }));
    await scrape([one], obey({ [a.origin]: { allow: [], disallow: [] } }));

    expect([outcomes.get(one), outcomes.get(two)]).toStrictEqual([
      disallowed(one, `redirect hop 1 to ${b.origin}/secret/1 is disallowed by ${b.origin}/robots.txt`),
      disallowed(two, `redirect hop 2 to ${b.origin}/secret/2 is disallowed by ${b.origin}/robots.txt`),
    ]);
    expect(outcomes.get(three)).toMatchObject({ ok: true, finalUrl: `${b.origin}/fine` });
    expect(paths(b).sort()).toStrictEqual(['/fine', '/robots.txt']);
  });

  it('treats an unreachable robots.txt of the redirect target as complete disallow, naming it and the reason', async () => {
    const b = await site({ '/robots.txt': text('busy', 503), '/page': page });
    const a = await site({ '/go': redirect(`${b.origin}/page`) });
    const go = `${a.origin}/go`;

    const outcomes = await scrape([go], obey());

    expect(outcomes.get(go)).toStrictEqual(
      disallowed(
        go,
        `redirect hop 1 to ${b.origin}/page not followed: ${b.origin}/robots.txt unreachable (HTTP 503): RFC 9309 says to fetch nothing from the site while its robots.txt fails; --robots ignore skips robots.txt`,
      ),
    );
    expect(paths(b)).toStrictEqual(['/robots.txt']);
  });

  it('follows the redirect when robots.txt is ignored (no robotsOnRedirect in the event)', async () => {
    const a = await site({ '/go': redirect('/private/x'), '/private/x': page, '/robots.txt': text('User-agent: *\nDisallow: /private\n') });
    const go = `${a.origin}/go`;

    const outcomes = await scrape([go], { allowPrivate: true, retries: 0 });

    expect(outcomes.get(go)).toMatchObject({ ok: true, finalUrl: `${a.origin}/private/x` });
    expect(paths(a)).toStrictEqual(['/go', '/private/x']);
  });
});
