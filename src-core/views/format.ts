import type { ObjectiveConfig } from '../contract/engine';
import type { RunConfig, RunSummary } from '../contract/types';
import { formatCount } from '../contract/fields';

/** A run's outcome in words, as the runs table shows it. */
export function describeStatus(summary: RunSummary): string {
  switch (summary.status) {
    case 'completed':
      return 'completed';
    case 'diverged':
      return `diverged at step ${summary.divergedAt}`;
    case 'converged':
      return `converged at step ${summary.stepsToTolerance}`;
    case 'failed':
      return `failed: ${summary.error ?? 'unknown reason'}`;
  }
}

/** A count as read in the window, "10,000" not "10000": the one style the contract's rules write counts in too. */
export { formatCount };

/**
 * A number as every view writes it, tables, tooltips and axes alike, with the digits it has (round it first): plainly
 * from 1e-4 up to 1e6, else as 1.67772e7 or 5e-8, without toExponential's "+" (the axes' form, and the shorter one).
 */
export function numberText(x: number): string {
  const magnitude = Math.abs(x);
  return magnitude > 0 && magnitude < Infinity && (magnitude < 1e-4 || magnitude >= 1e6)
    ? x.toExponential().replace('e+', 'e')
    : String(x);
}

/** Six significant digits for tables and tooltips; exact values are in the CSV export. */
export function formatMetric(x: number): string {
  if (x === 0) return '0';
  // Shortest form of the 6-digit rounding: 1e-8, not 1.0000e-8.
  return numberText(Number(x.toPrecision(6)));
}

/**
 * How fast runs are computed, as the command line's progress writes it: whole runs a second from 10 up ("1,234
 * runs/s"), two significant digits below ("0.16 runs/s"). Rounded to a whole number, a slow sweep's card had read
 * "0 runs/s" beside "1 min 54 s left".
 */
export function formatRate(runsPerSecond: number): string {
  const rate =
    runsPerSecond >= 10 ? formatCount(Math.round(runsPerSecond)) : numberText(Number(runsPerSecond.toPrecision(2)));
  return `${rate} runs/s`;
}

/** A size in decimal units, three significant digits: "73.7 kB", "10.7 GB", "64 MB". */
export function formatBytes(n: number): string {
  const units = ['B', 'kB', 'MB', 'GB', 'TB'];
  const power = Math.min(units.length - 1, Math.max(0, Math.floor(Math.log10(Math.max(n, 1)) / 3)));
  return `${Number((n / 1000 ** power).toPrecision(3))} ${units[power]}`;
}

/** A duration in words: "under a second", "42 s", "1 min 5 s", "2 h 3 min". */
export function formatDuration(seconds: number): string {
  if (seconds < 1) return 'under a second';
  if (seconds < 60) return `${Math.round(seconds)} s`;
  const minutes = Math.floor(seconds / 60);
  return minutes < 60
    ? `${minutes} min ${Math.round(seconds % 60)} s`
    : `${Math.floor(minutes / 60)} h ${minutes % 60} min`;
}

/** formatMetric, with the values a diverged run ends on written as a reader writes them: ∞, −∞, NaN. */
export function formatOutcome(x: number): string {
  if (x === Infinity) return '∞';
  if (x === -Infinity) return '−∞';
  return Number.isNaN(x) ? 'NaN' : formatMetric(x);
}

/** An objective's settings as "key=value" pairs, each value written by `value`: "dim=2 kappa=1000". */
export function objectiveSettingsText(config: ObjectiveConfig, value: (x: unknown) => string): string {
  return Object.entries(config)
    .filter(([key]) => key !== 'id')
    .map(([key, x]) => `${key}=${value(x)}`)
    .join(' ');
}

/** An objective by its id and settings, as the CSV files write it: "rosenbrock(dim=2)", "quadratic-1d". */
export function describeObjective(config: ObjectiveConfig): string {
  const settings = objectiveSettingsText(config, String);
  return settings === '' ? config.id : `${config.id}(${settings})`;
}

/** A hyperparameter of a run's optimizer, or undefined when its kind has none (SGD has no eps). */
export function hyperparameter(config: RunConfig, name: string): number | boolean | string | undefined {
  return (config.optimizer as unknown as Record<string, number | boolean | string | undefined>)[name];
}
