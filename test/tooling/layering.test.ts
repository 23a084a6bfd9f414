// The layers' import allow-lists (eslint.config.js, eslint-rules/imports-allow-list.js) refuse and admit what
// docs/architecture.md says, checked by linting small snippets as if they were files inside each layer.
import { beforeAll, describe, expect, it } from 'vitest';
import { ESLint } from 'eslint';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../..', import.meta.url));
const eslint = new ESLint({ cwd: root });
const rule = 'layers/imports-allow-list';

/** The allow-list's complaints about `code` linted as `file` (a path in the repository; it need not exist). */
async function refusals(file: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath: `${root}/${file}` });
  return result.messages.filter((message) => message.ruleId === rule).map((message) => message.message);
}

const importOf = (specifier: string) => `import '${specifier}';\n`;

interface Layer {
  file: string;
  refused: string[];
  allowed: string[];
}

const layers: Record<string, Layer> = {
  'src-core': {
    file: 'src-core/run/example.ts',
    refused: [
      'ws',
      'electron',
      'svelte',
      'dexie',
      'node:fs',
      'fs',
      '../../src-main/pool',
      '../../src-renderer/lib/storage/db',
      '../../test/helpers/seeds',
      '../../package.json',
      '../../../elsewhere',
    ],
    allowed: ['valibot', './execute', '../contract/types', '../optim/wasm/module', '../../src-core/contract/api'],
  },
  'src-renderer': {
    file: 'src-renderer/lib/state/example.ts',
    refused: [
      '../../../src-main/x',
      '../../../src-main/pool',
      'node:fs',
      'node:path',
      'fs',
      'electron',
      'ws',
      'piscina',
      '../../../test/helpers/seeds',
    ],
    allowed: [
      'svelte',
      'dexie',
      'chart.js',
      'chart.js/auto',
      'chartjs-chart-matrix',
      'chartjs-plugin-zoom',
      '../storage/db',
      '../../app.css',
      '../../../src-core/contract/types',
      './per-step.worker.ts?worker',
    ],
  },
  'src-main': {
    file: 'src-main/serve/example.ts',
    refused: [
      '../../src-renderer/lib/storage/db',
      'svelte',
      'dexie',
      'chart.js',
      '../../bench/measure',
      '../../e2e/flows',
    ],
    allowed: [
      'node:fs',
      'node:fs/promises',
      'electron',
      'piscina',
      'ws',
      'valibot',
      './server',
      '../pool',
      '../../src-core/run/execute',
    ],
  },
  'the preload': {
    file: 'src-main/preload.ts',
    refused: ['piscina', 'ws', 'node:fs', 'valibot', './pool', '../src-core/run/execute', '../src-renderer/main'],
    allowed: ['electron', '../src-core/contract/channels', '../src-core/contract/api'],
  },
};

describe('layer import allow-lists', () => {
  // Loading the config (typescript-eslint, the Svelte parser) takes seconds on a busy machine: once, up front.
  beforeAll(() => eslint.lintText('', { filePath: `${root}/src-core/example.ts` }), 60_000);

  for (const [name, { file, refused, allowed }] of Object.entries(layers)) {
    describe(name, () => {
      it.each(refused)(`refuses '%s'`, async (specifier) => {
        const messages = await refusals(file, importOf(specifier));
        expect(messages).toHaveLength(1);
        expect(messages[0]).toContain(`${name} may import only`);
      });

      it('admits its own folders, the layers below it and its packages', async () => {
        expect(await refusals(file, allowed.map(importOf).join(''))).toEqual([]);
      });
    });
  }

  it('checks every form of import: type-only, re-exports, dynamic, require and import types', async () => {
    const code = [
      "import type { WebSocket } from 'ws';",
      "import * as electron from 'electron';",
      "export { Piscina } from 'piscina';",
      "export * from '../../src-main/pool';",
      "export const lazy = () => import('node:fs');",
      "export const required = require('node:path');",
      "export type Socket = import('ws').WebSocket;",
      "import fs = require('fs');",
      'export { electron, fs };',
      'export type { WebSocket };',
    ].join('\n');
    expect(await refusals('src-core/run/example.ts', code)).toHaveLength(8);
  });

  it('refuses an import whose specifier it cannot read', async () => {
    const messages = await refusals('src-core/run/example.ts', 'export const load = (name: string) => import(name);');
    expect(messages).toEqual([expect.stringContaining('not a string literal')]);
  });

  it('reads the imports of a Svelte component', async () => {
    const component = (specifier: string) => `<script lang="ts">\n  import '${specifier}';\n</script>\n<p>x</p>\n`;
    const file = 'src-renderer/components/runs/Example.svelte';
    expect(await refusals(file, component('node:fs'))).toHaveLength(1);
    expect(await refusals(file, component('../../../src-main/pool'))).toHaveLength(1);
    expect(await refusals(file, component('../../lib/state/lab.svelte'))).toEqual([]);
    expect(await refusals(file, component('svelte'))).toEqual([]);
  });

  it('leaves files outside the layers alone', async () => {
    expect(await refusals('test/example.test.ts', importOf('../src-main/pool') + importOf('node:fs'))).toEqual([]);
  });
});
