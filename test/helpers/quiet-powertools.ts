/**
 * Import first in a test that loads a Powertools-wrapped handler: Powertools reads these at module
 * load, and without them every chunk prints a log line and an EMF document on the test's stdout.
 * (Jest gives each test file its own copy of process.env.)
 */
process.env.POWERTOOLS_LOG_LEVEL = 'SILENT';
process.env.POWERTOOLS_METRICS_DISABLED = 'true';
process.env.POWERTOOLS_METRICS_NAMESPACE = 'fanout';
process.env.POWERTOOLS_SERVICE_NAME = 'fanout-worker';
