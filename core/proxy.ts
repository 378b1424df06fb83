/**
 * Proxies on the wire: how a worker is told to send its requests (the standard environment, or a
 * pool of explicit proxies), what it reports back per proxy, and the pure helpers both sides need:
 * checking a proxy URL, redacting its password, and NO_PROXY matching.
 *
 * A proxy URL travels whole, password included, because the worker (on Lambda, too) must send it.
 * Everything that is shown or stored (records, summary, messages, logs) uses {@link proxyLabel}.
 */
import { z } from 'zod';

/**
 * Schemes a proxy may have. SOCKS is not among them: undici's SOCKS5 agent is still experimental
 * (it prints an ExperimentalWarning in every worker) and would be a second connection path the
 * SSRF guard and the failure accounting would have to cover; see the README.
 */
export const PROXY_PROTOCOLS = ['http:', 'https:'] as const;

/** `--proxy-rotation`: a new proxy for every request, or one proxy per host (the same one on every worker). */
export const PROXY_ROTATIONS = ['request', 'host'] as const;
export type ProxyRotation = (typeof PROXY_ROTATIONS)[number];

/**
 * What is wrong with `raw` as a proxy URL, in words that never repeat it (it may hold a password);
 * undefined when it is fine: `http(s)://[user[:password]@]host[:port]`, without a path.
 *
 * @example proxyUrlProblem('socks5://127.0.0.1:1080') // 'unsupported scheme socks5: (supported: http, https)'
 */
