/**
 * The seeds' comparison table (SGD, Momentum, RMSProp, Adam against AdaGrad), measured: for a sweep over optimizers
 * and learning rates, per optimizer and objective, the best loss, the lr that reached it, and how wide the range of
 * good learning rates is: the lrs whose loss is within `factor` of the best, in decades, log10(max good lr / min good
 * lr). An optimizer that forgives a badly chosen lr has a wide range.
 *
 * The range is the contiguous run of good grid lrs around the best one on the sorted lr axis: a bad or diverged lr
 * between two good ones ends it, so an isolated lucky lr far away does not widen it (such lrs are counted apart, as
 * `outside`). Momentum is SGD with momentum > 0 (optim/rules.ts: one kind, `sgd`), so each momentum is a row of its
 * own. Where several runs share an lr (other settings swept, seeds), the lr's loss is their best; a run that diverged
 * or failed has no loss, and an lr where every run did is marked, never good.
 */
import type { OptimizerConfig } from '../contract/engine';
import type { RunConfig, RunSummary } from '../contract/types';
import { show } from '../contract/show';
import type { Column } from '../export/csv';
import { objectiveLabel, optimizerLabels } from '../views/names';

export interface ComparedRun {
  config: RunConfig;
  summary: RunSummary;
}

export type ComparisonMetric = 'finalLoss' | 'bestLoss';

/** One lr of a row: its loss (NaN where every run diverged or failed) and its runs. */
export interface LrPoint {
  lr: number;
  loss: number;
  /** The run that reached `loss`; null where none has a finite loss. */
  runId: string | null;
  runs: number;
  diverged: number;
  failed: number;
}

export interface ComparisonRow {
  /** The optimizer as the seeds' table names it: "AdaGrad", "SGD", "SGD, momentum 0.9", "RMSProp", "Adam". */
  optimizer: string;
  objective: string;
  /** Ascending lr. */
  points: LrPoint[];
  /** NaN when no lr has a finite loss. */
  bestLoss: number;
  bestLr: number | null;
  bestRunId: string | null;
  /** The contiguous good range around the best lr; null when there is no best. */
  goodFrom: number | null;
  goodTo: number | null;
  /** log10(goodTo / goodFrom): 0 for a single good lr. */
  widthDecades: number | null;
  /** Good lrs outside the contiguous range, which do not widen it. */
  outside: number;
  diverged: number;
  failed: number;
}

export const defaultGoodFactor = 10;

/** A floor must be a finite number ≥ 0; 0 (the default) is no floor. */
export function lossFloorMessage(value: unknown): string | null {
  return typeof value === 'number' && value >= 0 && value < Infinity
    ? null
    : `Invalid loss floor: ${show(value)} (must be a finite number >= 0)`;
}

/** The factor must be > 1 (1 would make only the best lr good): the same words as the hyperparameters' messages. */
export function goodFactorMessage(value: unknown): string | null {
  return typeof value === 'number' && value > 1 && value < Infinity
    ? null
    : `Invalid good-range factor: ${show(value)} (must be a finite number > 1)`;
}

/** The row an optimizer config belongs to: its kind, and for SGD its momentum (Momentum is SGD with momentum > 0). */
export function optimizerRowName(c: OptimizerConfig): string {
  if (c.kind === 'sgd' && c.momentum > 0) return `SGD, momentum ${c.momentum}${c.nesterov ? ' (Nesterov)' : ''}`;
  return optimizerLabels[c.kind];
}

const hasLoss = (s: RunSummary, metric: ComparisonMetric): boolean =>
  s.status !== 'diverged' && s.status !== 'failed' && Number.isFinite(s[metric]);

/** The points of one row: runs grouped by lr, each lr's best loss. */
function pointsOf(runs: readonly ComparedRun[], metric: ComparisonMetric): LrPoint[] {
  const byLr = new Map<number, LrPoint>();
  for (const { config, summary } of runs) {
    const lr = config.optimizer.lr;
    let point = byLr.get(lr);
    if (!point) byLr.set(lr, (point = { lr, loss: NaN, runId: null, runs: 0, diverged: 0, failed: 0 }));
    point.runs++;
    if (summary.status === 'diverged') point.diverged++;
    if (summary.status === 'failed') point.failed++;
    if (hasLoss(summary, metric) && !(summary[metric] >= point.loss)) {
      point.loss = summary[metric];
      point.runId = config.id;
    }
  }
  return [...byLr.values()].sort((a, b) => a.lr - b.lr);
}

/**
 * The best point and the contiguous good range around it (indices into `points`), for a factor > 1: the lrs whose loss
 * is ≤ factor·best, or ≤ `floor`. The floor is for objectives whose minimum is reached: a best loss of 0 (AdaGrad
 * landing exactly on w² + 10b²'s minimum) or 1e-297 makes every lr that merely converged to 1e-20 look bad, since no
 * multiple of 0 is wider; a floor of, say, 1e-10 counts all of them as having solved it.
 */
