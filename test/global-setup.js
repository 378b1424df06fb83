'use strict';
// Tests that spawn bin/fanout.js should run the bundles users run, built from the sources under
// test: build dist/ once here when it is missing or older than a source (bin/fanout.js would
// otherwise fall back to tsx, which tests the sources but not the build).
const { build, staleReason } = require('../scripts/build');

module.exports = () => {
  if (staleReason() !== null) build();
};
