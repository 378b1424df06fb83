import pkg from '../package.json';

/** fanout's version, inlined from package.json at bundle time. */
export const VERSION: string = pkg.version;

/** The default User-Agent: names the tool and its version, as polite crawlers do. */
export const DEFAULT_USER_AGENT = `fanout/${VERSION} (+https://github.com/fanout-scraper/fanout)`;
