/**
 * Run as its own process by a test: starts a LocalInvoker child, prints the child's pid, then dies
 * by SIGKILL (no cleanup code runs), so the test can check the child does not outlive it.
 */
import path from 'node:path';
import { LocalInvoker } from '../../../orchestrator/invokers/local';

async function main(): Promise<void> {
  const invoker = new LocalInvoker({ size: 1, workerModule: path.join(__dirname, 'echo.ts'), workerExport: 'echo' });
  const result = await invoker.invoke({ runId: 'orphan', chunkId: 'c', urls: ['http://127.0.0.1/x'] });
  const data = result.outcomes[0]?.ok ? result.outcomes[0].data : undefined;
  process.stdout.write(`${String(data?.pid)}\n`, () => process.kill(process.pid, 'SIGKILL'));
}

void main();
