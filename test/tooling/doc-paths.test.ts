// Every repository path that README.md, docs/*.md and the source comments name exists, so a move or a rename cannot
// leave a pointer behind. Two kinds of mention are checked:
//   - a path from a top-level folder (`src-core/run/execute.ts`, `test/fuzz/`, `src-core/**`, `e2e/reliability-*.spec.ts`;
//     a glob must match something), and a relative link in markdown ([text](performance.md));
//   - a file name with a source extension (`lanes.ts`, `lib/transport/client.ts`, `./trace-storage.ts`): it must be
//     a file next to the mention or the end of some repository path.
// Build outputs (out/, dist/) and ignored result folders are not repository paths.
import { describe, expect, it } from 'vitest';
import { readFileSync, readdirSync } from 'node:fs';
import { join, posix } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

const root = fileURLToPath(new URL('../..', import.meta.url));

/** Folders that are not the repository's own files: installed packages, builds, test and benchmark results. */
const notRepository = new Set([
  '.git',
  'node_modules',
  'out',
  'dist',
  'test-results',
  'playwright-report',
  'e2e/artifacts',
  'bench/results',
  'bench/ui/results',
  '.vite',
]);

function walk(dir: string, into: string[] = []): string[] {
  for (const entry of readdirSync(join(root, dir), { withFileTypes: true })) {
    const path = dir ? `${dir}/${entry.name}` : entry.name;
    if (notRepository.has(path)) continue;
    if (entry.isDirectory()) walk(path, into);
    else into.push(path);
  }
  return into;
}

const files = walk('');
const fileSet = new Set(files);
/** Every folder that holds a file: `src-core`, `src-core/run`, … */
const folders = new Set(
  files.flatMap((file) => {
    const parts = file.split('/');
    return parts.slice(1).map((_, i) => parts.slice(0, i + 1).join('/'));
  }),
);

const topLevel = ['src-core', 'src-main', 'src-renderer', 'test', 'e2e', 'bench', 'scripts', 'docs', 'wasm', '.ci'];
/** Source extensions: a bare `sweep.json` or `Chart.js` is an example or a name, not a pointer into the repository. */
const extensions = 'ts|mts|svelte|mjs|cjs|css';

/** A path from a top-level folder, not inside a longer word, URL or path. */
const fromTopLevel = new RegExp(
  String.raw`(?<![\w@/.-])(?:${topLevel.map((name) => name.replace('.', '\\.')).join('|')})/[\w./*{},@+-]*`,
  'g',
);
/** A file name with a source extension, optionally with folders before it. */
const fileName = new RegExp(
  String.raw`(?<![\w@/.:-])(?:\.{1,2}/)*(?:[\w-]+/)*[\w-]+(?:\.[\w-]+)*\.(?:${extensions})(?![\w/-])`,
  'g',
);
const markdownLink = /\[[^\]]*\]\(([^)\s]+)\)/g;

/** `src-core/{run,sweep}/*.ts` → a regular expression over repository paths. */
function globToRegExp(glob: string): RegExp {
  let source = '';
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i];
    if (c === '*' && glob[i + 1] === '*') {
      source += '.*';
      i++;
      if (glob[i + 1] === '/') i++;
    } else if (c === '*') source += '[^/]*';
    else if (c === '{') source += '(?:';
    else if (c === '}') source += ')';
    else if (c === ',') source += '|';
    else source += c.replace(/[.+?^$()|[\]\\]/g, '\\$&');
  }
  return new RegExp(`^${source}/?$`);
}

