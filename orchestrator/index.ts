/**
 * The engine as a library: read a list, chunk it, run the chunks on an invoker with the run-wide
 * host budget and robots.txt, and get one outcome per URL as they complete. Takes typed options
 * only; the CLI (cli/) and the scheduled-run function (functions/scheduled-run/) are its callers.
 *
 * The Lambda invoker is a separate entry, `orchestrator/invokers/lambda`, so that importing the
 * engine does not load the AWS SDK.
 */
export { readUrls, ListError, type UrlList, type UrlListCounts, type ListErrorReason } from './read-urls';
export { chunkUrls, defaultChunkSize, MIN_CHUNK_SIZE, MAX_CHUNK_SIZE } from './chunk';
export { runChunks, RunAbortedError, type Run, type RunOptions, type RunProgress, type ChunkErrorInfo } from './run';
export { runUrls, type RunUrlsOptions, type RunUrlsResult } from './run-urls';
export { HostBudget, type HostBudgetOptions } from './host-budget';
export { preparePoliteness, createHostBudget, type Politeness, type PolitenessOptions } from './politeness';
export { RobotsCache, type RobotsOptions } from './robots';
export { KnownRobots } from './chunk-robots';
export { InvokeError, type Invoker, type InvokeFailureReason } from './invoker';
export { LocalInvoker, type LocalInvokerOptions } from './invokers/local';
export { LambdaUsageMeter, type LambdaUsage } from './lambda-usage';
