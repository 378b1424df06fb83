/** What one invocation of the orchestrator gets from outside: S3, the workers, the clock, the handover. */
import type { ContinueInput } from '../../core/schedule-input';
import type { Invoker } from '../../orchestrator';
import type { ObjectStore } from './object-store';

export interface OrchestrateDeps {
  store: ObjectStore;
  /** The worker invoker for this invocation, sized to the run's invoke concurrency; closed after use. */
  createInvoker: (concurrency: number) => Invoker;
  /** Milliseconds left in this invocation (context.getRemainingTimeInMillis). */
  remainingMs: () => number;
  /** The worker's timeout: a chunk started with less time left than this may not come back in time. */
  workerTimeoutMs: number;
  /** Async-invokes this function with `event` (a fresh 15 minutes). */
  continueWith: (event: ContinueInput) => Promise<void>;
  /** Names this invocation's part files, so a duplicate invocation never overwrites them. */
  requestId: string;
  /**
   * The stack's allowPrivate switch (core/deploy.ts privateNetworksAllowed): false refuses a run that
   * asks for allowPrivate, before its first robots.txt fetch and again at every continuation.
   */
  allowPrivate: boolean;
  now?: () => Date;
  /**
   * Starts one of the time budget's timers; returns what cancels it. Tests pass a virtual clock's,
   * so which way a budget goes does not depend on how fast the machine is. @default setTimeout
   */
  setTimer?: (callback: () => void, ms: number) => () => void;
}
