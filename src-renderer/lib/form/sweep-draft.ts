/**
 * The sweep form's model, free of Svelte: what a person has typed (all text, one string per field), and the way to it
 * from a stored spec or run, for duplicates and re-runs. Reading and checking it: draft-check.ts.
 */
import { objectiveInfo } from '../../../src-core/objectives';
import type { ObjectiveConfig, ObjectiveId, OptimizerConfig, OptimizerKind } from '../../../src-core/contract/engine';
import {
  defaultDivergenceThreshold,
  SweepLimits,
  type Axis,
  type DivergenceThreshold,
  type HyperparameterValue,
  type RunConfig,
  type SweepSpec,
} from '../../../src-core/contract/sweep-spec';
import { formatAxis, formatValues } from '../../../src-core/sweep/parse';
import { optimizerFields } from './optimizer-fields';
import { optimizerLabels } from '../../../src-core/views/names';

export interface ObjectiveDraft {
  id: ObjectiveId;
  /** Per setting key, as typed; '' leaves it out (an optional one takes its default, a required one is missing). */
  settings: Record<string, string>;
}

export interface OptimizerDraft {
  kind: OptimizerKind;
  /** Per hyperparameter: one value (fixed), a list or range (swept); '' takes the kind's default. */
  values: Record<string, string>;
}

export interface SweepDraft {
  name: string;
  objectives: ObjectiveDraft[];
  /** 'default' (or nothing): each objective's own start. */
  start: string;
  optimizers: OptimizerDraft[];
  steps: string;
  seeds: string;
  /** '' for none. */
  tolerance: string;
  /** '' for the default (10⁶ × the initial loss); 'off' for none. */
  divergenceThreshold: string;
  /** PyTorch's behaviour: step on after a non-finite value (the summary still reports the first). */
  continueAfterNonFinite: boolean;
  /** '' to size the trace to the sweep (autoTracePoints). */
  traceMaxPoints: string;
  /** '' for the default limit. */
  maxRuns: string;
  search: 'grid' | 'random';
  samples: string;
  searchSeed: string;
}

/** A newly picked objective, every setting at its default. */
export const objectiveDraft = (id: ObjectiveId): ObjectiveDraft => ({
  id,
  settings: Object.fromEntries(objectiveInfo[id].parameters.map((p) => [p.key, String(p.default)])),
});

/** Every hyperparameter of the kind at its default, with `values` over them. */
export function optimizerDraft(kind: OptimizerKind, values: Record<string, HyperparameterValue> = {}): OptimizerDraft {
  return {
    kind,
    values: Object.fromEntries(optimizerFields(kind).map((f) => [f.key, String(values[f.key] ?? f.default)])),
  };
}

/** What the form shows first: the seeds' worked example over three learning rates. */
export function defaultDraft(): SweepDraft {
  return {
    // Blank: the sweep is named after what the form holds (suggestedName) until a name is typed.
    name: '',
    objectives: [objectiveDraft('quadratic-1d')],
    start: 'default',
    optimizers: [optimizerDraft('adagrad', { lr: '1, 0.5, 0.1' })],
    steps: '100',
    seeds: '0',
    tolerance: '',
    divergenceThreshold: '',
    continueAfterNonFinite: false,
    traceMaxPoints: '',
    maxRuns: '',
    search: 'grid',
    samples: '20',
    searchSeed: '0',
  };
}

/**
 * The name a sweep launched without one gets, shown in the empty name field as the form changes: what it runs on what,
 * "AdaGrad on f(w, b) = w² + 10b²", "AdaGrad, SGD on Rosenbrock, f(x) = x²", and where from when a start is typed.
 */
export function suggestedName(draft: SweepDraft): string {
  const kinds = [...new Set(draft.optimizers.map((o) => optimizerLabels[o.kind]))].join(', ');
  const objectives = [...new Set(draft.objectives.map((o) => objectiveInfo[o.id].label))].join(', ');
  const start = draft.start.trim();
  const name = `${kinds} on ${objectives}${start === '' || start === 'default' ? '' : ` from ${start}`}`;
  // A long typed start point must not make the name too long to launch.
  return name.length <= SweepLimits.maxNameLength ? name : `${name.slice(0, SweepLimits.maxNameLength - 1)}…`;
}

/** An objective's settings as text; one it leaves out stays blank (an optional setting at its default). */
const objectiveText = (objective: ObjectiveConfig): ObjectiveDraft => {
  const { id, ...settings } = objective as { id: ObjectiveId } & Record<string, number>;
  const blanks = Object.fromEntries(objectiveInfo[id].parameters.map((p) => [p.key, '']));
  return {
    id,
    settings: { ...blanks, ...Object.fromEntries(Object.entries(settings).map(([k, v]) => [k, String(v)])) },
  };
};

/** A divergence threshold as typed: blank for the default (or none stored), 'off', or the number. */
const thresholdText = (threshold: DivergenceThreshold | undefined): string =>
  threshold === undefined || threshold === defaultDivergenceThreshold ? '' : String(threshold);

/** A stored (validated) sweep as the form would have it typed: a duplicate launches the same runs. */
export function draftFromSpec(spec: SweepSpec, name: string): SweepDraft {
  return {
    name,
    objectives: spec.objectives.map(objectiveText),
    start: spec.start ? formatValues(spec.start) : 'default',
    optimizers: spec.optimizers.map((entry) => {
      const draft = optimizerDraft(entry.kind, entry.fixed as Record<string, HyperparameterValue>);
      for (const [key, axis] of Object.entries(entry.axes as Record<string, Axis | undefined>))
        if (axis) draft.values[key] = formatAxis(axis);
      return draft;
    }),
    steps: String(spec.steps),
    seeds: formatValues(spec.seeds),
    tolerance: spec.tolerance === null ? '' : String(spec.tolerance),
    divergenceThreshold: thresholdText(spec.divergenceThreshold),
    continueAfterNonFinite: spec.continueAfterNonFinite === true,
    traceMaxPoints: spec.traceMaxPoints === null ? '' : String(spec.traceMaxPoints),
    maxRuns: String(spec.maxRuns),
    search: spec.search.mode,
    samples: spec.search.mode === 'random' ? String(spec.search.samples) : '20',
    searchSeed: spec.search.mode === 'random' ? String(spec.search.seed) : '0',
  };
}

/** One run as a sweep of one: the same objective, start, optimizer, steps, seed, tolerance and trace size. */
export function draftFromRun(config: RunConfig, name: string): SweepDraft {
  const { kind, ...hyperparameters } = config.optimizer as OptimizerConfig & Record<string, HyperparameterValue>;
  return {
    ...defaultDraft(),
    name,
    objectives: [objectiveText(config.objective)],
    start: config.start ? formatValues(config.start) : 'default',
    optimizers: [optimizerDraft(kind, hyperparameters)],
    steps: String(config.steps),
    seeds: String(config.seed),
    tolerance: config.tolerance === null ? '' : String(config.tolerance),
    divergenceThreshold: thresholdText(config.divergenceThreshold),
    continueAfterNonFinite: config.continueAfterNonFinite === true,
    traceMaxPoints: String(config.traceMaxPoints),
  };
}
