/**
 * @doyensec/electronegativity, the static scanner for Electron misconfigurations, over the app's sources and its build.
 * The tool exits 0 whatever it finds, so this test reads its CSV report and fails on any HIGH or MEDIUM finding not
 * in electronegativity-exceptions.json, where each accepted finding has its reason; an exception that no longer
 * matches a finding fails too, so the list cannot go stale.
 *
 * Offline: the CLI fetches translations and Electron's release list on every run. offline-got.cjs makes those
 * fetches fail at once inside the child process, and the release-list check (AvailableSecurityFixesGlobalCheck, the
 * only one that needs the network) is excluded; Electron's version is checked by checklist item 16 instead.
 */
import { execFile } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { parse } from 'csv-parse/sync';
import { afterAll, describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../..', import.meta.url));
const here = fileURLToPath(new URL('.', import.meta.url));
const cli = join(root, 'node_modules/@doyensec/electronegativity/dist/index.js');

interface Finding {
  issue: string;
  severity: string;
  confidence: string;
  filename: string;
  location: string;
  sample: string;
  description: string;
}

interface Exception {
  check: string;
  file: string;
  reason: string;
}

const temporary: string[] = [];
afterAll(() => {
  for (const dir of temporary) rmSync(dir, { recursive: true, force: true });
});

/** Scans `input`; returns the report's findings and the network fetches the child attempted (all refused). */
async function scan(input: string): Promise<{ findings: Finding[]; refusedFetches: number }> {
  const dir = mkdtempSync(join(tmpdir(), 'electronegativity-'));
  temporary.push(dir);
  const report = join(dir, 'report.csv');
  const { stderr } = await promisify(execFile)(
    process.execPath,
    [
      '-r',
      join(here, 'offline-got.cjs'),
      cli,
      '--input',
      input,
      '--output',
      report,
      '--relative',
      '--exclude-checks',
      'AvailableSecurityFixesGlobalCheck',
    ],
    // The CLI writes the CSV header and the rows with two concurrent fs.writeFile calls; one libuv thread orders them.
    { env: { ...process.env, LANG: 'en-US', UV_THREADPOOL_SIZE: '1' }, timeout: 60_000 },
  );
  const findings = parse(readFileSync(report, 'utf8'), {
    columns: true,
    trim: true,
    skip_empty_lines: true,
  }) as Finding[];
  return {
    findings,
    refusedFetches: stderr.split('\n').filter((line) => line.startsWith('offline-got: refused')).length,
  };
}

const serious = (findings: Finding[]): Finding[] =>
  findings.filter((f) => f.severity === 'HIGH' || f.severity === 'MEDIUM');
const describeFinding = (f: Finding): string =>
  `${f.issue} (${f.severity}) in ${f.filename} at ${f.location}: ${f.description} — ${f.sample}`;

describe('electronegativity', () => {
  it('reports a deliberately insecure app, so a clean scan of ours means something', async () => {
    const { findings, refusedFetches } = await scan(join(here, 'fixtures/insecure-app'));
    const ids = serious(findings).map((f) => `${f.issue} ${f.severity} ${f.filename}`);
    expect(ids).toContain('CONTEXT_ISOLATION_JS_CHECK HIGH main.js');
    expect(ids).toContain('HTTP_RESOURCES_JS_CHECK MEDIUM main.js');
    expect(ids).toContain('LIMIT_NAVIGATION_GLOBAL_CHECK HIGH N/A');
    expect(refusedFetches).toBeGreaterThan(0);
  });

  it('finds no HIGH or MEDIUM issue in the sources and the build beyond the justified exceptions', async () => {
    if (!existsSync(join(root, 'out/main/index.js'))) throw new Error('out/ is missing: run `npm run build` first');
    // The app as the scanner should see it: the three source layers, the build, and package.json (for the Electron
    // version, which sets the defaults it judges by). Tests and fixtures stay out.
    const input = mkdtempSync(join(tmpdir(), 'electronegativity-input-'));
    temporary.push(input);
    for (const part of ['src-core', 'src-main', 'src-renderer', 'out', 'package.json'])
      cpSync(join(root, part), join(input, part), { recursive: true });

    const { findings } = await scan(input);
    const exceptions = JSON.parse(readFileSync(join(here, 'electronegativity-exceptions.json'), 'utf8')) as Exception[];
    const excused = (f: Finding) => exceptions.some((e) => e.check === f.issue && e.file === f.filename);
    const unexcused = serious(findings).filter((f) => !excused(f));
    const stale = exceptions.filter((e) => !findings.some((f) => f.issue === e.check && f.filename === e.file));

    console.log(
      `electronegativity: ${findings.length} findings, ${serious(findings).length} HIGH or MEDIUM, ${serious(findings).length - unexcused.length} excused`,
    );
    expect(unexcused.map(describeFinding)).toEqual([]);
    expect(stale, 'exceptions that match no finding any more: remove them').toEqual([]);
    for (const exception of exceptions) expect(exception.reason.length, exception.check).toBeGreaterThan(40);
  });
});
