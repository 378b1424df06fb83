#!/usr/bin/env node
'use strict';
// The AWS SDK warns on every Node 20 start that future SDK releases will need Node 22; the locked
// version works, and the warning would land in every run's stderr. Users can still opt back in.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

// Run the esbuild bundle of the CLI (rebuilt whenever a source is newer), or the TypeScript
// sources through tsx where no bundle can be written. Either way `npx fanout` works right after `npm ci`.
const bundle = require('./bundle').ensureBundle();
if (bundle) {
  // Source maps cost ~80 MB and a second of parsing: only for --verbose, where stacks are shown.
  if (process.argv.includes('--verbose')) process.setSourceMapsEnabled(true);
  require(bundle).main(process.argv);
} else {
  require('tsx/cjs');
  require('../cli/main.ts').main(process.argv);
}
