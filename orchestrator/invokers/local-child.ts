/**
 * The child process of LocalInvoker: loads the worker handler once (like a Lambda cold start),
 * then runs one chunk per `invoke` message and answers over IPC. Exits when the parent goes away.
 * The handler is called as `(event, context, onRecord)`: a streaming handler (the worker's
 * `streamHandler`) hands over each record as its URL ends, and those of one tick go in one message.
 *
 * argv: [workerModulePath, exportName]
 */
import type { Outcome } from '../../core/contract';
import type { SitemapRecord } from '../../core/sitemap-contract';
import { loadBundle } from './bundle-loader';
import type { ChildReply, HostLimitsMessage, InvokeMessage } from './local-protocol';

// With the IPC channel gone the parent is gone (or closed us): a child must never outlive it.
process.on('disconnect', () => process.exit(0));
// Ctrl-C in a terminal signals the whole process group: the parent decides when chunks stop
// (it finishes them within its grace period, then kills us), so the child must not die first.
process.on('SIGINT', () => {});

const [modulePath = '', exportName = 'handler'] = process.argv.slice(2);

type HostLimitsListener = (hostLimits: Readonly<Record<string, number>>, total?: number) => void;
interface ChildContext {
  getRemainingTimeInMillis(): number;
  onHostLimits(listener: HostLimitsListener): void;
}
/** Records are a chunk's outcomes or a `sitemaps` event's files: the child passes them on as they are. */
type WorkerRecord = Outcome | SitemapRecord;
type Handler = (event: unknown, context: ChildContext, onRecord: (record: WorkerRecord) => void) => Promise<unknown>;

/**
 * Raised host limits per running invocation: its listener once the handler has subscribed, and
 * the limits that came before it did (the handler starts a tick after its `invoke` arrives).
 */
const limits = new Map<number, { listener?: HostLimitsListener; early: HostLimitsMessage[] }>();

const loaded: Promise<Handler> = (async () => {
  // require, not import() (loadBundle falls back to it): with tsx's CJS hook only require compiles TypeScript.
  // Through the bundle's code cache when the build wrote one (a plain require otherwise).
  const mod = loadBundle(modulePath) as Record<string, unknown> & { default?: Record<string, unknown> };
  const handler = mod[exportName] ?? mod.default?.[exportName];
  if (typeof handler !== 'function') throw new Error(`worker module ${modulePath} has no function export "${exportName}"`);
  return handler as Handler;
})();
loaded.catch(() => {}); // reported per invoke, not as an unhandled rejection

function reply(message: ChildReply): void {
  process.send?.(message, undefined, {}, () => {}); // a closed channel means the parent is gone; disconnect exits
}

// The parent starts a chunk's clock only now, as Lambda does not count init against the timeout.
void loaded.finally(() => reply({ type: 'ready' })).catch(() => {});

/** Records waiting for the end of this tick, so a burst of fast pages costs one message. */
let batch: { id: number; records: WorkerRecord[] } | undefined;
function flush(): void {
  if (batch === undefined) return;
  reply({ type: 'records', ...batch });
  batch = undefined;
}
function onRecordOf(id: number): (record: WorkerRecord) => void {
  return (record) => {
    if (batch !== undefined && batch.id !== id) flush();
    if (batch === undefined) {
      batch = { id, records: [] };
      setImmediate(flush);
    }
    batch.records.push(record);
  };
}

process.on('message', (message: InvokeMessage | HostLimitsMessage) => {
  if (message?.type === 'host-limits') {
    const entry = limits.get(message.id);
    if (entry?.listener) entry.listener(message.hostLimits, message.total);
    else entry?.early.push(message);
    return;
  }
  if (message?.type !== 'invoke') return;
  const deadline = Date.now() + message.timeoutMs;
  const entry: { listener?: HostLimitsListener; early: HostLimitsMessage[] } = { early: [] };
  limits.set(message.id, entry);
  const context: ChildContext = {
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
    onHostLimits: (listener) => {
      entry.listener = listener;
      for (const early of entry.early.splice(0)) listener(early.hostLimits, early.total);
    },
  };
  loaded
    .then((handler) => handler(message.event, context, onRecordOf(message.id)))
    .then(
      (result) => {
        limits.delete(message.id);
        flush(); // IPC keeps order: the parent has every record before the answer
        reply({ type: 'result', id: message.id, result });
      },
      (error: unknown) => {
        limits.delete(message.id);
        flush();
        const e = error instanceof Error ? error : new Error(String(error));
        reply({ type: 'error', id: message.id, error: { name: e.name, message: e.message, stack: e.stack } });
      },
    );
});
