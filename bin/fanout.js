#!/usr/bin/env node
'use strict';
// The AWS SDK warns on every Node 20 start that future SDK releases will need Node 22; the locked
// version works, and the warning would land in every run's stderr. Users can still opt back in.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
// The CLI is TypeScript run through tsx, so `npx fanout` works right after `npm ci` with no build step.
require('tsx/cjs');
require('../orchestrator/cli.ts').main(process.argv);
