/**
 * The renderer never runs a string as code. ESLint's own rules find the ways a string becomes code (eval, new Function
 * and Function(), string timers: no-eval, no-new-func, no-implied-eval), here run over what the browser actually gets,
 * the built out/renderer bundle (the app and every library in it), and over the renderer's and core's sources,
 * Svelte components compiled first. The CSP (checklist item 7) has no 'unsafe-eval', so the browser would refuse
 * anyway; this proves nothing relies on it. Svelte's {@html} and raw HTML sinks are refused in the sources too.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Linter } from 'eslint';
import globals from 'globals';
import { compile } from 'svelte/compiler';
import tseslint from 'typescript-eslint';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../..', import.meta.url));
const rules = { 'no-eval': 'error', 'no-implied-eval': 'error', 'no-new-func': 'error' } as const;
const linter = new Linter({ configType: 'flat' });
const browser = { ecmaVersion: 'latest', sourceType: 'module', globals: globals.browser } as const;

const filesUnder = (dir: string, pattern: RegExp): string[] =>
  readdirSync(join(root, dir), { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile() && pattern.test(entry.name))
    .map((entry) => relative(root, join(entry.parentPath, entry.name)));

/** Every place in `code` where a string would become code, as `file:line rule`. */
function dynamicCode(code: string, file: string, typescript = false): string[] {
  const languageOptions = typescript ? { ...browser, parser: tseslint.parser } : browser;
  const messages = linter.verify(code, [{ files: ['**/*.js', '**/*.mjs', '**/*.ts'], languageOptions, rules }], {
    filename: file,
  });
  // A message without a rule is a parse error: a file the scan cannot read must fail it, not pass it.
  return messages.map((m) => `${file}:${m.line} ${m.ruleId ?? `unparsed: ${m.message}`}`);
}

describe('no string is ever evaluated as code', () => {
  it('the scan finds each way of doing it (so a clean result means something)', () => {
    const bad = [
      'eval("1")',
      'window.eval("1")',
      'new Function("return 1")',
      'Function("return 1")()',
      'setTimeout("go()", 1)',
      'window.setInterval("go()" + 1, 1)',
    ];
    for (const line of bad) expect(dynamicCode(line, 'bad.js'), line).toHaveLength(1);
    expect(dynamicCode('setTimeout(() => go(), 1); const f = new Map();', 'good.js')).toEqual([]);
  });

  it('the built renderer bundle has none', () => {
    let files: string[];
    try {
      files = filesUnder('out/renderer', /\.m?js$/);
    } catch {
      throw new Error('out/renderer is missing: run `npm run build` first');
    }
    expect(files.length).toBeGreaterThan(0);
    const found = files.flatMap((file) => dynamicCode(readFileSync(join(root, file), 'utf8'), file));
    console.log(
      `no-string-code: ${files.length} bundle file(s), ${files.reduce((n, f) => n + readFileSync(join(root, f)).length, 0)} bytes scanned`,
    );
    expect(found).toEqual([]);
  });

  it('the renderer and core sources have none, Svelte components included', () => {
    const scripts = [...filesUnder('src-renderer', /\.ts$/), ...filesUnder('src-core', /\.ts$/)];
    const components = filesUnder('src-renderer', /\.svelte$/);
    const found = [
      ...scripts.flatMap((file) => dynamicCode(readFileSync(join(root, file), 'utf8'), file, true)),
      ...components.flatMap((file) =>
        dynamicCode(compile(readFileSync(join(root, file), 'utf8'), { filename: file }).js.code, `${file}.js`),
      ),
    ];
    console.log(`no-string-code: ${scripts.length} TypeScript and ${components.length} Svelte source files scanned`);
    expect(components.length).toBeGreaterThan(0);
    expect(found).toEqual([]);
  });

  it('no component writes raw HTML ({@html}, innerHTML, outerHTML, insertAdjacentHTML, document.write)', () => {
    const sinks = /\{@html\b|\.innerHTML\b|\.outerHTML\b|insertAdjacentHTML|document\.write/;
    const offenders = [...filesUnder('src-renderer', /\.(ts|svelte)$/)].filter((file) =>
      sinks.test(readFileSync(join(root, file), 'utf8')),
    );
    expect(offenders).toEqual([]);
  });
});
