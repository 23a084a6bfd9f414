/**
 * Runs brought in from elsewhere: the text of a file a person imports, checked with the schemas every other edge uses,
 * into the sweeps and runs to store and the runs refused, each refusal naming the run, the field, the value and what
 * is allowed. Pure: the renderer parses in a worker and stores the result (src-renderer/lib/state/importer.svelte.ts).
 *
 * What is read: the command line's `--json` output (src-main/cli/outputs.ts), `{"spec": <the sweep spec>, "runs":
 * [{"config", "summary"}, …]}`, with NaN and ±Infinity written as strings in the summaries' losses; `"spec": null`
 * (a `--run` of one config) recreates a sweep of that one run. Each run's config must be the one its sweep's spec
 * gives at its index, so that the sweep recreated from the spec (Resume, the analysis views) holds exactly these
 * runs. What is refused as a whole: the app's CSV exports (they cannot recreate runs: see SUMMARY_CSV), text that is
 * not such a JSON document, a spec that fails validation (every run depends on it), and a file over the size limit.
 */
import * as v from 'valibot';
import { errorMessage } from '../contract/result';
import { RunSummarySchema, validate } from '../contract/schemas';
import { show } from '../contract/show';
import { RunConfigSchema, strict, SweepLimits, type RunConfig, type SweepSpec } from '../contract/sweep-spec';
import type { RunSummary } from '../contract/types';
import { countRuns, expandSweepLazily, runId, validateSweepSpec } from '../sweep/expand';
import { firstDifference } from './first-difference';
import { specOfRun } from './spec-of-run';

export const ImportLimits = {
  /**
   * The largest file read, in bytes (a file's text is at most as many characters): a CLI `--json` of 10⁶ runs, the
   * most a sweep has, is ~600 MB; 256 MiB holds ~400,000 runs and parses in a worker in a few seconds.
   */
  maxBytes: 256 * 1024 * 1024,
  /** The most runs one file may hold: a sweep's ceiling. */
  maxRuns: SweepLimits.maxRunsCeiling,
} as const;

export interface ImportedSweep {
  id: string;
  spec: SweepSpec;
  /** The runs its spec has; more than the file holds when some were refused (Resume computes those). */
  runCount: number;
  /** The runs of this sweep the file holds and that passed every check. */
  runsInFile: number;
}

export interface ImportedRun {
  config: RunConfig;
  summary: RunSummary;
}

export interface ImportRefusal {
  /** The run refused: "run <id>", or its place in the file when it has no readable id. */
  record: string;
  /** The field's path in the file, its value and what is allowed. */
  message: string;
}

export type ImportPlan =
  | { ok: true; sweeps: ImportedSweep[]; runs: ImportedRun[]; refusals: ImportRefusal[] }
  | { ok: false; message: string };

const bytes = (n: number): string => n.toLocaleString('en-US');

/** The refusal of a file over ImportLimits.maxBytes, by its size (checked before the file is read, and here). */
export const tooLargeMessage = (size: number): string =>
  `The file is too large to import: ${bytes(size)} bytes (at most ${bytes(ImportLimits.maxBytes)}, 256 MiB). Split the sweep with the command line's --sweep-id and smaller specs.`;

/**
 * The app's summary CSV has each run's objective as display text ("rosenbrock (dim 10)"), and neither its trace size,
 * its divergence settings nor its sweep's spec: runs read from it would be guesses, and their sweep could not be
 * resumed or analysed. Its header is recognised and refused with what to do instead.
 */
const SUMMARY_CSV = /^\uFEFF?run_id,sweep_id,sweep_name,/;
const TRACES_CSV = /^\uFEFF?run_id,step,parameter,/;
const CSV_REFUSAL =
  'cannot be imported: its rows show each run’s settings as table cells, without the objective’s exact config, the trace size, the divergence settings or the sweep’s spec, so its runs could not be recreated faithfully. Import a command line --json file instead (npm run cli -- sweep.json --json runs.json).';

const FILE_SHAPE = 'must be a command line --json output: {"spec": …, "runs": [{"config": …, "summary": …}, …]}';

/** How the command line writes the losses JSON has no numbers for (src-main/cli/outputs.ts, toJson). */
const NON_FINITE: Readonly<Record<string, number>> = { NaN: NaN, Infinity: Infinity, '-Infinity': -Infinity };

/** A summary with its losses as numbers again where the command line wrote them as text; anything else as given. */
function withNonFiniteLosses(summary: unknown): unknown {
  if (typeof summary !== 'object' || summary === null || Array.isArray(summary)) return summary;
  const losses = summary as { finalLoss?: unknown; bestLoss?: unknown };
  const read = (x: unknown): unknown => (typeof x === 'string' && x in NON_FINITE ? NON_FINITE[x] : x);
  return { ...summary, finalLoss: read(losses.finalLoss), bestLoss: read(losses.bestLoss) };
}

