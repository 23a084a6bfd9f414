/**
 * What a sweep varied, as the analysis views need it: each setting that takes more than one value across the runs, on
 * the scale it is read on, and its value in every run as one typed column (one pass over the runs, so 10,000 runs cost
 * one settingsOf each, not one per view and axis).
 *
 * Scale: 'log' where the sweep drew the setting on a log range or log-uniformly (lr = log(1e-4, 1, 9), loguniform),
 * 'linear' on a linear range or uniformly; a typed list (or a run without its sweep's spec) reads as log when its
 * values are all > 0 and span two decades or more (1e-4, 1e-3, 1e-2 is a log grid typed out), else linear; anything
 * that is not a number (the optimizer, the objective, a flag) is 'categorical'.
 */
import type { Axis, SweepSpec } from '../contract/sweep-spec';
import type { RunRecord } from './heatmap';
import { settingsOf } from './compare';

export type SettingScale = 'log' | 'linear' | 'categorical';

export interface SweptSetting {
  name: string;
  scale: SettingScale;
  /** Distinct values as settingsOf writes them (exact), numbers ascending, others in the order met. */
  values: string[];
}

export interface SettingColumn {
  setting: SweptSetting;
  /**
   * Per run, in the order given: a numeric setting's value (NaN where the run lacks the setting: SGD has no eps), a
   * categorical one's index into `setting.values` (NaN where the run lacks it).
   */
  values: Float64Array;
}

const isNumber = (text: string): boolean => text.trim() !== '' && Number.isFinite(Number(text));

/** Two decades or more between positive ends: a list this wide was a log grid typed out. */
export const spansDecades = (low: number, high: number): boolean => low > 0 && high / low >= 100;

/** How each spec drew a hyperparameter: 'log' or 'linear' for a range, null for a typed list. */
function drawnScales(specs: readonly SweepSpec[]): Map<string, 'log' | 'linear' | null> {
  const scales = new Map<string, 'log' | 'linear' | null>();
  for (const spec of specs)
    for (const optimizer of spec.optimizers)
      for (const [name, axis] of Object.entries(optimizer.axes) as [string, Axis][]) {
        const scale = 'log' in axis || 'logUniform' in axis ? 'log' : 'values' in axis ? null : 'linear';
        // Two sweeps drawing one setting differently: a range beats a list, log beats linear.
        const known = scales.get(name);
        if (known === undefined || known === null || scale === 'log') scales.set(name, scale);
      }
  return scales;
}

function scaleOf(values: readonly string[], drawn: 'log' | 'linear' | null | undefined): SettingScale {
  if (!values.every(isNumber)) return 'categorical';
  if (drawn) return drawn;
  const numbers = values.map(Number);
  const [low, high] = [Math.min(...numbers), Math.max(...numbers)];
  return spansDecades(low, high) ? 'log' : 'linear';
}

/** The settings that vary across `runs`, each with its column; `specs`: the sweeps the runs come from (may be none). */
export function settingColumns(runs: readonly RunRecord[], specs: readonly SweepSpec[]): SettingColumn[] {
  const perRun = runs.map((run) => settingsOf(run.config));
  const distinct = new Map<string, Set<string>>();
  for (const settings of perRun)
    for (const [name, value] of settings) {
      if (!distinct.has(name)) distinct.set(name, new Set());
      distinct.get(name)!.add(value);
    }
  const drawn = drawnScales(specs);
  return [...distinct]
    .filter(([, values]) => values.size > 1)
    .map(([name, set]) => {
      const scale = scaleOf([...set], drawn.get(name));
      const values = scale === 'categorical' ? [...set] : [...set].sort((a, b) => Number(a) - Number(b));
      const index = new Map(values.map((v, i) => [v, i]));
      const column = new Float64Array(runs.length);
      perRun.forEach((settings, r) => {
        const text = settings.get(name);
        column[r] = text === undefined ? NaN : scale === 'categorical' ? index.get(text)! : Number(text);
      });
      return { setting: { name, scale, values }, values: column };
    });
}
