/**
 * The layer rules: folders import downward only, so the import graph is a DAG.
 *
 *   cli, functions/scheduled-run -> orchestrator -> http -> core
 *   functions/worker -> http -> core;  report -> core;  infra -> core (schemas only)
 *   scripts, bench, demo: anything but test/;  test: anything
 *
 * `npm run deps` checks them (a violation fails it); `npm run deps:graph` prints the folder edges.
 * Type-only imports count for the layers (a type from cli/ in orchestrator/ is still a coupling),
 * but not for not-to-dev-dep (they are erased before anything runs).
 */

/** A module in one of the repo's source folders (not an npm package, not a node built-in). */
const REPO = '^(core|http|functions|orchestrator|cli|report|infra|scripts|bench|demo|test|bin)/';

/** Code that runs in production: the CLI, the Lambda functions and everything they import. */
const PRODUCTION = '^(core|http|functions|orchestrator|cli|report)/';

/**
 * The core modules infra/ may import: the zod schemas and the side-effect-free constants and error
 * classes beside them. A new one is listed here on purpose.
 */
const CORE_SCHEMAS = '^core/(contract|schedule-input|run-control|extract-spec|zod-error|summary|deploy|errors)\\.ts$';

/** npm packages that do I/O or hold sockets at run time; infra/ (CDK synth) must not load them. */
const RUNTIME_PACKAGES = 'node_modules/(undici|@aws-sdk|@aws-lambda-powertools|cheerio|htmlparser2|ipaddr\\.js)/';

/** `from` may import its own folder, the folders named in `allowed`, and anything outside the repo. */
function layer(name, from, allowed, comment) {
  const own = [from, ...allowed].map((folder) => folder.replace(/\/$/, '')).join('|');
  return { name, comment, severity: 'error', from: { path: `^${from}` }, to: { path: REPO, pathNot: `^(${own})/` } };
}

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      comment: 'A module may not (indirectly) import itself: cycles make load order and layering fragile.',
      severity: 'error',
      from: {},
      to: { circular: true },
    },
    {
      name: 'no-folder-cycle',
      comment:
        'The folder graph is a DAG too: no two folders import each other, even through different modules. Test folders may; ' +
        'the self-loop exception is for the node built-in "http", which dependency-cruiser files under the same name as http/.',
      severity: 'error',
      scope: 'folder',
      from: { path: '^(.+)$', pathNot: '^test(/|$)' },
      to: { circular: true, pathNot: '^$1$' },
    },
    layer('core-imports-nothing', 'core/', [], 'core/ is the wire: it imports no other folder of the repo (package.json is allowed).'),
    layer('http-only-core', 'http/', ['core/'], 'http/ (the one fetch path) builds on core/ only.'),
    layer('worker-only-http-core', 'functions/worker/', ['http/', 'core/'], 'The worker Lambda is fetch (http/) + parse over core/ types.'),
    layer('orchestrator-only-http-core', 'orchestrator/', ['http/', 'core/'], 'The engine is a library: never cli/, report/ or functions/.'),
    layer('report-only-core', 'report/', ['core/'], 'report/ aggregates and renders records: core/ only.'),
    layer('cli-no-functions', 'cli/', ['orchestrator/', 'report/', 'http/', 'core/'], 'cli/ never imports functions/: the local invoker starts the worker bundle by path.'),
    layer(
      'scheduled-run-layers',
      'functions/scheduled-run/',
      ['orchestrator/', 'report/', 'http/', 'core/'],
      'The scheduled run is a thin adapter over the engine and the report.',
    ),
    layer('infra-only-core', 'infra/', ['core/'], 'infra/ (CDK) shares the wire schemas with the code, nothing else.'),
    {
      name: 'infra-only-core-schemas',
      comment: `Of core/, infra/ imports only schema modules (${CORE_SCHEMAS}).`,
      severity: 'error',
      from: { path: '^infra/' },
      to: { path: '^core/', pathNot: CORE_SCHEMAS },
    },
    {
      name: 'infra-no-runtime-code',
      comment: 'cdk synth (infra/bin/app.ts) must not load, even indirectly, code that fetches, invokes or parses.',
      severity: 'error',
      from: { path: '^infra/bin/' },
      to: { reachable: true, path: [`^(http|functions|orchestrator|cli|report)/`, RUNTIME_PACKAGES] },
    },
    {
      name: 'not-to-test',
      comment: 'Only tests import test/ (helpers, fixtures, fake workers); scripts/, bench/ and demo/ included.',
      severity: 'error',
      from: { pathNot: '^test/' },
      to: { path: '^test/' },
    },
    {
      name: 'not-to-dev-dep',
      comment: 'Production code (core, http, functions, orchestrator, cli, report) imports only "dependencies"; type-only imports are erased and allowed.',
      severity: 'error',
      from: { path: PRODUCTION },
      to: { dependencyTypes: ['npm-dev'], dependencyTypesNot: ['type-only'], pathNot: ['node_modules/@types/'] },
    },
    {
      name: 'no-non-package-json',
      comment: 'An npm package imported but not in package.json works only by accident of hoisting.',
      severity: 'error',
      from: {},
      to: { dependencyTypes: ['npm-no-pkg', 'npm-unknown'] },
    },
    {
      name: 'not-to-unresolvable',
      comment: 'An import that does not resolve would also hide its edge from every rule above.',
      severity: 'error',
      from: {},
      to: { couldNotResolve: true },
    },
  ],
  options: {
    doNotFollow: { path: ['node_modules'] },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'require', 'node', 'default', 'types'],
      extensions: ['.ts', '.js', '.cjs', '.mjs', '.json'],
      mainFields: ['main', 'types', 'typings'],
    },
    skipAnalysisNotInRules: true,
    reporterOptions: {
      text: { highlightFocused: true },
    },
  },
};
