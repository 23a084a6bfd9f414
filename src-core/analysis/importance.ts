/**
 * Parameter importance of a sweep's runs, end to end: the runs planned into fANOVA's input (importance-inputs.ts), the
 * forest grown and decomposed (fanova.ts, Optuna's defaults with the seed fixed at 0, so the same runs always give the
 * same bars), the settings ranked. Also the view's CSV. Pure: the renderer runs it in a worker.
 */
import type { SweepSpec } from '../contract/sweep-spec';
import { errorMessage } from '../contract/result';
import { csvHeader, csvRows, type Column } from '../export/csv';
import type { RunRecord } from '../views/heatmap';
import type { SettingScale } from '../views/swept-settings';
import { fanova } from './fanova';
import { importancePlan, type ImportanceReport, type ImportanceTarget } from './importance-inputs';
import { OPTUNA_FOREST } from './random-forest';

export interface SettingImportance {
  name: string;
  scale: SettingScale;
  /** ≥ 0; the assessed settings' importances sum to 1. */
  importance: number;
}

export type ImportanceOutcome =
  | { ok: true; ranking: SettingImportance[]; trees: number; report: ImportanceReport }
  | { ok: false; message: string; report: ImportanceReport };

export const IMPORTANCE_TREES = OPTUNA_FOREST.trees;

export function parameterImportance(
  runs: readonly RunRecord[],
  specs: readonly SweepSpec[],
  target: ImportanceTarget,
  onTree?: (done: number) => void,
): ImportanceOutcome {
  const plan = importancePlan(runs, specs, target);
  if (!plan.ok) return plan;
  try {
    const { importances } = fanova(plan.input, OPTUNA_FOREST, onTree);
    const ranking = plan.settings
      .map((s, i) => ({ ...s, importance: importances[i] }))
      .sort((a, b) => b.importance - a.importance || a.name.localeCompare(b.name));
    return { ok: true, ranking, trees: OPTUNA_FOREST.trees, report: plan.report };
  } catch (error) {
    return { ok: false, message: errorMessage(error), report: plan.report };
  }
}

const columns: Column<SettingImportance>[] = [
  { header: 'setting', cell: (r) => r.name },
  { header: 'importance', cell: (r) => r.importance },
];

/** The ranking as CSV: setting, importance (round-trip doubles), most important first. */
export const importanceCsv = (ranking: readonly SettingImportance[]): string[] => [
  csvHeader(columns),
  ...csvRows(columns, ranking),
];