export function proxyUrlProblem(raw: string): string | undefined {
  if (!/^[a-z][a-z0-9+.-]*:\/\//i.test(raw.trim())) return 'no scheme (expected http://[user:password@]host:port)';
  let url: URL;
  try {
    url = new URL(raw.trim());
  } catch {
    return 'not a URL (expected http://[user:password@]host:port)';
  }
  if (!(PROXY_PROTOCOLS as readonly string[]).includes(url.protocol)) {
    return `unsupported scheme ${url.protocol} (supported: ${PROXY_PROTOCOLS.map((p) => p.slice(0, -1)).join(', ')})`;
  }
  if (url.hostname === '') return 'no host';
  if ((url.pathname !== '/' && url.pathname !== '') || url.search !== '' || url.hash !== '') {
    return 'a proxy URL has no path, query or fragment (expected http://[user:password@]host:port)';
  }
  return undefined;
}

/**
 * `raw` with its password replaced by `***`, the user name kept, and no trailing slash: the only
 * form of a proxy URL that is ever shown, logged or written. Works on strings that do not parse, too.
 *
 * @example proxyLabel('http://bob:s3cret@10.0.0.1:3128/') // 'http://bob:***@10.0.0.1:3128'
 */
export function proxyLabel(raw: string): string {
  const text = raw.trim();
  try {
    const url = new URL(text);
    if (url.host !== '') {
      const user = url.username === '' && url.password === '' ? '' : `${url.username}${url.password === '' ? '' : ':***'}@`;
      return `${url.protocol}//${user}${url.host}`;
    }
  } catch {
    // not a URL: mask by hand below
  }
  // Whatever sits between the scheme (if any) and the last '@' before the host is user info.
  const match = /^([a-z][a-z0-9+.-]*:\/\/)?([^/?#]*)@/i.exec(text);
  if (!match) return text;
  const userInfo = match[2] ?? '';
  const colon = userInfo.indexOf(':');
  const masked = colon === -1 ? userInfo : `${userInfo.slice(0, colon)}:***`;
  return `${match[1] ?? ''}${masked}@${text.slice(match[0].length)}`;
}

/** One NO_PROXY entry: a host (and its subdomains), on one port or any. */
interface NoProxyEntry {
  hostname: string;
  /** 0 for any port. */
  port: number;
}

function parseNoProxy(noProxy: string): NoProxyEntry[] {
  const entries: NoProxyEntry[] = [];
  for (const entry of noProxy.split(/[,\s]/)) {
    if (entry === '') continue;
    const withPort = /^(.+):(\d+)$/.exec(entry);
    entries.push({ hostname: (withPort?.[1] ?? entry).replace(/^\*?\./, '').toLowerCase(), port: withPort ? Number(withPort[2]) : 0 });
  }
  return entries;
}

/**
 * Whether NO_PROXY says to connect to `host` directly, by undici's EnvHttpProxyAgent rules (which
 * the page fetches use): entries split on commas or white space; `*` alone matches everything; an
 * entry matches its host and every subdomain (a leading `.` or `*.` is dropped); `host:port`
 * matches that port only. IP addresses compare as text, without CIDR ranges.
 *
 * @example bypassesProxy('lambda.us-east-1.amazonaws.com', 443, 'localhost,.amazonaws.com') // true
 */
export function bypassesProxy(host: string, port: number, noProxy: string | undefined): boolean {
  if (noProxy === undefined || noProxy.trim() === '') return false;
  if (noProxy.trim() === '*') return true;
  const hostname = host.toLowerCase();
  return parseNoProxy(noProxy).some((entry) => (entry.port === 0 || entry.port === port) && (hostname === entry.hostname || hostname.endsWith(`.${entry.hostname}`)));
}

const ProxyUrlSchema = z
  .string()
  .max(2_000)
  .superRefine((raw, ctx) => {
    const problem = proxyUrlProblem(raw);
    if (problem !== undefined) ctx.addIssue({ code: 'custom', message: `bad proxy URL ${proxyLabel(raw)}: ${problem}` });
  });

/** The standard environment, as the CLI read it (a worker never reads its own). */
export const EnvProxySchema = z.strictObject({
  mode: z.literal('env'),
  /** `http_proxy` / `HTTP_PROXY`: http pages, and https pages too when no https proxy is set. */
  httpProxy: ProxyUrlSchema.optional(),
  /** `https_proxy` / `HTTPS_PROXY`: https pages. */
  httpsProxy: ProxyUrlSchema.optional(),
  /** `no_proxy` / `NO_PROXY`: hosts fetched directly (see {@link bypassesProxy}). */
  noProxy: z.string().max(10_000).optional(),
});

/** `--proxy` (a pool of one) or `--proxy-file`: every request goes through one of `proxies`. */
export const PoolProxySchema = z.strictObject({
  mode: z.literal('pool'),
  proxies: z.array(ProxyUrlSchema).min(1).max(10_000),
  /** @default 'request' */
  rotation: z.enum(PROXY_ROTATIONS).default('request'),
  /** Failures in a row (connect errors, 407, 5xx to CONNECT) that bench a proxy. @default 3 */
  benchAfterFailures: z.number().int().min(1).max(1_000).default(3),
  /** How long a benched proxy gets no requests; then one failure benches it again. @default 60000 */
  benchMs: z.number().int().min(1).max(3_600_000).default(60_000),
  /** Set by the orchestrator: proxies the run has benched, by index into `proxies`, with the ms of bench left. */
  benchedMs: z.record(z.string().regex(/^\d+$/), z.number().int().min(1).max(3_600_000)).optional(),
  /** Set by the orchestrator: where this chunk's round-robin starts, so chunks do not all begin on the first proxy. @default 0 */
  start: z.number().int().min(0).optional(),
});

export const ProxySettingsSchema = z.discriminatedUnion('mode', [EnvProxySchema, PoolProxySchema]);
export type ProxySettings = z.output<typeof ProxySettingsSchema>;
export type ProxySettingsInput = z.input<typeof ProxySettingsSchema>;
export type PoolProxySettings = z.output<typeof PoolProxySchema>;
export type EnvProxySettings = z.output<typeof EnvProxySchema>;

/** `settings` as they may be shown (a summary's options, a report): every proxy URL as its label. */
export function redactProxySettings(settings: ProxySettings | undefined): ProxySettings | undefined {
  if (settings === undefined) return undefined;
  if (settings.mode === 'pool') return { ...settings, proxies: settings.proxies.map(proxyLabel) };
  return {
    ...settings,
    ...(settings.httpProxy === undefined ? {} : { httpProxy: proxyLabel(settings.httpProxy) }),
    ...(settings.httpsProxy === undefined ? {} : { httpsProxy: proxyLabel(settings.httpsProxy) }),
  };
}

const count = z.number().int().min(0);

/** What one worker did through one proxy of its pool, reported with its chunk's end (by index). */
export const ProxyUsageSchema = z.object({
  /** Requests sent through it (each hop, each failover). */
  requests: count,
  /** Requests it failed: refused or timed-out connections, 407, or a CONNECT answered otherwise than 200 while another proxy got through. */
  failures: count,
  /** Times it was benched. */
  benchings: count,
  /** Bench left when the worker answered, ms; 0 when not benched. */
  benchedMs: count,
  /** Why it last failed (never holds a password). */
  lastError: z.string().max(500).optional(),
});
export type ProxyUsage = z.infer<typeof ProxyUsageSchema>;

/** One proxy of the pool in `summary.json`. */
export const ProxyStatSchema = z.object({
  /** The proxy URL with its password redacted. */
  proxy: z.string(),
  requests: count,
  failures: count,
  /** Times it was benched during the run. */
  benched: count,
  lastError: z.string().optional(),
});
export type ProxyStat = z.infer<typeof ProxyStatSchema>;