export function goodRange(
  points: readonly Pick<LrPoint, 'loss'>[],
  factor: number,
  floor = 0,
): { best: number; from: number; to: number; outside: number } | null {
  const message = goodFactorMessage(factor) ?? lossFloorMessage(floor);
  if (message) throw new RangeError(message);
  let best = -1;
  points.forEach((p, i) => {
    if (Number.isFinite(p.loss) && (best < 0 || p.loss < points[best].loss)) best = i;
  });
  if (best < 0) return null;
  const bestLoss = points[best].loss;
  const limit = Math.max(bestLoss > 0 ? bestLoss * factor : bestLoss, floor);
  const good = (i: number) => points[i].loss <= limit; // NaN (diverged) is never good
  let from = best;
  let to = best;
  while (from > 0 && good(from - 1)) from--;
  while (to < points.length - 1 && good(to + 1)) to++;
  let outside = 0;
  points.forEach((_, i) => {
    if ((i < from || i > to) && good(i)) outside++;
  });
  return { best, from, to, outside };
}

export interface ComparisonOptions {
  /** > 1; defaultGoodFactor when absent. */
  factor?: number;
  /** ≥ 0; 0 (no floor) when absent: see goodRange. */
  floor?: number;
  /** The loss each run is judged by: its final loss (the default) or its best. */
  metric?: ComparisonMetric;
}

/**
 * The comparison: one row per optimizer (momentum apart) × objective, in the order first met. Throws RangeError for a
 * factor that is not > 1 or a floor that is not ≥ 0.
 */
export function compareOptimizers(runs: readonly ComparedRun[], options: ComparisonOptions = {}): ComparisonRow[] {
  const { factor = defaultGoodFactor, floor = 0, metric = 'finalLoss' } = options;
  const message = goodFactorMessage(factor) ?? lossFloorMessage(floor);
  if (message) throw new RangeError(message);
  const groups = new Map<string, { optimizer: string; objective: string; runs: ComparedRun[] }>();
  for (const run of runs) {
    const optimizer = optimizerRowName(run.config.optimizer);
    const objective = objectiveLabel(run.config.objective);
    const key = JSON.stringify([optimizer, objective]);
    let group = groups.get(key);
    if (!group) groups.set(key, (group = { optimizer, objective, runs: [] }));
    group.runs.push(run);
  }
  return [...groups.values()].map(({ optimizer, objective, runs: members }) => {
    const points = pointsOf(members, metric);
    const range = goodRange(points, factor, floor);
    const sum = (pick: (p: LrPoint) => number) => points.reduce((total, p) => total + pick(p), 0);
    const [diverged, failed] = [sum((p) => p.diverged), sum((p) => p.failed)];
    if (!range)
      return {
        optimizer,
        objective,
        points,
        bestLoss: NaN,
        bestLr: null,
        bestRunId: null,
        goodFrom: null,
        goodTo: null,
        widthDecades: null,
        outside: 0,
        diverged,
        failed,
      };
    const [from, to] = [points[range.from].lr, points[range.to].lr];
    return {
      optimizer,
      objective,
      points,
      bestLoss: points[range.best].loss,
      bestLr: points[range.best].lr,
      bestRunId: points[range.best].runId,
      goodFrom: from,
      goodTo: to,
      widthDecades: Math.log10(to) - Math.log10(from),
      outside: range.outside,
      diverged,
      failed,
    };
  });
}

/**
 * What the comparison needs: at least two optimizer rows and a swept lr (some row with two lrs or more). The reason
 * it cannot be drawn, or null.
 */
export function comparisonMissing(rows: readonly ComparisonRow[]): string | null {
  const optimizers = new Set(rows.map((r) => r.optimizer)).size;
  const swept = rows.some((r) => r.points.length > 1);
  if (optimizers >= 2 && swept) return null;
  const needs = [
    optimizers < 2 ? `two optimizers or more (this sweep has ${optimizers})` : '',
    swept ? '' : 'a swept learning rate (every optimizer here has one lr)',
  ].filter(Boolean);
  return `Comparing optimizers needs a sweep with ${needs.join(' and ')}: e.g. the preset “Tuned comparison”.`;
}

/** The table as CSV (export/csv.ts), numbers exact; empty cells where a row has no finite loss. */
export const comparisonCsvColumns: readonly Column<ComparisonRow>[] = [
  { header: 'optimizer', cell: (r) => r.optimizer },
  { header: 'objective', cell: (r) => r.objective },
  { header: 'best_loss', cell: (r) => (Number.isFinite(r.bestLoss) ? r.bestLoss : null) },
  { header: 'best_lr', cell: (r) => r.bestLr },
  { header: 'good_lr_from', cell: (r) => r.goodFrom },
  { header: 'good_lr_to', cell: (r) => r.goodTo },
  { header: 'width_decades', cell: (r) => r.widthDecades },
  { header: 'good_lrs_outside', cell: (r) => r.outside },
  { header: 'lrs', cell: (r) => r.points.length },
  { header: 'diverged_runs', cell: (r) => r.diverged },
  { header: 'failed_runs', cell: (r) => r.failed },
];
