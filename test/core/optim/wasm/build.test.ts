import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { buildBytes, moduleText, modules } from '../../../../scripts/build-wasm.mjs';

describe('the embedded WebAssembly', () => {
  it.each(modules)(
    '$output is what $source builds to (run npm run build:wasm after changing it)',
    async ({ source, output, name }) => {
      expect(await readFile(output, 'utf8')).toBe(moduleText(source, name, await buildBytes(source)));
    },
  );
});
