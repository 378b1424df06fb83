/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  globalSetup: '<rootDir>/test/global-setup.js',
  setupFiles: ['<rootDir>/test/setup-env.js'],
  transform: {
    // Type checking is `npm run typecheck` (tsc), so ts-jest only transpiles: much faster on 2 cores.
    '^.+\\.ts$': ['ts-jest', { diagnostics: false }],
  },
  testTimeout: 30000,
  maxWorkers: 2,
  // How long a worker may take to exit once jest is done with it before jest kills it and prints
  // "A worker process has failed to exit gracefully". No test leaves a handle open: a worker reaches
  // 'exit' within 1-2 ms of reading that request, with only its IPC and stdio pipes left. But on this
  // 2-core machine shared with other test runs, a worker's event loop (heap 250-400 MB by then) was
  // measured stalling for over a second, so it may not even read the request within the 500 ms
  // default. A real leak (a server, socket, child process or long timer) still shows after 5 s.
  workerGracefulExitTimeout: 5000,
};
