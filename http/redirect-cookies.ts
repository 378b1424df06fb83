/**
 * The cookies of one redirect chain. Many sites answer a first visit with "set this cookie and
 * come back" (a redirect to the same URL, or via a consent or session page); a browser, curl -L -b
 * and requests all carry the cookies along the chain, so the chain ends on the page. Without them
 * the same URL comes round again and the page is lost as a redirect loop. Cookies live for one
 * URL's chain only: a scraper must not carry state from one page to the next.
 *
 * Small, but RFC 6265 where it matters for whom a cookie goes to: name=value, host-only or
 * `Domain=` (never a public suffix, section 5.3 step 5, by the Public Suffix List with its private
 * section, as browsers use it), `Secure` (sent over https only, section 5.4), and `Max-Age` /
 * `Expires` deletion. Path and SameSite are not modelled (a chain is one navigation; sending a
 * cookie to another path of the same host is harmless here).
 */
import net from 'node:net';
import { getPublicSuffix } from 'tldts';

interface Cookie {
  value: string;
  /** The host that set it (host-only), or the `Domain=` attribute without a leading dot. */
  domain: string;
  hostOnly: boolean;
  /** Sent only over https (the `Secure` attribute). */
  secureOnly: boolean;
}

/** Cookies one chain may hold; more are ignored (a hostile server cannot grow the header without bound). */
const MAX_COOKIES = 50;
const MAX_COOKIE_BYTES = 4096;

/** The host as cookies see it: lower case, an IPv6 literal without its brackets. */
function hostOf(url: URL): string {
  return url.hostname.toLowerCase().replace(/^\[(.*)\]$/, '$1');
}

/**
 * The domain a `Domain=` attribute may give a cookie set by `host`, or undefined when the cookie
 * must be refused (RFC 6265 section 5.3 steps 5 and 6). A public suffix (`com`, `co.uk`,
 * `github.io`) is refused unless it is the host itself; an IP address matches only itself.
 */
function cookieDomain(host: string, attribute: string): { domain: string; hostOnly: boolean } | undefined {
  const wanted = attribute.replace(/^\./, '').toLowerCase();
  if (getPublicSuffix(wanted, { allowPrivateDomains: true }) === wanted) {
    return wanted === host ? { domain: host, hostOnly: true } : undefined;
  }
  if (host === wanted) return { domain: wanted, hostOnly: false };
  // A server may only set cookies for itself or a parent domain of itself; an address has no parent.
  return net.isIP(host) === 0 && host.endsWith(`.${wanted}`) ? { domain: wanted, hostOnly: false } : undefined;
}

export class RedirectCookies {
  private readonly jar = new Map<string, Cookie>();

  /** Takes the `Set-Cookie` headers of a response to a request for `url`. */
  store(url: URL, setCookie: string | string[] | undefined): void {
    if (setCookie === undefined) return;
    for (const line of Array.isArray(setCookie) ? setCookie : [setCookie]) this.storeOne(hostOf(url), line);
  }

  private storeOne(host: string, line: string): void {
    if (line.length > MAX_COOKIE_BYTES) return;
    const [pair = '', ...attributes] = line.split(';');
    const eq = pair.indexOf('=');
    if (eq <= 0) return;
    const name = pair.slice(0, eq).trim();
    const value = pair.slice(eq + 1).trim();
    let domain = host;
    let hostOnly = true;
    let secureOnly = false;
    let expired = false;
    for (const attribute of attributes) {
      const [rawKey = '', ...rest] = attribute.split('=');
      const key = rawKey.trim().toLowerCase();
      const attrValue = rest.join('=').trim();
      if (key === 'domain' && attrValue !== '') {
        const allowed = cookieDomain(host, attrValue);
        if (allowed === undefined) return;
        ({ domain, hostOnly } = allowed);
      } else if (key === 'secure') {
        secureOnly = true;
      } else if (key === 'max-age') {
        expired = Number(attrValue) <= 0;
      } else if (key === 'expires') {
        const at = Date.parse(attrValue);
        expired = Number.isFinite(at) && at <= Date.now();
      }
    }
    const id = `${domain}|${name}`;
    if (expired) {
      this.jar.delete(id);
      return;
    }
    if (!this.jar.has(id) && this.jar.size >= MAX_COOKIES) return;
    this.jar.set(id, { value, domain, hostOnly, secureOnly });
  }

  /** The `Cookie` header for a request to `url`, or undefined when no cookie applies. */
  headerFor(url: URL): string | undefined {
    const target = hostOf(url);
    const secure = url.protocol === 'https:';
    const pairs: string[] = [];
    for (const [id, cookie] of this.jar) {
      if (cookie.secureOnly && !secure) continue;
      const applies = cookie.hostOnly ? target === cookie.domain : target === cookie.domain || target.endsWith(`.${cookie.domain}`);
      if (applies) pairs.push(`${id.slice(id.indexOf('|') + 1)}=${cookie.value}`);
    }
    return pairs.length > 0 ? pairs.join('; ') : undefined;
  }
}
