/**
 * A loopback site with a known link graph, for crawl tests, and the breadth-first search a crawl
 * must agree with. Pages link to each other with relative, absolute, fragment and self links, to
 * pages of a second site (off-host), and to paths robots.txt disallows.
 */
import { seededRandom } from '../../scripts/seeded-random';
import { startServer, type TestServer } from './http-server';

/** Path -> the hrefs the page carries, as written (relative paths, `#frag`, `{other}/…` for the off-host site). */
export type LinkGraph = Record<string, string[]>;

export interface GraphSite extends TestServer {
  /** Page requests, robots.txt excluded, by path. */
  hits: Map<string, number>;
  /** performance.now() at each page request's arrival, in order. */
  starts: number[];
  /** robots.txt requests. */
  robotsRequests: () => number;
  /** Most page requests in flight at once. */
  maxInFlight: () => number;
}

/**
 * Serves `graph` (missing paths 404). `{other}` in an href becomes `otherOrigin`; robots.txt
 * disallows `disallow` paths (by prefix).
 */
export async function startGraphSite(
  graph: LinkGraph,
  options: { otherOrigin?: string; disallow?: string[]; latencyMs?: number; crawlDelaySecs?: number; redirects?: Record<string, string> } = {},
): Promise<GraphSite> {
  const hits = new Map<string, number>();
  const starts: number[] = [];
  let robots = 0;
  let inFlight = 0;
  let max = 0;
  const server = await startServer((req, res) => {
    const url = req.url ?? '/';
    if (url === '/robots.txt') {
      robots++;
      const rules = (options.disallow ?? []).map((p) => `Disallow: ${p}`).join('\n');
      const delay = options.crawlDelaySecs === undefined ? '' : `Crawl-delay: ${options.crawlDelaySecs}\n`;
      return void res.writeHead(200, { 'content-type': 'text/plain' }).end(`User-agent: *\n${delay}${rules}\n`);
    }
    hits.set(url, (hits.get(url) ?? 0) + 1);
    const location = options.redirects?.[url];
    if (location !== undefined) return void res.writeHead(301, { location }).end();
    starts.push(performance.now());
    max = Math.max(max, ++inFlight);
    res.on('close', () => inFlight--);
    const links = graph[url];
    if (links === undefined) return void res.writeHead(404, { 'content-type': 'text/html' }).end('<title>missing</title>');
    const anchors = links.map((href) => `<a href="${href.replace('{other}', options.otherOrigin ?? 'http://other.invalid')}">x</a>`).join('\n');
    setTimeout(() => res.writeHead(200, { 'content-type': 'text/html' }).end(`<title>${url}</title>${anchors}`), options.latencyMs ?? 0);
  });
  return Object.assign(server, { hits, starts, robotsRequests: () => robots, maxInFlight: () => max });
}

/** A graph of `pages` pages `/p/0` … with a few random links each, of every kind, drawn from `seed`. */
export function randomGraph(pages: number, seed: number): LinkGraph {
  const random = seededRandom(seed);
  const pick = () => Math.floor(random() * pages);
  const graph: LinkGraph = { '/': ['/p/0', '/p/1#top', 'p/2'] };
  for (let n = 0; n < pages; n++) {
    const links = [`/p/${n}`]; // a self-link
    for (let k = 0; k < 5; k++) links.push(`/p/${pick()}`);
    if (random() < 0.3) links.push(`/p/${pick()}#section`);
    if (random() < 0.2) links.push(`{other}/p/${pick()}`);
    if (random() < 0.1) links.push(`/private/${pick()}`);
    if (random() < 0.1) links.push(`/missing/${n}`);
    graph[`/p/${n}`] = links;
  }
  for (let n = 0; n < pages; n++) graph[`/private/${n}`] = ['/p/0'];
  return graph;
}

/** What a crawl must reach: each path in scope (same site), its BFS depth and the pages one hop closer that link to it. */
export function bfs(graph: LinkGraph, seed: string, maxDepth: number, disallow: string[] = []): Map<string, { depth: number; parents: Set<string> }> {
  const reached = new Map<string, { depth: number; parents: Set<string> }>([[seed, { depth: 0, parents: new Set() }]]);
  let wave = [seed];
  for (let depth = 0; depth < maxDepth; depth++) {
    const next: string[] = [];
    for (const page of wave) {
      if (disallow.some((p) => page.startsWith(p))) continue; // not fetched: its links are unknown
      for (const href of graph[page] ?? []) {
        if (href.startsWith('{other}')) continue;
        const target = new URL(href, `http://x${page}`).pathname;
        const known = reached.get(target);
        if (known === undefined) {
          reached.set(target, { depth: depth + 1, parents: new Set([page]) });
          next.push(target);
        } else if (known.depth === depth + 1) known.parents.add(page);
      }
    }
    wave = next;
  }
  return reached;
}
