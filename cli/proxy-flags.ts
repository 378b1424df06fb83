/**
 * `fanout run`'s proxy flags and the standard environment, turned into the proxy settings every
 * worker gets (core/proxy.ts), and into the proxy for the CLI's own calls to Lambda. The
 * environment is read here, once: workers only ever see what this sends them. It describes this
 * machine's network, so it is for local workers, the SDK and robots.txt (fetched here); workers on
 * Lambda get a proxy only from `--proxy` or `--proxy-file`. Everything is checked before anything
 * is fetched; a bad proxy URL, an unsupported scheme, an unreadable or empty proxy file, or a page
 * proxy on a private address without `--allow-private-proxy` is a UsageError of one line that
 * never shows a password.
 */
import fs from 'node:fs/promises';
import { Option } from 'commander';
import { UsageError } from '../core/errors';
import { PROXY_ROTATIONS, proxyLabel, proxyUrlProblem, type EnvProxySettings, type ProxyRotation, type ProxySettingsInput } from '../core/proxy';
import { proxiedTargetBlock } from '../http/proxy-dispatcher';

/** The flags this file reads (commander: `--proxy <url>` is a string, `--no-proxy` makes it false). */
export interface ProxyFlags {
  mode?: 'local' | 'lambda';
  robots?: 'obey' | 'ignore';
  proxy?: string | false;
  proxyFile?: string;
  proxyRotation?: ProxyRotation;
  allowPrivateProxy?: boolean;
}

/** The options of `fanout run` that set proxies (fresh ones for each program built). */
export function proxyOptions() {
  return {
    proxy: new Option('--proxy <url>', 'send every page fetch through this proxy: http(s)://[user:password@]host:port (default, local mode: HTTPS_PROXY / HTTP_PROXY)'),
    noProxy: new Option('--no-proxy', 'ignore HTTP_PROXY, HTTPS_PROXY and NO_PROXY (pages and the calls to Lambda): connect directly'),
    proxyFile: new Option('--proxy-file <file>', 'a pool of proxies, one URL per line; one that fails repeatedly is benched for a while'),
    rotation: new Option('--proxy-rotation <mode>', 'with a pool: a new proxy per request, or one per host').choices(PROXY_ROTATIONS).default('request'),
    allowPrivateProxy: new Option('--allow-private-proxy', 'let a proxy sit on loopback or a private network (separate from --allow-private)'),
  };
}

/** `what` (a flag, a variable, a file line) checked as a proxy URL and, unless `allowPrivateProxy`, refused on a visibly private host. */
function checked(raw: string, what: string, allowPrivateProxy: boolean): string {
  const problem = proxyUrlProblem(raw);
  if (problem !== undefined) throw new UsageError(`${what}: bad proxy URL ${proxyLabel(raw)}: ${problem}`);
  const url = new URL(raw.trim());
  // What can be seen without resolving; a name with a private address is refused when connecting.
  const blocked = allowPrivateProxy ? undefined : proxiedTargetBlock(url.hostname);
  if (blocked) {
    throw new UsageError(`${what}: proxy ${proxyLabel(raw)} is on a non-public address (${blocked.address}); pass --allow-private-proxy to use a proxy on a private network`);
  }
  return raw.trim();
}

/** The proxies in `file`: one URL per line, blank lines and `#` comments skipped. */
async function readProxyFile(file: string, allowPrivateProxy: boolean): Promise<string[]> {
  let text: string;
  try {
    text = await fs.readFile(file, 'utf8');
  } catch (err) {
    const why = (err as NodeJS.ErrnoException).code ?? (err as Error).message;
    throw new UsageError(`cannot read proxy file ${file} (${why}); give a file with one proxy URL per line`, { cause: err });
  }
  const proxies: string[] = [];
  text.split(/\r?\n/).forEach((line, i) => {
    const entry = line.trim();
    if (entry !== '' && !entry.startsWith('#')) proxies.push(checked(entry, `${file} line ${i + 1}`, allowPrivateProxy));
  });
  if (proxies.length === 0) throw new UsageError(`proxy file ${file} has no proxies; put one proxy URL per line`);
  return proxies;
}

