/**
 * From a sweep's runs to fANOVA's input, as Optuna builds it from a study's trials (optuna/importance/_base.py,
 * _transform.py), and what was left out on the way, for the view to say:
 *
 * - target: log10 of the final or best loss (losses span decades; a factor of 10 should weigh the same at 1e-6 as at
 *   1). A run that failed or whose loss is not finite (diverged to NaN/∞) is left out, as Optuna leaves out trials
 *   that are not COMPLETE or have a non-finite value. A loss of exactly 0 has no logarithm: it is clamped to the
 *   smallest positive loss among the runs (it is at least as good as the best of them). If any loss is negative (an
 *   objective without a lower bound), no logarithm is taken and the loss itself is the target.
 * - features: each setting settingColumns finds varying, on its own scale: log10 of the value on a log scale, the value
 *   on a linear one, a categorical one one-hot (one column per category, bounds [0, 1], as Optuna encodes it). A setting
 *   some used runs lack (SGD has no eps) is not assessed, as Optuna assesses only the intersection search space; nor is
 *   one that takes a single value among the used runs (Optuna gives it 0 and leaves it out of the fit).
 * - box: each numeric setting's [min, max] over the used runs. Optuna takes the distribution's bounds; a sweep's runs
 *   reach its range's ends (a grid) or come close (random search), and the forest knows nothing beyond the data.
 *   Each numeric column is then mapped onto [0, 1] by that box. fANOVA does not depend on a setting's units (splits
 *   and volume shares are the same), except through sklearn's rule that values 1e-7 apart or closer are one value:
 *   unscaled, an eps drawn from uniform(1e-10, 2e-10) would be a single value to the forest and rank 0.
 */
import type { SweepSpec } from '../contract/sweep-spec';
import type { RunRecord } from '../views/heatmap';
import { settingColumns, type SettingScale } from '../views/swept-settings';
import type { FanovaInput } from './fanova';

export type ImportanceTarget = 'finalLoss' | 'bestLoss';

export interface ImportanceSetting {
  name: string;
  scale: SettingScale;
}

/** What went into the fit and what did not, counted for the status line. */
export interface ImportanceReport {
  runs: number;
  used: number;
  /** Of the used runs, those that diverged (past the blow-up limit) at a loss that is still finite. */
  usedDiverged: number;
  /** Runs left out: failed, or no finite loss. */
  leftOut: number;
  /** Used runs whose loss was exactly 0, clamped to `clampedTo`. */
  zerosClamped: number;
  clampedTo: number | null;
  /** False when a negative loss made the loss itself the target. */
  logTarget: boolean;
  notAssessed: { name: string; reason: string }[];
}

export type ImportancePlan =
  | { ok: true; settings: ImportanceSetting[]; input: FanovaInput; report: ImportanceReport }
  | { ok: false; message: string; report: ImportanceReport };

export function importancePlan(
  runs: readonly RunRecord[],
  specs: readonly SweepSpec[],
  target: ImportanceTarget,
): ImportancePlan {
  const usable = runs.map((r) => r.summary.status !== 'failed' && Number.isFinite(r.summary[target]));
  const rows = usable.flatMap((ok, i) => (ok ? [i] : []));
  const losses = rows.map((i) => runs[i].summary[target]);
  const positive = losses.filter((l) => l > 0);
  const logTarget = losses.every((l) => l >= 0);
  const clampedTo = logTarget && positive.length > 0 ? extent(Float64Array.from(positive))[0] : null;
  const zerosClamped = clampedTo === null ? 0 : losses.filter((l) => l === 0).length;
  const report: ImportanceReport = {
    runs: runs.length,
    used: rows.length,
    usedDiverged: rows.filter((i) => runs[i].summary.status === 'diverged').length,
    leftOut: runs.length - rows.length,
    zerosClamped,
    clampedTo: zerosClamped > 0 ? clampedTo : null,
    logTarget,
    notAssessed: [],
  };
  if (rows.length < 2)
    return {
      ok: false,
      message: `Importance needs at least 2 runs with a finite ${label(target)}; this sweep has ${rows.length}.`,
      report,
    };
  if (logTarget && clampedTo === null)
    return { ok: false, message: `Every used run has a ${label(target)} of 0: there is nothing to explain.`, report };

  const settings: ImportanceSetting[] = [];
  const columns: Float64Array[] = [];
  const bounds: [number, number][] = [];
  const groups: number[][] = [];
  for (const { setting, values } of settingColumns(runs, specs)) {
    const used = Float64Array.from(rows, (i) => values[i]);
    const missing = used.filter(Number.isNaN).length;
    if (missing > 0) {
      report.notAssessed.push({ name: setting.name, reason: `absent from ${missing} of the used runs` });
      continue;
    }
    const encoded = encode(used, setting.scale, setting.values.length);
    if (encoded.length === 0) {
      report.notAssessed.push({ name: setting.name, reason: 'one value in every used run' });
      continue;
    }
    settings.push({ name: setting.name, scale: setting.scale });
    groups.push(encoded.map((_, k) => columns.length + k));
    for (const column of encoded) {
      const [low, high] = setting.scale === 'categorical' ? [0, 1] : extent(column);
      columns.push(column.map((v) => (v - low) / (high - low)));
      bounds.push([0, 1]);
    }
  }
  if (settings.length < 2) {
    const varied = settings.map((s) => s.name).join(', ') || 'none';
    return {
      ok: false,
      message: `Importance compares at least 2 settings that vary among the used runs; this sweep has ${settings.length} (${varied}).`,
      report,
    };
  }
  const y = Float64Array.from(losses, (l) => (!logTarget ? l : Math.log10(l === 0 ? clampedTo! : l)));
  return { ok: true, settings, input: { columns, y, bounds, groups }, report };
}

/** A setting's feature columns, or none when it takes one value (nothing to split on). */
function encode(values: Float64Array, scale: SettingScale, categories: number): Float64Array[] {
  if (scale === 'categorical') {
    const present = [...Array(categories).keys()].filter((c) => values.includes(c));
    return present.length < 2 ? [] : present.map((c) => values.map((v) => (v === c ? 1 : 0)));
  }
  // A log-scale setting is positive (the sweep schema refuses a log range through 0); the check only keeps log10 real.
  const column = scale === 'log' && values.every((v) => v > 0) ? values.map(Math.log10) : values;
  const [low, high] = extent(column);
  return low < high ? [column] : [];
}

/** [min, max] by a loop (spreading 10⁵ values into Math.min would overflow the call stack). */
function extent(column: Float64Array): [number, number] {
  let [low, high] = [Infinity, -Infinity];
  for (const v of column) [low, high] = [Math.min(low, v), Math.max(high, v)];
  return [low, high];
}

export const label = (target: ImportanceTarget): string => (target === 'finalLoss' ? 'final loss' : 'best loss');