/** A run of the file: `config` checked by the schema given, the summary as a summary, nothing else. */
const runSchema = (config: v.GenericSchema) =>
  v.pipe(
    v.unknown(),
    v.check(
      (x) => !Array.isArray(x),
      (issue) => `Invalid run: ${show(issue.input)} (must be an object with config and summary)`,
    ),
    strict(
      { config, summary: v.pipe(v.unknown(), v.transform(withNonFiniteLosses), RunSummarySchema) },
      'imported run',
    ),
  );
const RunSchema = runSchema(RunConfigSchema);
/** A run whose config is already known to be what its spec gives (then valid by construction): the rest is checked. */
const MatchedRunSchema = runSchema(v.unknown());

/** "run <id>" when the run has a readable id, else its place in the file. */
function recordOf(raw: unknown, i: number): string {
  const id = (raw as { config?: { id?: unknown } } | null)?.config?.id;
  return typeof id === 'string' && id.length <= 200 ? `run ${id}` : `run #${i + 1} of the file`;
}

/** What the summary says against the config it claims to be of: no step past the run's last. */
function checkSummary({ config, summary }: ImportedRun): string | null {
  const steps: [keyof RunSummary, string][] = [
    ['bestStep', 'best step'],
    ['stepsToTolerance', 'steps to tolerance'],
    ['divergedAt', 'divergence step'],
  ];
  for (const [key, label] of steps) {
    const step = summary[key];
    if (typeof step === 'number' && step > config.steps)
      return `summary.${key}: Invalid ${label}: ${step} (must be at most ${config.steps}, the run's number of steps)`;
  }
  return null;
}

interface Candidate {
  /** The run's place in the file. */
  at: number;
  run: ImportedRun;
  /** Whether its config was found equal to its spec's at its index already (runs in the file's order). */
  matched: boolean;
}

interface SweepOfFile {
  spec: SweepSpec;
  runs: Candidate[];
}

export function parseImport(text: string): ImportPlan {
  if (text.length > ImportLimits.maxBytes) return { ok: false, message: tooLargeMessage(text.length) };
  if (SUMMARY_CSV.test(text)) return { ok: false, message: `This is the app’s summary CSV export: it ${CSV_REFUSAL}` };
  if (TRACES_CSV.test(text)) return { ok: false, message: `This is the app’s traces CSV export: it ${CSV_REFUSAL}` };
  let input: unknown;
  try {
    input = JSON.parse(text);
  } catch (error) {
    return { ok: false, message: `The file is not JSON (${errorMessage(error)}): it ${FILE_SHAPE}` };
  }
  if (typeof input !== 'object' || input === null || Array.isArray(input) || !('runs' in input) || !('spec' in input))
    return { ok: false, message: `The file holds ${show(input)}: it ${FILE_SHAPE}` };
  const extra = Object.keys(input).find((key) => key !== 'spec' && key !== 'runs');
  if (extra !== undefined) return { ok: false, message: `Unknown field: ${show(extra)}: the file ${FILE_SHAPE}` };
  const { spec, runs } = input as { spec: unknown; runs: unknown };
  if (!Array.isArray(runs)) return { ok: false, message: `runs: Invalid run list: ${show(runs)} (must be a list)` };
  if (runs.length > ImportLimits.maxRuns)
    return {
      ok: false,
      message: `runs: Invalid run list: ${bytes(runs.length)} runs (must be at most ${bytes(ImportLimits.maxRuns)})`,
    };
  let fileSpec: SweepSpec | null = null;
  if (spec !== null) {
    const checked = validateSweepSpec(spec);
    if (!checked.ok)
      return {
        ok: false,
        message: `The file’s sweep spec is refused, so none of its runs can be: spec.${checked.message}`,
      };
    fileSpec = checked.value;
  }
  return planRuns(runs, fileSpec);
}

/**
 * The configs a spec gives, followed in the file's order: a file as the command line writes it (runs in index order,
 * any left out) is matched run by run as it is read, with no schema run on the configs (an equal config is valid by
 * construction: the spec was validated). Any other order falls back to checking each config and matching afterwards.
 */
function specOrder(spec: SweepSpec | null): (raw: unknown) => RunConfig | null {
  let sweepId: string | null = null;
  let expanded: Generator<RunConfig> | null = null;
  let next: IteratorResult<RunConfig> | null = null;
  return (raw) => {
    const config = (raw as { config?: unknown } | null)?.config as Partial<RunConfig> | null | undefined;
    if (!spec || typeof config !== 'object' || config === null || typeof config.index !== 'number') return null;
    if (sweepId === null && typeof config.sweepId === 'string') {
      sweepId = config.sweepId;
      expanded = expandSweepLazily(sweepId, spec);
      next = expanded.next();
    }
    if (!expanded || !next || config.sweepId !== sweepId) return null;
    while (!next.done && next.value.index < config.index) next = expanded.next();
    if (next.done || next.value.index !== config.index) return null;
    return firstDifference(config, next.value) === null ? next.value : null;
  };
}

