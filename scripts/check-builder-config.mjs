#!/usr/bin/env node
/**
 * Checks electron-builder.yml offline (packaging itself needs the Electron zip from the network):
 * the targets per platform, the Electron fuses, and that every `files` glob matches something after a build.
 * Usage: node scripts/check-builder-config.mjs   (run `npm run build` first). Exits 1 with the problems listed.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

export const expectedTargets = { linux: ['AppImage', 'deb'], mac: ['dmg'], win: ['nsis'] };

export const expectedFuses = {
  runAsNode: false,
  enableCookieEncryption: true,
  enableNodeOptionsEnvironmentVariable: false,
  enableNodeCliInspectArguments: false,
  enableEmbeddedAsarIntegrityValidation: true,
  onlyLoadAppFromAsar: true,
  grantFileProtocolExtraPrivileges: false,
};

/** electron-builder itself reads YAML with js-yaml; fall back to the `yaml` package if that is not installed. */
// Tools resolve from where this script is installed, whichever project directory is being checked.
const require = createRequire(import.meta.url);

function parseYaml(text) {
  try {
    return require('js-yaml').load(text);
  } catch (error) {
    if (error?.code !== 'MODULE_NOT_FOUND') throw error;
    return require('yaml').parse(text);
  }
}

/** A glob as electron-builder's `files` use it: `**` any depth, `*` and `?` within one path segment. */
export function globToRegExp(glob) {
  let source = '';
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i];
    if (c === '*' && glob[i + 1] === '*') {
      // `dir/**` matches everything below dir; `**/` matches zero or more directories.
      if (glob[i + 2] === '/') {
        source += '(?:.*/)?';
        i += 2;
      } else {
        source += '.*';
        i += 1;
      }
    } else if (c === '*') source += '[^/]*';
    else if (c === '?') source += '[^/]';
    else source += c.replace(/[.+^${}()|[\]\\]/g, '\\$&');
  }
  return new RegExp(`^${source}$`);
}

function listFiles(dir, base = dir, out = []) {
  if (!existsSync(dir)) return out;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = join(dir, entry.name);
    if (entry.name === 'node_modules' || entry.name === '.git') continue;
    if (entry.isDirectory()) listFiles(full, base, out);
    else out.push(relative(base, full).split(sep).join('/'));
  }
  return out;
}

const targetNames = (platform) => {
  const target = platform?.target;
  const list = Array.isArray(target) ? target : target === undefined ? [] : [target];
  return list.map((t) => (typeof t === 'string' ? t : t?.target));
};

/**
 * Validates against electron-builder's own JSON schema (app-builder-lib/scheme.json, with the ajv it depends on), which
 * catches misspelt keys. Returns null when those are not installed: the checks below still run.
 */
let compiledSchema; // compiling the schema takes a few hundred ms: once per process

function schemaValidator() {
  if (compiledSchema === undefined) {
    try {
      const schemaPath = require.resolve('app-builder-lib/scheme.json');
      const Ajv = createRequire(schemaPath)('ajv');
      compiledSchema = new (Ajv.default ?? Ajv)({ allErrors: true, strict: false }).compile(
        JSON.parse(readFileSync(schemaPath, 'utf8')),
      );
    } catch {
      compiledSchema = null;
    }
  }
  return compiledSchema;
}

function schemaProblems(config) {
  const validate = schemaValidator();
  if (!validate) return null;
  if (validate(config)) return [];
  return validate.errors
    .filter((e) => e.keyword !== 'anyOf' && !(e.keyword === 'type' && e.params?.type === 'null'))
    .map(
      (e) =>
        `schema: ${e.instancePath || '/'} ${e.message}${e.params?.additionalProperty ? ` (${e.params.additionalProperty})` : ''}`,
    );
}

const same = (a, b) => JSON.stringify([...a].sort()) === JSON.stringify([...b].sort());

/**
 * Returns the problems found (empty when all is well). `checkFiles: false` skips the glob check, which needs a build.
 */
