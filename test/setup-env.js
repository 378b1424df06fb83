'use strict';
// Runs in every test file's environment before its modules load (jest `setupFiles`); child
// processes the tests spawn inherit it through process.env.

// The deployed functions refuse allowPrivate unless their stack allows it (FANOUT_ALLOW_PRIVATE,
// core/deploy.ts). Tests drive them against loopback sites, as a stack deployed with
// `-c allowPrivate=true` would be; the tests of the refusal set it to false themselves.
process.env.FANOUT_ALLOW_PRIVATE ??= 'true';
