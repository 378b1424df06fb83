/**
 * robots.txt conformance suites (shared/conformance/robots-*.json) through the real robots path:
 * each case's robots.txt is served to a RobotsCache by undici's MockAgent (no socket is opened,
 * and nothing but the listed origins answers), fetched by http/robots/robots-fetch.ts, parsed and
 * matched by our own RFC 9309 matcher, exactly as a run checks its list.
 *
 * Each suite lists the cases we answer differently on purpose (README "robots.txt"); a new
 * failure, or a deviation that starts passing, fails the test.
 */
import { MockAgent } from 'undici';
import { RobotsCache } from '../../orchestrator/robots';
import { describeConformance, hasConformance, readCases } from '../helpers/conformance';

interface MockResponse {
  origin: string;
  path: string;
  status?: number;
  headers?: Record<string, string>;
  body?: string;
  error?: string;
}

interface RobotsCase {
  id: string;
  scope?: 'standard' | 'google-specific';
  robotstxt: string | null;
  robotstxtBase64?: string;
  robotstxtTemplate?: { head: string; padLine: string; tail: string; endsBeforeByte: number };
  responses?: MockResponse[];
  useragent: string;
  url: string;
  expected: boolean;
}

/** The robots.txt bytes of a case: as given, or built from its template (a rule near the 500 KiB mark). */
function bodyOf(c: RobotsCase): Buffer {
  if (c.robotstxtBase64 !== undefined) return Buffer.from(c.robotstxtBase64, 'base64');
  if (c.robotstxt !== null) return Buffer.from(c.robotstxt, 'utf8');
  const { head, padLine, tail, endsBeforeByte } = c.robotstxtTemplate!;
  const pads = Math.floor((endsBeforeByte - head.length - tail.length) / padLine.length);
  return Buffer.from(head + padLine.repeat(pads) + tail, 'utf8');
}

/** What the case's server answers: its own list, or its robots.txt (bodyOf) at the URL's origin. */
function responsesOf(c: RobotsCase): MockResponse[] {
  if (c.responses !== undefined) return c.responses;
  let origin: string;
  try {
    origin = new URL(c.url).origin;
  } catch {
    return []; // no URL to check: nothing is fetched
  }
  return [{ origin, path: '/robots.txt', status: 200 }];
}

/** Whether the case's URL comes out allowed. */
async function isAllowed(c: RobotsCase): Promise<boolean> {
  const agent = new MockAgent();
  agent.disableNetConnect();
  for (const r of responsesOf(c)) {
    const intercept = agent.get(r.origin).intercept({ path: r.path, method: 'GET' });
    if (r.error !== undefined) {
      intercept.replyWithError(Object.assign(new Error(`mock ${r.error}`), { code: r.error }));
    } else {
      const body = c.responses === undefined ? bodyOf(c) : (r.body ?? '');
      intercept.reply(r.status ?? 200, body, { headers: r.headers ?? {} });
    }
  }
  const robots = new RobotsCache({ dispatcher: agent, agentToken: c.useragent, userAgent: 'fanout-conformance/1.0' });
  try {
    const { allowed } = await robots.check([c.url]);
    return allowed.length === 1;
  } finally {
    await robots.close();
    await agent.close();
  }
}

/** Runs every case; returns the ids whose answer differs from `expected`, in file order. */
async function failuresOf(cases: readonly RobotsCase[]): Promise<string[]> {
  const failures: string[] = [];
  for (const c of cases) {
    if ((await isAllowed(c)) !== c.expected) failures.push(c.id);
  }
  return failures;
}

/** Deviations on purpose, by reason (README "robots.txt"). */
const ROBOTS_TXT_ALWAYS_ALLOWED = ['spec-194', 'spec-200', 'spec-204', 'spec-345'];
const URL_IS_PERCENT_ENCODED = ['google-064', 'google-066', 'spec-111', 'spec-113'];
const PATTERN_ESCAPES_DECODED = ['google-067', 'spec-114'];
/** Google's own leniencies we do not copy: an empty URL is disallowed; `index.html` stands for its directory. */
const GOOGLE_ONLY = ['google-003', 'google-079', 'spec-023', 'spec-038'];

const SUITES = [
  { file: 'robots-google.json', standard: 72, deviations: ['google-064', 'google-066', 'google-067'] },
  { file: 'robots-spec-test.json', standard: 378, deviations: ['spec-111', 'spec-113', 'spec-114', 'spec-194', 'spec-200', 'spec-204', 'spec-345'] },
  { file: 'robots-rfc9309.json', standard: 54, deviations: [] },
];

describeConformance('robots.txt conformance', () => {
  it('files every deviation under one reason', () => {
    expect(SUITES.flatMap((s) => s.deviations).sort()).toStrictEqual([...ROBOTS_TXT_ALWAYS_ALLOWED, ...URL_IS_PERCENT_ENCODED, ...PATTERN_ESCAPES_DECODED].sort());
  });

  describe.each(SUITES)('$file', ({ file, standard, deviations }) => {
    const cases = hasConformance ? readCases<RobotsCase>(file) : [];
    const isStandard = (c: RobotsCase) => c.scope !== 'google-specific';

    it('passes every standard case but the listed deviations', async () => {
      const standardCases = cases.filter(isStandard);
      expect(standardCases).toHaveLength(standard);
      expect(await failuresOf(standardCases)).toStrictEqual(deviations);
    });

    it("passes Google's own leniencies but the ones we do not copy", async () => {
      const googleOnly = cases.filter((c) => !isStandard(c));
      expect(await failuresOf(googleOnly)).toStrictEqual(GOOGLE_ONLY.filter((id) => googleOnly.some((c) => c.id === id)));
    });
  });
});
