// ESLint runs one rule only: typescript-eslint's type-aware no-floating-promises. Everything else is Biome's.
// Biome's own noFloatingPromises (nursery in 2.6) misses promises from Node's typings (node:fs/promises,
// node:timers/promises, node:stream/promises, events.once): it cannot see the checker's types.
import tseslint from 'typescript-eslint';

export default [
  // Build output (npm run build) and CDK's synth output are not sources.
  { ignores: ['dist/**', 'cdk.out/**', 'coverage/**'] },
  {
    files: ['{core,http,functions,orchestrator,cli,report,infra,scripts,bench,demo,test}/**/*.ts'],
    languageOptions: {
      parser: tseslint.parser,
      parserOptions: { project: './tsconfig.json', tsconfigRootDir: import.meta.dirname },
    },
    // The tree has eslint-disable comments for rules this config does not run; they are not errors here.
    linterOptions: { reportUnusedDisableDirectives: 'off' },
    plugins: { '@typescript-eslint': tseslint.plugin },
    rules: { '@typescript-eslint/no-floating-promises': 'error' },
  },
];
