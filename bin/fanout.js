#!/usr/bin/env node
'use strict';
// The CLI is TypeScript run through tsx, so `npx fanout` works right after `npm ci` with no build step.
require('tsx/cjs');
require('../orchestrator/cli.ts').main(process.argv);
