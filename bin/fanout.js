#!/usr/bin/env node
'use strict';
// The AWS SDK warns on every Node 20 start that future SDK releases will need Node 22; the locked
// version works, and the warning would land in every run's stderr. Users can still opt back in.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

// dist/ holds the esbuild bundles that `npm ci` builds (scripts/build.js). Where it is missing or
// older than a source (an edited checkout), the TypeScript sources run through tsx instead: slower
// to start, never stale. Nothing is written here, so a read-only install works either way.
const verbose = process.argv.includes('--verbose');
const build = require('../scripts/build');
const stale = build.staleReason();
if (stale === null) {
  // A local run's workers start now, loading while the CLI does (cli/prestart.ts).
  require(`${build.DIST}/prestart.js`).prestart(process.argv);
  // Source maps cost ~80 MB and a second of parsing: only for --verbose, where stacks are shown.
  if (verbose) process.setSourceMapsEnabled(true);
  // Through its V8 code cache (written by the build), which roughly halves loading the bundle;
  // --verbose takes plain require, the path Node's source maps are sure to follow.
  const cli = `${build.DIST}/cli.js`;
  (verbose ? require(cli) : require(`${build.DIST}/bundle-loader.js`).loadBundle(cli)).main(process.argv);
} else {
  if (verbose) process.stderr.write(`fanout: ${stale}; running the sources through tsx (npm run build to rebuild dist/)\n`);
  require('tsx/cjs');
  require('../cli/main.ts').main(process.argv);
}
