/**
 * Runs brought in from elsewhere: the text of a file a person imports, checked with the schemas every other edge uses,
 * into the sweeps and runs to store and the runs refused, each refusal naming the run, the field, the value and what
 * is allowed. Pure: the renderer parses in a worker and stores the result (src-renderer/lib/state/importer.svelte.ts).
 *
 * What is read, one parser for both:
 * - the command line's `--json` output (src-main/cli/outputs.ts), `{"spec": <the sweep spec>, "runs": [{"config",
 *   "summary"}, …]}`; `"spec": null` (a `--run` of one config) recreates a sweep of that one run;
 * - the app's Runs JSON export (src-core/export/runs-json.ts): `{"format": "adagrad-lab-runs", "version": 1, "sweeps":
 *   [{"id", "name", "spec", "runs": [{"config", "summary", "annotations"?}, …]}, …]}`, each sweep read as a --json
 *   document of its own, and each run's tags, star and note restored.
 * NaN and ±Infinity are written as strings in the summaries' losses (src-core/export/json.ts). Each run's config must
 * be the one its sweep's spec gives at its index, so that the sweep recreated from the spec (Resume, the analysis
 * views) holds exactly these runs. What is refused as a whole: the app's CSV exports (they cannot recreate runs: see
 * SUMMARY_CSV), a sweep spec, text that is not one of these documents, the CLI's spec when it fails validation (every
 * run depends on it), and a file over the size limit. A Runs JSON sweep whose spec fails is refused with its runs,
 * and the other sweeps are imported.
 */
import * as v from 'valibot';
import type { RunAnnotations } from '../contract/annotations';
import { errorMessage } from '../contract/result';
import { RunAnnotationsSchema, RunSummarySchema, validate } from '../contract/schemas';
import { show } from '../contract/show';
import { RunConfigSchema, strict, SweepLimits, type RunConfig, type SweepSpec } from '../contract/sweep-spec';
import type { RunSummary } from '../contract/types';
import { fromNonFinite } from '../export/json';
import { RunsJson } from '../export/runs-json';
import { countRuns, expandSweepLazily, runId, validateSweepSpec } from '../sweep/expand';
import { formatCount } from '../views/format';
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
  /** What a person attached to the run (a Runs JSON's); absent: none (the command line's runs). */
  annotations?: RunAnnotations;
}

export interface ImportRefusal {
  /** The run refused: "run <id>", or its place in the file when it has no readable id; "sweep <id>" for a sweep. */
  record: string;
  /** The field's path in the file, its value and what is allowed. */
  message: string;
}

export type ImportPlan =
  | { ok: true; sweeps: ImportedSweep[]; runs: ImportedRun[]; refusals: ImportRefusal[] }
  | { ok: false; message: string };

/** The refusal of a file over ImportLimits.maxBytes, by its size (checked before the file is read, and here). */
export const tooLargeMessage = (size: number): string =>
  `The file is too large to import: ${formatCount(size)} bytes (at most ${formatCount(ImportLimits.maxBytes)}, 256 MiB). Split the sweep with the command line's --sweep-id and smaller specs.`;

const CLI_JSON = 'a command line --json file (npm run cli -- sweep.json --json runs.json)';
const IMPORTABLE = `the app’s Runs JSON export or ${CLI_JSON}`;

/**
 * The app's summary CSV has each run's objective as display text ("rosenbrock (dim 10)"), and neither its trace size,
 * its divergence settings nor its sweep's spec: runs read from it would be guesses, and their sweep could not be
 * resumed or analysed. Its header is recognised and refused with what to do instead.
 */
const SUMMARY_CSV = /^\uFEFF?run_id,sweep_id,sweep_name,/;
const TRACES_CSV = /^\uFEFF?run_id,step,parameter,/;
const CSV_REFUSAL = `cannot be imported: its rows show each run’s settings as table cells, without the objective’s exact config, the trace size, the divergence settings or the sweep’s spec, so its runs could not be recreated faithfully. Export the runs as Runs JSON instead (beside Summary CSV), or import ${CLI_JSON}.`;

