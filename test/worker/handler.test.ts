import { closeAgents } from '../../http/agent';
import { WorkerResultSchema } from '../../core/contract';
import { PrivateNetworkForbiddenError } from '../../core/deploy';
import { InvalidEventError } from '../../core/errors';
import { handler } from '../../functions/worker/handler';
import { startDemoSite, type DemoSite } from '../../demo/site';

let site: DemoSite;
beforeAll(async () => {
  site = await startDemoSite({ pages: 5 });
});
afterAll(async () => {
  await site.close();
  await closeAgents();
});

describe('worker handler', () => {
  it.each([
    ['missing urls', { runId: 'r', chunkId: 'c' }, /urls/],
    ['empty urls', { runId: 'r', chunkId: 'c', urls: [] }, /urls/],
    ['bad option', { runId: 'r', chunkId: 'c', urls: ['http://x/'], options: { perHost: 0 } }, /options\.perHost/],
    ['bad spec field', { runId: 'r', chunkId: 'c', urls: ['http://x/'], options: { extract: { price: { selector: '' } } } }, /options\.extract\.price\.selector/],
    ['not an object', 'hello', /\(root\)/],
  ])('rejects an event with %s, naming the path', async (_name, event, message) => {
    await expect(handler(event)).rejects.toThrow(InvalidEventError);
    await expect(handler(event)).rejects.toThrow(message);
  });

  it('scrapes the chunk and returns a valid WorkerResult', async () => {
    const urls = [...site.urls(3), 'nope'];
    const result = await handler({ runId: 'run-1', chunkId: 'chunk-7', urls, options: { allowPrivate: true } });
    expect(WorkerResultSchema.parse(result)).toStrictEqual(result);
    expect(result).toMatchObject({ runId: 'run-1', chunkId: 'chunk-7', unstarted: [], stats: { ok: 3, failed: 1 } });
    expect(result.outcomes.map((o) => o.url).sort()).toStrictEqual([...urls].sort());
  });

  it('leaves URLs unstarted when the Lambda has too little time left', async () => {
    const urls = site.urls(2);
    const result = await handler({ runId: 'r', chunkId: 'c', urls, options: { allowPrivate: true } }, { getRemainingTimeInMillis: () => 6_000 });
    // 6 s remaining minus the 5 s answer margin leaves 1 s, less than the default 30 s timeoutMs.
    expect(result.outcomes).toStrictEqual([]);
    expect(result.unstarted).toStrictEqual(urls);
  });

  it('refuses an allowPrivate event when the deployment forbids it, saying how to allow it', async () => {
    const event = { runId: 'r', chunkId: 'c', urls: site.urls(1), options: { allowPrivate: true } };
    await expect(handler(event, undefined, { allowPrivate: false })).rejects.toThrow(PrivateNetworkForbiddenError);
    await expect(handler(event, undefined, { allowPrivate: false })).rejects.toThrow(/refuses allowPrivate: .*npx cdk deploy -c allowPrivate=true/);
  });

  it('runs an event without allowPrivate where the deployment forbids it: the SSRF guard blocks loopback', async () => {
    const result = await handler({ runId: 'r', chunkId: 'c', urls: site.urls(1) }, undefined, { allowPrivate: false });
    expect(result.outcomes).toStrictEqual([expect.objectContaining({ ok: false, error: expect.objectContaining({ kind: 'blocked' }) })]);
  });
});
