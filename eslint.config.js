// Lint: typescript-eslint's strict type-checked rules everywhere, and the import directions of
// src/ (docs/architecture.md) enforced by eslint-plugin-boundaries. Formatting is Prettier's.
import js from '@eslint/js';
import boundaries from 'eslint-plugin-boundaries';
import prettier from 'eslint-config-prettier';
import globals from 'globals';
import tseslint from 'typescript-eslint';

/** The folders of src/ and what each may import (anything not listed is refused). */
const elements = [
  { type: 'domain', pattern: 'src/domain/**' },
  { type: 'test-cards', pattern: 'src/test-cards/**' },
  { type: 'acquirer-protocol', pattern: 'src/connectors/http-acquirer/protocol.ts', mode: 'file' },
  { type: 'connectors', pattern: 'src/connectors/**' },
  { type: 'store', pattern: 'src/store/**' },
  { type: 'core', pattern: 'src/core/**' },
  { type: 'jobs', pattern: 'src/jobs/**' },
  { type: 'webhooks', pattern: 'src/webhooks/**' },
  { type: 'pinelabs', pattern: 'src/api/pinelabs/**' },
  { type: 'juspay', pattern: 'src/api/juspay/**' },
  { type: 'hosted', pattern: 'src/api/hosted/**' },
  { type: 'api', pattern: 'src/api/*.ts', mode: 'file' },
  { type: 'acquirer', pattern: 'src/acquirer/**' },
  { type: 'metrics', pattern: 'src/metrics/**' },
  { type: 'cli', pattern: 'src/cli/**' },
  { type: 'root', pattern: 'src/*.ts', mode: 'file' },
];

const allow = (from, ...to) => ({ from: [from], allow: to });

export default tseslint.config(
  { ignores: ['dist/', 'node_modules/', 'bench/results/', '.holdfast/', 'test/juspay/fixtures/', 'coverage/', 'test-artifacts/'] },
  js.configs.recommended,
  ...tseslint.configs.strictTypeChecked,
  {
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      // Numbers and booleans in messages are what they say.
      '@typescript-eslint/restrict-template-expressions': ['error', { allowNumber: true, allowBoolean: true }],
      // Fastify plugins and hooks, and connectors, implement promise-returning contracts with async
      // functions whether or not they await: that is the contract's shape, not a mistake.
      '@typescript-eslint/require-await': 'off',
      // node:test's describe/it return promises the runner itself awaits.
      '@typescript-eslint/no-floating-promises': [
        'error',
        { allowForKnownSafeCalls: [{ from: 'package', name: ['describe', 'it', 'test', 'suite'], package: 'node:test' }] },
      ],
    },
  },
  {
    // Tests read the server's JSON answers field by field: typing every body would restate the
    // wire formats the tests exist to check, so values from a parsed body may be `any` there; a
    // non-null assertion that is wrong fails the test, which is what it should do.
    files: ['test/**/*.ts'],
    rules: {
      '@typescript-eslint/no-explicit-any': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
      '@typescript-eslint/no-non-null-assertion': 'off',
    },
  },
  {
    files: ['src/**/*.ts'],
    plugins: { boundaries },
    settings: {
      'boundaries/elements': elements,
      'boundaries/include': ['src/**/*.ts'],
      'import/resolver': { typescript: { project: './tsconfig.json' } },
    },
    rules: {
      'boundaries/element-types': [
        'error',
        {
          default: 'disallow',
          rules: [
            allow('domain', 'domain'),
            allow('test-cards', 'test-cards', 'domain'),
            allow('acquirer-protocol'),
            allow('connectors', 'connectors', 'acquirer-protocol', 'test-cards', 'domain'),
            allow('store', 'store', 'domain'),
            allow('core', 'core', 'store', 'connectors', 'domain'),
            allow('jobs', 'jobs', 'store', 'domain'),
            allow('webhooks', 'webhooks', 'jobs', 'core', 'store', 'domain'),
            // The sandbox panel lists the test-card table (api/hosted/sandbox-cards.ts).
            allow('hosted', 'hosted', 'api', 'core', 'test-cards', 'domain'),
            allow('pinelabs', 'pinelabs', 'hosted', 'api', 'core', 'webhooks', 'domain'),
            allow('juspay', 'juspay', 'hosted', 'api', 'core', 'webhooks', 'domain'),
            allow('api', 'api', 'hosted', 'core', 'webhooks', 'domain'),
            allow('acquirer', 'acquirer', 'acquirer-protocol', 'test-cards'),
            allow('metrics', 'metrics', 'root', 'connectors', 'webhooks', 'store', 'domain'),
            allow('cli', 'cli', 'root', 'acquirer', 'core', 'webhooks', 'domain', 'store', 'metrics'),
            allow(
              'root',
              'root',
              'metrics',
              'api',
              'pinelabs',
              'juspay',
              'hosted',
              'core',
              'connectors',
              'jobs',
              'webhooks',
              'store',
              'domain',
            ),
          ],
        },
      ],
    },
  },
  { files: ['**/*.js', '**/*.mjs', '**/*.cjs'], ...tseslint.configs.disableTypeChecked },
  // The hosted pages' script and the dashboard (web/dashboard/, React) run in the browser.
  { files: ['web/**/*.ts', 'web/**/*.tsx'], languageOptions: { globals: globals.browser } },
  {
    // React's event props take `() => setX(…)`: a handler's void result is never read.
    files: ['web/**/*.tsx'],
    rules: { '@typescript-eslint/no-confusing-void-expression': ['error', { ignoreArrowShorthand: true }] },
  },
  // Plain JavaScript files are Node scripts.
  { files: ['**/*.js', '**/*.mjs', '**/*.cjs'], languageOptions: { globals: globals.node } },
  prettier,
);
