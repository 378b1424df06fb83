/**
 * Runs the bench site in its own process, so its CPU is measured apart from the scraper's (both
 * share the machine's cores: the site's CPU is part of the budget every scraper here competes for).
 *
 * IPC: parent sends `{ type: 'stats' }`, child answers `{ type: 'stats', cpuS, served }`.
 * argv: [latencyMs, hosts]. First message out: `{ type: 'ready', origins }`. Exits with its parent.
 */
import { startBenchSite } from './site';

export type SiteMessage = { type: 'ready'; origins: string[] } | { type: 'stats'; cpuS: number; served: number };

process.on('disconnect', () => process.exit(0));

const [latencyMs = '50', hosts = '16'] = process.argv.slice(2);

void startBenchSite({ latencyMs: Number(latencyMs), hosts: Number(hosts) }).then((site) => {
  process.on('message', (message: { type?: string }) => {
    if (message?.type !== 'stats') return;
    const cpu = process.cpuUsage();
    process.send?.({ type: 'stats', cpuS: (cpu.user + cpu.system) / 1e6, served: site.served } satisfies SiteMessage);
  });
  process.send?.({ type: 'ready', origins: [...site.origins] } satisfies SiteMessage);
});