export function checkBuilderConfig({
  projectDir = process.cwd(),
  configPath = join(projectDir, 'electron-builder.yml'),
  checkFiles = true,
} = {}) {
  if (!existsSync(configPath)) return [`${configPath} does not exist`];
  let config;
  try {
    config = parseYaml(readFileSync(configPath, 'utf8'));
  } catch (error) {
    return [`${configPath} is not valid YAML: ${error.message}`];
  }
  if (!config || typeof config !== 'object') return [`${configPath} is empty or not a mapping`];
  const problems = [...(schemaProblems(config) ?? [])];

  if (config.appId !== 'lab.adagrad.app')
    problems.push(`appId is ${JSON.stringify(config.appId)}, expected "lab.adagrad.app"`);
  if (config.productName !== 'AdaGrad Lab')
    problems.push(`productName is ${JSON.stringify(config.productName)}, expected "AdaGrad Lab"`);
  if (config.directories?.output !== 'dist')
    problems.push(`directories.output is ${JSON.stringify(config.directories?.output)}, expected "dist"`);

  for (const [platform, expected] of Object.entries(expectedTargets)) {
    const actual = targetNames(config[platform]);
    if (!same(actual, expected))
      problems.push(`${platform}.target is [${actual.join(', ')}], expected [${expected.join(', ')}]`);
  }
  if (config.linux?.category !== 'Science')
    problems.push(`linux.category is ${JSON.stringify(config.linux?.category)}, expected "Science"`);
  if (!/<[^>]+@[^>]+>/.test(config.linux?.maintainer ?? ''))
    problems.push('linux.maintainer must be "Name <email>" (the deb package needs it)');
  if (config.mac?.category !== 'public.app-category.developer-tools') {
    problems.push(
      `mac.category is ${JSON.stringify(config.mac?.category)}, expected "public.app-category.developer-tools"`,
    );
  }

  const fuses = config.electronFuses ?? {};
  for (const [fuse, value] of Object.entries(expectedFuses)) {
    if (fuses[fuse] !== value)
      problems.push(`electronFuses.${fuse} is ${JSON.stringify(fuses[fuse])}, expected ${value}`);
  }
  // onlyLoadAppFromAsar with no asar would leave the app unable to start.
  if (config.asar === false) problems.push('asar is false, but the onlyLoadAppFromAsar fuse requires an asar archive');

  const files = config.files;
  if (!Array.isArray(files) || files.length === 0) {
    problems.push('files must be a non-empty list of globs');
  } else if (checkFiles) {
    const present = listFiles(projectDir);
    for (const glob of files.filter((g) => typeof g === 'string' && !g.startsWith('!'))) {
      const pattern = globToRegExp(glob);
      if (!present.some((file) => pattern.test(file)))
        problems.push(`files: "${glob}" matches nothing in ${projectDir} (run \`npm run build\` first?)`);
    }
    // The entry package.json names must be among the packaged files, or the packaged app cannot start.
    const packageJson = join(projectDir, 'package.json');
    const main = existsSync(packageJson) ? JSON.parse(readFileSync(packageJson, 'utf8')).main : undefined;
    if (main) {
      const mainFile = main.replace(/^\.\//, '');
      const included = files.some((g) => typeof g === 'string' && !g.startsWith('!') && globToRegExp(g).test(mainFile));
      if (!included) problems.push(`package.json main "${main}" is not matched by any files glob`);
      else if (!present.includes(mainFile))
        problems.push(`package.json main "${main}" does not exist (run \`npm run build\` first?)`);
    }
  }
  return problems;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const projectDir = resolve(fileURLToPath(new URL('..', import.meta.url)));
  const problems = checkBuilderConfig({ projectDir });
  if (problems.length > 0) {
    console.error(
      `electron-builder.yml: ${problems.length} problem(s):\n${problems.map((p) => `  - ${p}`).join('\n')}`,
    );
    process.exit(1);
  }
  console.log('electron-builder.yml: targets, fuses and files check out');
}