/** Whether `path` (repository-relative, posix) names a file or a folder, or as a glob matches one. */
function exists(path: string): boolean {
  const clean = path.replace(/\/$/, '');
  if ([...notRepository].some((folder) => clean === folder || clean.startsWith(`${folder}/`))) return true;
  if (/[*{]/.test(clean)) {
    const pattern = globToRegExp(clean);
    return files.some((file) => pattern.test(file)) || [...folders].some((folder) => pattern.test(folder));
  }
  return fileSet.has(clean) || folders.has(clean) || clean === '';
}

/** Trailing punctuation of the sentence around a path. */
const trim = (token: string): string => token.replace(/[.,:;]+$/, '');

/** The comments of a TypeScript or JavaScript text. */
function scriptComments(text: string, name: string): string[] {
  const source = ts.createSourceFile(name, text, ts.ScriptTarget.Latest, false, ts.ScriptKind.TS);
  const seen = new Set<number>();
  const comments: string[] = [];
  const collect = (ranges: ts.CommentRange[] | undefined) => {
    for (const range of ranges ?? []) {
      if (seen.has(range.pos)) continue;
      seen.add(range.pos);
      comments.push(text.slice(range.pos, range.end));
    }
  };
  const visit = (node: ts.Node) => {
    collect(ts.getLeadingCommentRanges(text, node.getFullStart()));
    collect(ts.getTrailingCommentRanges(text, node.getEnd()));
    for (const child of node.getChildren(source)) visit(child);
  };
  visit(source);
  return comments;
}

/** The text in which `file` names paths: all of a markdown file, the comments of a source file. */
function mentionText(file: string): string[] {
  const text = readFileSync(join(root, file), 'utf8');
  if (file.endsWith('.md')) return [text];
  if (file.endsWith('.css')) return text.match(/\/\*[\s\S]*?\*\//g) ?? [];
  if (file.endsWith('.svelte')) {
    const scripts = [...text.matchAll(/<script[^>]*>([\s\S]*?)<\/script>/g)].flatMap((m) => scriptComments(m[1], file));
    const styles = [...text.matchAll(/<style[^>]*>([\s\S]*?)<\/style>/g)].flatMap(
      (m) => m[1].match(/\/\*[\s\S]*?\*\//g) ?? [],
    );
    return [...scripts, ...styles, ...(text.match(/<!--[\s\S]*?-->/g) ?? [])];
  }
  return scriptComments(text, file);
}

interface Mention {
  file: string;
  path: string;
}

/** Every path `file` names that does not exist. */
function stalePaths(file: string): Mention[] {
  const stale: Mention[] = [];
  const here = posix.dirname(file);
  const near = (path: string) => posix.normalize(posix.join(here, path));
  for (const text of mentionText(file)) {
    const checked = new Set<string>();
    for (const match of text.matchAll(fromTopLevel)) {
      const path = trim(match[0]);
      checked.add(path);
      if (!exists(path)) stale.push({ file, path });
    }
    if (file.endsWith('.md')) {
      for (const [, target] of text.matchAll(markdownLink)) {
        if (/^[a-z]+:|^#/i.test(target)) continue;
        const path = target.replace(/#.*$/, '');
        if (!exists(near(path))) stale.push({ file, path });
      }
    }
    for (const match of text.matchAll(fileName)) {
      const path = trim(match[0]);
      if ([...checked].some((long) => long.endsWith(path))) continue;
      if (exists(near(path))) continue;
      const tail = path.replace(/^(\.{1,2}\/)+/, '');
      if (files.some((f) => f === tail || f.endsWith(`/${tail}`))) continue;
      stale.push({ file, path });
    }
  }
  return stale;
}

const documents = ['README.md', ...files.filter((file) => /^docs\/[^/]+\.md$/.test(file))];
const sources = files.filter(
  (file) =>
    /\.(ts|mts|svelte|mjs|cjs|js|css)$/.test(file) &&
    file !== 'src-core/optim/wasm/adagrad.wasm.ts' &&
    file !== 'package-lock.json',
);

describe('paths named in the docs and in comments exist', () => {
  it('finds the paths it checks', () => {
    expect(documents).toContain('docs/architecture.md');
    expect(sources.length).toBeGreaterThan(100);
    expect(exists('src-core/**')).toBe(true);
    expect(exists('e2e/reliability-*.spec.ts')).toBe(true);
    expect(exists('src-core/{run,sweep}/')).toBe(true);
    expect(exists('src-core/sweep-v2.ts')).toBe(false);
  });

  it.each(documents)('%s', (file) => {
    expect(stalePaths(file).map((m) => m.path)).toEqual([]);
  });

  it('source comments', () => {
    const stale = sources.flatMap(stalePaths);
    expect(stale.map(({ file, path }) => `${file}: ${path}`)).toEqual([]);
  });
});
