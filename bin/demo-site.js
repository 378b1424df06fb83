#!/usr/bin/env node
'use strict';
require('tsx/cjs');
require('../demo/serve-site.ts');
