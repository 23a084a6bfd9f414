import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { checkBuilderConfig, expectedFuses, globToRegExp } from '../../scripts/check-builder-config.mjs';

const root = fileURLToPath(new URL('../..', import.meta.url));
const realConfig = join(root, 'electron-builder.yml');

// Each case gets a small project: the real package.json and config, plus (when asked) a fake build in out/.
const dirs: string[] = [];
function project({ built, config = readFileSync(realConfig, 'utf8') }: { built: boolean; config?: string }): string {
  const dir = mkdtempSync(join(tmpdir(), 'adagrad-builder-'));
  dirs.push(dir);
  cpSync(join(root, 'package.json'), join(dir, 'package.json'));
  writeFileSync(join(dir, 'electron-builder.yml'), config);
  if (built) {
    mkdirSync(join(dir, 'out/main'), { recursive: true });
    mkdirSync(join(dir, 'out/preload'), { recursive: true });
    writeFileSync(join(dir, 'out/main/index.js'), '');
    writeFileSync(join(dir, 'out/preload/index.cjs'), '');
  }
  return dir;
}
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

const check = (dir: string) => checkBuilderConfig({ projectDir: dir, configPath: join(dir, 'electron-builder.yml') });
const edit = (from: string, to: string) => {
  const text = readFileSync(realConfig, 'utf8');
  expect(text).toContain(from); // the edit must really change something
  return text.replace(from, to);
};

describe('electron-builder.yml', () => {
  it('passes every check once the app is built', () => {
    expect(checkBuilderConfig({ projectDir: project({ built: true }), configPath: realConfig })).toEqual([]);
  });

  it('sets exactly the required fuses', () => {
    expect(expectedFuses).toEqual({
      runAsNode: false,
      enableCookieEncryption: true,
      enableNodeOptionsEnvironmentVariable: false,
      enableNodeCliInspectArguments: false,
      enableEmbeddedAsarIntegrityValidation: true,
      onlyLoadAppFromAsar: true,
      grantFileProtocolExtraPrivileges: false,
    });
  });

  it('reports files globs that match nothing before a build', () => {
    const problems = checkBuilderConfig({ projectDir: project({ built: false }), configPath: realConfig });
    expect(problems).toContain(`files: "out/**" matches nothing in ${dirs[0]} (run \`npm run build\` first?)`);
  });

  it('skips the files check when asked, for an unbuilt tree', () => {
    expect(
      checkBuilderConfig({ projectDir: project({ built: false }), configPath: realConfig, checkFiles: false }),
    ).toEqual([]);
  });

  it.each([
    ['a fuse flipped', edit('runAsNode: false', 'runAsNode: true'), 'electronFuses.runAsNode is true, expected false'],
    [
      'a fuse missing',
      edit('  onlyLoadAppFromAsar: true\n', ''),
      'electronFuses.onlyLoadAppFromAsar is undefined, expected true',
    ],
    ['a linux target missing', edit('    - deb\n', ''), 'linux.target is [AppImage], expected [AppImage, deb]'],
    ['a wrong mac target', edit('    - dmg', '    - zip'), 'mac.target is [zip], expected [dmg]'],
    [
      'a wrong linux category',
      edit('category: Science', 'category: Game'),
      'linux.category is "Game", expected "Science"',
    ],
    [
      'asar disabled',
      edit('asar: true', 'asar: false'),
      'asar is false, but the onlyLoadAppFromAsar fuse requires an asar archive',
    ],
    [
      'a misspelt fuse',
      edit('runAsNode: false', 'runAsNode: false\n  runAsNod: false'),
      'schema: /electronFuses must NOT have additional properties (runAsNod)',
    ],
  ])('reports %s', (_desc, config, expected) => {
    expect(check(project({ built: true, config }))).toContain(expected);
  });

  it('reports broken YAML clearly', () => {
    const [problem] = check(project({ built: true, config: 'appId: [unclosed' }));
    expect(problem).toMatch(/is not valid YAML/);
  });
});

describe('globToRegExp', () => {
  it.each([
    ['out/**', 'out/main/index.js', true],
    ['out/**', 'outside/x.js', false],
    ['package.json', 'package.json', true],
    ['package.json', 'package-json', false],
    ['out/*.js', 'out/main/index.js', false],
    ['**/*.js', 'index.js', true],
    ['**/*.js', 'out/main/index.js', true],
  ])('%s against %s is %s', (glob, file, matches) => {
    expect(globToRegExp(glob).test(file)).toBe(matches);
  });
});