/** `lower ?? UPPER`, as undici reads them; empty counts as unset. */
function fromEnv(env: NodeJS.ProcessEnv, name: string): string | undefined {
  const value = env[name.toLowerCase()] ?? env[name];
  return value === undefined || value.trim() === '' ? undefined : value;
}

/**
 * The standard environment, checked; undefined when it names no proxy, or with `--no-proxy`.
 * `allowPrivateProxy` false refuses a proxy visibly on a private address (for page fetches).
 */
export function envProxySettings(flags: Pick<ProxyFlags, 'proxy' | 'allowPrivateProxy'>, env: NodeJS.ProcessEnv = process.env): EnvProxySettings | undefined {
  if (flags.proxy === false) return undefined;
  const allow = flags.allowPrivateProxy ?? false;
  const httpProxy = fromEnv(env, 'HTTP_PROXY');
  const httpsProxy = fromEnv(env, 'HTTPS_PROXY');
  if (httpProxy === undefined && httpsProxy === undefined) return undefined;
  const noProxy = fromEnv(env, 'NO_PROXY');
  return {
    mode: 'env',
    ...(httpProxy === undefined ? {} : { httpProxy: checked(httpProxy, 'HTTP_PROXY', allow) }),
    ...(httpsProxy === undefined ? {} : { httpsProxy: checked(httpsProxy, 'HTTPS_PROXY', allow) }),
    ...(noProxy === undefined ? {} : { noProxy }),
  };
}

/**
 * How pages go out: `--proxy` (a pool of one), `--proxy-file`, else (local workers only) the
 * environment unless `--no-proxy`; undefined is direct.
 */
export async function proxySettingsFromFlags(flags: ProxyFlags, env: NodeJS.ProcessEnv = process.env): Promise<ProxySettingsInput | undefined> {
  const allow = flags.allowPrivateProxy ?? false;
  if (flags.proxyFile !== undefined && flags.proxy !== undefined) {
    throw new UsageError(`--proxy-file cannot be combined with ${flags.proxy === false ? '--no-proxy' : '--proxy'}: give one of them`);
  }
  if (flags.mode === 'lambda') sdkProxySettings(flags, env); // checked now, not when the client is made
  const rotation = flags.proxyRotation;
  if (typeof flags.proxy === 'string') return { mode: 'pool', proxies: [checked(flags.proxy, '--proxy', allow)], rotation };
  if (flags.proxyFile !== undefined) return { mode: 'pool', proxies: await readProxyFile(flags.proxyFile, allow), rotation };
  if (flags.mode !== 'lambda') return envProxySettings(flags, env);
  robotsProxySettings(flags, env); // checked now, before anything is fetched
  return undefined;
}

/**
 * Lambda mode without `--proxy` or `--proxy-file`: the way robots.txt, which this machine fetches
 * itself, goes out through this machine's environment; undefined otherwise (robots.txt then goes
 * the pages' way).
 */
export function robotsProxySettings(flags: ProxyFlags, env: NodeJS.ProcessEnv = process.env): EnvProxySettings | undefined {
  const ownWay = flags.mode === 'lambda' && flags.robots !== 'ignore' && flags.proxy === undefined && flags.proxyFile === undefined;
  return ownWay ? envProxySettings(flags, env) : undefined;
}

/** The proxy for the CLI's own calls to Lambda: the environment, unless `--no-proxy`, whatever `--proxy` says. */
export function sdkProxySettings(flags: Pick<ProxyFlags, 'proxy'>, env: NodeJS.ProcessEnv = process.env): EnvProxySettings | undefined {
  return envProxySettings({ proxy: flags.proxy, allowPrivateProxy: true }, env);
}

/**
 * Crawls and sitemap runs do not go through proxies yet (their RunSession has no proxy pool):
 * refuse the flags rather than fetch directly when the user asked for a proxy.
 */
export function refuseProxyFlags(flags: ProxyFlags, what: string): void {
  const given = typeof flags.proxy === 'string' ? '--proxy' : flags.proxyFile !== undefined ? '--proxy-file' : undefined;
  if (given !== undefined) throw new UsageError(`${given} does not work with ${what} yet; fetch through a proxy with fanout run on a list`);
}
