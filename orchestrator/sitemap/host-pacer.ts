/**
 * Sitemap politeness per host, shared by the orchestrator's own fetches and the workers' events:
 * when a host may be asked again (the end of its last fetch plus its robots.txt Crawl-delay).
 */
export class HostPacer {
  private readonly nextAt = new Map<string, number>();

  /** Epoch ms from which `host` may be fetched (0: now). */
  readyAt(host: string): number {
    return this.nextAt.get(host) ?? 0;
  }

  /** Waits until `host` may be fetched. */
  async wait(host: string): Promise<void> {
    const waitMs = this.readyAt(host) - Date.now();
    if (waitMs > 0) await new Promise((resolve) => setTimeout(resolve, waitMs));
  }

  /** A fetch (or a worker's run of fetches) to `host` has ended: the next waits `delayMs`. */
  done(host: string, delayMs: number): void {
    if (delayMs > 0) this.nextAt.set(host, Math.max(this.readyAt(host), Date.now() + delayMs));
  }
}