function planRuns(runs: readonly unknown[], fileSpec: SweepSpec | null): ImportPlan {
  const refusals: (ImportRefusal & { at: number })[] = [];
  const refuse = (at: number, message: string): void => {
    refusals.push({ at, record: recordOf(runs[at], at), message: `runs.${at}.${message}` });
  };
  const sweeps = new Map<string, SweepOfFile>();
  const seen = new Map<string, number>();
  const inOrder = specOrder(fileSpec);
  for (const [at, raw] of runs.entries()) {
    const expected = inOrder(raw);
    const checked = validate(expected ? MatchedRunSchema : RunSchema, raw);
    if (!checked.ok) {
      refuse(at, checked.message);
      continue;
    }
    const run = { config: expected ?? checked.value.config, summary: checked.value.summary } as ImportedRun;
    const { id, sweepId, index } = run.config;
    const expectedId = runId(sweepId, index);
    if (id !== expectedId) {
      refuse(
        at,
        `config.id: Invalid run id: ${show(id)} (must be its sweep id, ":" and its index in 6 digits: ${show(expectedId)})`,
      );
      continue;
    }
    const first = seen.get(id);
    if (first !== undefined) {
      refuse(at, `config.id: Duplicate run id: ${show(id)} (runs.${first} has it already; the first is kept)`);
      continue;
    }
    const inconsistent = checkSummary(run);
    if (inconsistent) {
      refuse(at, inconsistent);
      continue;
    }
    let sweep = sweeps.get(sweepId);
    if (!sweep) {
      // A file with a spec holds one sweep: the sweep of its first run.
      const other = fileSpec && sweeps.size > 0 ? [...sweeps.keys()][0] : null;
      if (other !== null) {
        refuse(
          at,
          `config.sweepId: Invalid sweep id: ${show(sweepId)} (must be ${show(other)}, as the file’s first run: a --json file holds the runs of one spec)`,
        );
        continue;
      }
      const ofRun = fileSpec ? { ok: true as const, value: fileSpec } : validateSweepSpec(specOfRun(run.config));
      if (!ofRun.ok) {
        refuse(at, `config: ${ofRun.message}`);
        continue;
      }
      if (!fileSpec && index !== 0) {
        refuse(
          at,
          `config.index: Invalid run index: ${index} (a run without its sweep’s spec becomes a sweep of one run, so it must be 0; import its sweep’s --json instead)`,
        );
        continue;
      }
      sweep = { spec: ofRun.value, runs: [] };
      sweeps.set(sweepId, sweep);
    }
    seen.set(id, at);
    sweep.runs.push({ at, run, matched: expected !== null });
  }
  const plannedSweeps: ImportedSweep[] = [];
  const accepted: Candidate[] = [];
  for (const [id, sweep] of sweeps) {
    const kept = matchSpec(id, sweep, refuse);
    if (kept.length === 0) continue;
    plannedSweeps.push({ id, spec: sweep.spec, runCount: countRuns(sweep.spec), runsInFile: kept.length });
    for (const candidate of kept) accepted.push(candidate);
  }
  accepted.sort((a, b) => a.at - b.at);
  refusals.sort((a, b) => a.at - b.at);
  return {
    ok: true,
    sweeps: plannedSweeps,
    runs: accepted.map((candidate) => candidate.run),
    refusals: refusals.map(({ record, message }) => ({ record, message })),
  };
}

/**
 * The runs whose configs are exactly what their sweep's spec gives at their indexes; the others are refused with the
 * first field that differs. Those not matched as the file was read are matched here: the spec is expanded once, in
 * order, up to the highest index they have.
 */
function matchSpec(sweepId: string, sweep: SweepOfFile, refuse: (at: number, message: string) => void): Candidate[] {
  const runCount = countRuns(sweep.spec);
  const kept: Candidate[] = [];
  const byIndex = new Map<number, Candidate>();
  for (const candidate of sweep.runs) {
    const { index } = candidate.run.config;
    if (candidate.matched) kept.push(candidate);
    else if (index >= runCount)
      refuse(
        candidate.at,
        `config.index: Invalid run index: ${index} (must be below ${runCount}, the number of runs its sweep’s spec has)`,
      );
    else byIndex.set(index, candidate);
  }
  let last = -1;
  for (const index of byIndex.keys()) last = Math.max(last, index);
  if (last < 0) return kept;
  for (const expected of expandSweepLazily(sweepId, sweep.spec)) {
    if (expected.index > last) break;
    const candidate = byIndex.get(expected.index);
    if (!candidate) continue;
    const difference = firstDifference(candidate.run.config, expected);
    if (difference)
      refuse(
        candidate.at,
        `config.${difference.path}: ${show(difference.a)} is not what its sweep’s spec gives run ${expected.index} (${show(difference.b)}), so the run cannot belong to that sweep`,
      );
    else kept.push(candidate);
  }
  return kept;
}
