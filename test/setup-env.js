'use strict';
// Runs in every test file's environment before its modules load (jest `setupFiles`); child
// processes the tests spawn inherit it through process.env.

// The deployed functions refuse allowPrivate unless their stack allows it (FANOUT_ALLOW_PRIVATE,
// core/deploy.ts). Tests drive them against loopback sites, as a stack deployed with
// `-c allowPrivate=true` would be; the tests of the refusal set it to false themselves.
process.env.FANOUT_ALLOW_PRIVATE ??= 'true';

// On Node 20 the AWS SDK warns, once per process, that its releases after January 2027 need
// Node 22; the locked SDK works here (package.json engines), so the 8-line warning is noise on
// every test worker's stderr. This is the SDK's own switch (aws/aws-sdk-js-v3#7983); bin/fanout.js
// sets it for the CLI.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
