/**
 * The two URL lists every scraper runs, and who runs on each with which limits.
 *
 * - One host, every scraper at 64 requests in flight per host (fanout `--per-host 64`, Scrapy
 *   `--concurrency 64`, Crawlee started at 64): equal terms. The seeds run as the article wrote
 *   them (1 and 4 in flight); fanout's defaults (per-host 8) are an extra row, as users meet them.
 * - `hosts` hosts (ports), every scraper at its defaults, where fanout's per-host 8 is not what
 *   binds it. The stand-ins run here too, labelled, and the sweep's best point joins this list.
 * Each list has a fetch floor at the limits of its fanout row.
 */
import { crawlee, fanout, scrapy, seedPool, seedSequential, standIn, type ScraperSpec } from './peers';
import type { ListResult } from './report-types';
import { fanoutDefaults, fanoutInFlight } from './scenarios';

export interface ListSpec {
  id: ListResult['id'];
  title: string;
  hosts: number;
  scrapers: ScraperSpec[];
  /** The fetch floor's limits: requests in flight in total and per host. */
  floor: { total: number; perHost: number };
}

/** Per-host limit of the one-host list, for every scraper that has one. */
export const ONE_HOST_PER_HOST = 64;

export function benchLists(pages: number, hosts: number, fanoutRepeats: number): ListSpec[] {
  const defaults = fanoutDefaults(pages);
  return [
    {
      id: 'one-host',
      title: `One host, every scraper at ${ONE_HOST_PER_HOST} in flight per host`,
      hosts: 1,
      scrapers: [
        seedSequential(),
        seedPool(4),
        scrapy(ONE_HOST_PER_HOST),
        crawlee(ONE_HOST_PER_HOST, ONE_HOST_PER_HOST),
        fanout('fanout-per-host-64', 'fanout', { perHost: ONE_HOST_PER_HOST }, pages, 1, fanoutRepeats),
        fanout('fanout-defaults', 'fanout, defaults (per-host 8)', {}, pages, 1, fanoutRepeats),
      ],
      floor: { total: ONE_HOST_PER_HOST, perHost: ONE_HOST_PER_HOST },
    },
    {
      id: 'hosts',
      title: `${hosts} hosts (ports), every scraper at its defaults`,
      hosts,
      scrapers: [
        seedSequential(),
        seedPool(4),
        scrapy(),
        crawlee(),
        fanout('fanout-defaults', 'fanout, defaults', {}, pages, hosts, fanoutRepeats),
        standIn('sequential'),
        standIn('pool', 4),
      ],
      floor: { total: fanoutInFlight(defaults, hosts), perHost: defaults.perHost },
    },
  ];
}