const FILE_SHAPE = `must be ${IMPORTABLE}: {"format": "${RunsJson.format}", "version": ${RunsJson.version}, "sweeps": […]} or {"spec": …, "runs": [{"config": …, "summary": …}, …]}`;

/** A summary with its losses as numbers again where the file wrote them as text; anything else as given. */
function withNonFiniteLosses(summary: unknown): unknown {
  if (typeof summary !== 'object' || summary === null || Array.isArray(summary)) return summary;
  const losses = summary as { finalLoss?: unknown; bestLoss?: unknown };
  return { ...summary, finalLoss: fromNonFinite(losses.finalLoss), bestLoss: fromNonFinite(losses.bestLoss) };
}

/** A run of the file: `config` checked by the schema given, the summary as a summary, its annotations if any. */
const runSchema = (config: v.GenericSchema) =>
  v.pipe(
    v.unknown(),
    v.check(
      (x) => !Array.isArray(x),
      (issue) => `Invalid run: ${show(issue.input)} (must be an object with config and summary)`,
    ),
    strict(
      {
        config,
        summary: v.pipe(v.unknown(), v.transform(withNonFiniteLosses), RunSummarySchema),
        annotations: v.optional(RunAnnotationsSchema),
      },
      'imported run',
    ),
  );
const RunSchema = runSchema(RunConfigSchema);
/** A run whose config is already known to be what its spec gives (then valid by construction): the rest is checked. */
const MatchedRunSchema = runSchema(v.unknown());

/** "run <id>" when the run has a readable id, else its place in the file. */
function recordOf(raw: unknown, order: number): string {
  const id = (raw as { config?: { id?: unknown } } | null)?.config?.id;
  return typeof id === 'string' && id.length <= 200 ? `run ${id}` : `run #${order + 1} of the file`;
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

/** A list of runs under one spec (or none): the command line's document, or one sweep of a Runs JSON. */
interface Source {
  /** The path of its run list in the file: "runs", "sweeps.2.runs". */
  path: string;
  runs: readonly unknown[];
  spec: SweepSpec | null;
  /** The sweep id its runs must have: a Runs JSON sweep's; null for the command line's (its first run's, if a spec). */
  sweepId: string | null;
  /** Runs listed before this source in the file: a run's place in the whole file is `before` + its index here. */
  before: number;
}

interface Candidate {
  source: Source;
  /** The run's place in its source. */
  at: number;
  run: ImportedRun;
  /** Whether its config was found equal to its spec's at its index already (runs in the file's order). */
  matched: boolean;
}

interface SweepOfFile {
  spec: SweepSpec;
  runs: Candidate[];
}

interface Refusal extends ImportRefusal {
  /** Where in the file: refusals are listed in the file's order. */
  order: number;
}

type Refuse = (source: Source, at: number, message: string) => void;

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
  if (typeof input !== 'object' || input === null || Array.isArray(input))
    return { ok: false, message: `The file holds ${show(input)}: it ${FILE_SHAPE}` };
  if ('format' in input) return parseRunsJson(input);
  if ('objectives' in input && 'optimizers' in input)
    return {
      ok: false,
      message: `This is a sweep spec, not its runs: launch it in the app, or run it with the command line (npm run cli -- sweep.json --json runs.json) and import that. The file ${FILE_SHAPE}`,
    };
  if (!('runs' in input) || !('spec' in input))
    return { ok: false, message: `The file holds ${show(input)}: it ${FILE_SHAPE}` };
  const extra = Object.keys(input).find((key) => key !== 'spec' && key !== 'runs');
  if (extra !== undefined) return { ok: false, message: `Unknown field: ${show(extra)}: the file ${FILE_SHAPE}` };
  const { spec, runs } = input as { spec: unknown; runs: unknown };
  const tooMany = runListProblem('runs', runs, 0);
  if (tooMany) return { ok: false, message: tooMany };
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
  return planRuns([{ path: 'runs', runs: runs as unknown[], spec: fileSpec, sweepId: null, before: 0 }], []);
}

