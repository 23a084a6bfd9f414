// Layering rules live here as well as in each layer's tsconfig: an import outside a layer's allow-list fails
// `npm run lint` (test/tooling/layering.test.ts proves each list refuses and admits what it should).
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import svelte from 'eslint-plugin-svelte';
import globals from 'globals';
import layers from './eslint-rules/imports-allow-list.js';

const root = import.meta.dirname;

/** What each layer may import: repository folders and package names ('node:*': Node's built-ins). */
export const allowLists = {
  core: { layer: 'src-core', folders: ['src-core'], packages: ['valibot'] },
  renderer: {
    layer: 'src-renderer',
    folders: ['src-renderer', 'src-core'],
    packages: ['svelte', 'dexie', 'chart.js', 'chartjs-chart-matrix', 'chartjs-plugin-zoom'],
  },
  main: {
    layer: 'src-main',
    folders: ['src-main', 'src-core'],
    packages: ['node:*', 'electron', 'piscina', 'ws', 'valibot', 'bullmq', 'ioredis'],
  },
  // Built alone, as CommonJS, for the sandbox: the contract's channels and types, and electron's contextBridge.
  preload: { layer: 'the preload', folders: ['src-core/contract'], packages: ['electron'] },
};

const allowList = (name) => ({ 'layers/imports-allow-list': ['error', { root, ...allowLists[name] }] });

export default tseslint.config(
  {
    ignores: [
      'out/**',
      'dist/**',
      'node_modules/**',
      'test-results/**',
      'playwright-report/**',
      'e2e/artifacts/**',
      'bench/results/**',
      'bench/ui/results/**',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  ...svelte.configs.recommended,
  {
    plugins: { layers },
    languageOptions: { globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', ignoreRestSiblings: true },
      ],
      'no-eval': 'error',
      'no-implied-eval': 'error',
      'no-new-func': 'error',
    },
  },
  {
    // Components and rune modules: svelte-eslint-parser, with TypeScript's parser for `<script lang="ts">`.
    files: ['**/*.svelte', '**/*.svelte.ts'],
    languageOptions: {
      parserOptions: { parser: tseslint.parser, extraFileExtensions: ['.svelte'] },
    },
    rules: {
      // The state classes keep plain Maps and Sets on purpose: indexes and queues that are not shown, published to
      // the view through `$state.raw` fields when they change (RunList republishes at most every 200 ms), so that a
      // streaming sweep does not make every change reactive. A SvelteMap there would undo that.
      'svelte/prefer-svelte-reactivity': 'off',
      // A hint that quotes a word ({'"default", or …'}) reads best as a mustache; the rule's fix (&quot;) reads worse,
      // and a single-quoted attribute holding double quotes is printed broken by prettier-plugin-svelte.
      'svelte/no-useless-mustaches': 'off',
    },
  },
  {
    files: ['src-core/**/*.ts'],
    languageOptions: { globals: {} },
    rules: allowList('core'),
  },
  {
    files: ['src-renderer/**/*.ts', 'src-renderer/**/*.svelte'],
    languageOptions: { globals: { ...globals.browser } },
    rules: allowList('renderer'),
  },
  {
    files: ['src-main/**/*.ts'],
    rules: allowList('main'),
  },
  {
    files: ['src-main/preload.ts'],
    rules: allowList('preload'),
  },
);