/** Why a run list cannot be read: not a list, or more runs than a file may hold with those before it. */
function runListProblem(path: string, runs: unknown, before: number): string | null {
  if (!Array.isArray(runs)) return `${path}: Invalid run list: ${show(runs)} (must be a list)`;
  if (before + runs.length > ImportLimits.maxRuns)
    return `${path}: Invalid run list: ${formatCount(before + runs.length)} runs in the file so far (must be at most ${formatCount(ImportLimits.maxRuns)})`;
  return null;
}

const SweepEntrySchema = strict(
  {
    id: v.pipe(
      v.string((issue) => `Invalid sweep id: ${show(issue.input)} (must be text)`),
      v.maxLength(200, 'Invalid sweep id: at most 200 characters'),
    ),
    name: v.string((issue) => `Invalid sweep name: ${show(issue.input)} (must be text)`),
    spec: v.unknown(),
    runs: v.unknown(),
  },
  'exported sweep',
);

/** The app's Runs JSON: its format and version checked as a whole, then each sweep on its own. */
function parseRunsJson(input: object): ImportPlan {
  const { format, version, sweeps } = input as { format?: unknown; version?: unknown; sweeps?: unknown };
  if (format !== RunsJson.format)
    return { ok: false, message: `This is a file of format ${show(format)}, not runs: it ${FILE_SHAPE}` };
  if (version !== RunsJson.version)
    return {
      ok: false,
      message: `This is a Runs JSON of version ${show(version)}: this app reads version ${RunsJson.version} (export it again with this version of the app)`,
    };
  const extra = Object.keys(input).find((key) => key !== 'format' && key !== 'version' && key !== 'sweeps');
  if (extra !== undefined) return { ok: false, message: `Unknown field: ${show(extra)}: the file ${FILE_SHAPE}` };
  if (!Array.isArray(sweeps))
    return { ok: false, message: `sweeps: Invalid sweep list: ${show(sweeps)} (must be a list)` };
  const sources: Source[] = [];
  const refusals: Refusal[] = [];
  const ids = new Map<string, number>();
  let before = 0;
  for (const [i, raw] of sweeps.entries()) {
    const refuse = (record: string, message: string): void => {
      refusals.push({ order: before, record, message: `sweeps.${i}.${message}` });
    };
    const entry = validate(SweepEntrySchema, raw);
    if (!entry.ok) {
      refuse(`sweep #${i + 1} of the file`, entry.message);
      continue;
    }
    const { id, name, spec, runs } = entry.value;
    const record = `sweep ${id}`;
    const problem = runListProblem(`sweeps.${i}.runs`, runs, before);
    if (problem) return { ok: false, message: problem };
    const count = (runs as unknown[]).length;
    const first = ids.get(id);
    const checked = validateSweepSpec(spec);
    if (first !== undefined)
      refuse(record, `id: Duplicate sweep id: ${show(id)} (sweeps.${first} has it already; the first is kept)`);
    else if (!checked.ok) refuse(record, `spec.${checked.message} (so its ${count} runs are refused)`);
    else if (checked.value.name !== name)
      refuse(
        record,
        `name: Invalid sweep name: ${show(name)} (must be its spec’s name, ${show(checked.value.name)}; so its ${count} runs are refused)`,
      );
    else {
      ids.set(id, i);
      sources.push({ path: `sweeps.${i}.runs`, runs: runs as unknown[], spec: checked.value, sweepId: id, before });
    }
    before += count;
  }
  return planRuns(sources, refusals);
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

/** The sweep a source's runs must belong to, and how a run of another is refused. */
function sweepRule(source: Source, owner: string, sweepId: string): string {
  return source.sweepId === null
    ? `config.sweepId: Invalid sweep id: ${show(sweepId)} (must be ${show(owner)}, as the file’s first run: a --json file holds the runs of one spec)`
    : `config.sweepId: Invalid sweep id: ${show(sweepId)} (must be ${show(owner)}, the id of the sweep it is listed under)`;
}

function planRuns(sources: readonly Source[], sweepRefusals: Refusal[]): ImportPlan {
  const refusals: Refusal[] = sweepRefusals;
  const refuse: Refuse = (source, at, message) => {
    const order = source.before + at;
    refusals.push({ order, record: recordOf(source.runs[at], order), message: `${source.path}.${at}.${message}` });
  };
  const sweeps = new Map<string, SweepOfFile>();
  const seen = new Map<string, string>();
  for (const source of sources) {
    const inOrder = specOrder(source.spec);
    // A source with a spec holds one sweep: a Runs JSON sweep's id, or the command line's first run's.
    let owner = source.sweepId;
    for (const [at, raw] of source.runs.entries()) {
      const expected = inOrder(raw);
      const checked = validate(expected ? MatchedRunSchema : RunSchema, raw);
      if (!checked.ok) {
        refuse(source, at, checked.message);
        continue;
      }
      const { summary, annotations } = checked.value;
      const run: ImportedRun = {
        config: (expected ?? checked.value.config) as RunConfig,
        summary,
        ...(annotations ? { annotations } : {}),
      };
      const { id, sweepId, index } = run.config;
      const expectedId = runId(sweepId, index);
      if (id !== expectedId) {
        refuse(
          source,
          at,
          `config.id: Invalid run id: ${show(id)} (must be its sweep id, ":" and its index in 6 digits: ${show(expectedId)})`,
        );
        continue;
      }
      const first = seen.get(id);
      if (first !== undefined) {
        refuse(source, at, `config.id: Duplicate run id: ${show(id)} (${first} has it already; the first is kept)`);
        continue;
      }
      const inconsistent = checkSummary(run);
      if (inconsistent) {
        refuse(source, at, inconsistent);
        continue;
      }
      if (source.spec && owner !== null && sweepId !== owner) {
        refuse(source, at, sweepRule(source, owner, sweepId));
        continue;
      }
      let sweep = sweeps.get(sweepId);
      if (!sweep) {
        const ofRun = source.spec
          ? { ok: true as const, value: source.spec }
          : validateSweepSpec(specOfRun(run.config));
        if (!ofRun.ok) {
          refuse(source, at, `config: ${ofRun.message}`);
          continue;
        }
        if (!source.spec && index !== 0) {
          refuse(
            source,
            at,
            `config.index: Invalid run index: ${index} (a run without its sweep’s spec becomes a sweep of one run, so it must be 0; import its sweep’s --json instead)`,
          );
          continue;
        }
        sweep = { spec: ofRun.value, runs: [] };
        sweeps.set(sweepId, sweep);
      }
      if (source.spec) owner = sweepId;
      seen.set(id, `${source.path}.${at}`);
      sweep.runs.push({ source, at, run, matched: expected !== null });
    }
  }
  const plannedSweeps: ImportedSweep[] = [];
  const accepted: Candidate[] = [];
  for (const [id, sweep] of sweeps) {
    const kept = matchSpec(id, sweep, refuse);
    if (kept.length === 0) continue;
    plannedSweeps.push({ id, spec: sweep.spec, runCount: countRuns(sweep.spec), runsInFile: kept.length });
    for (const candidate of kept) accepted.push(candidate);
  }
  const orderOf = ({ source, at }: Candidate): number => source.before + at;
  accepted.sort((a, b) => orderOf(a) - orderOf(b));
  refusals.sort((a, b) => a.order - b.order);
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
function matchSpec(sweepId: string, sweep: SweepOfFile, refuse: Refuse): Candidate[] {
  const runCount = countRuns(sweep.spec);
  const kept: Candidate[] = [];
  const byIndex = new Map<number, Candidate>();
  for (const candidate of sweep.runs) {
    const { index } = candidate.run.config;
    if (candidate.matched) kept.push(candidate);
    else if (index >= runCount)
      refuse(
        candidate.source,
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
        candidate.source,
        candidate.at,
        `config.${difference.path}: ${show(difference.a)} is not what its sweep’s spec gives run ${expected.index} (${show(difference.b)}), so the run cannot belong to that sweep`,
      );
    else kept.push(candidate);
  }
  return kept;
}
