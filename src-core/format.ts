import type { RunSummary } from './contract/types';

/** A run's outcome in words, as the runs table shows it. */
export function describeStatus(summary: RunSummary): string {
  switch (summary.status) {
    case 'completed':
      return 'completed';
    case 'diverged':
      return `diverged at step ${summary.divergedAt}`;
    case 'failed':
      return `failed: ${summary.error ?? 'unknown reason'}`;
  }
}

/** Six significant digits for tables; exact values are in the CSV export. */
export function formatMetric(x: number): string {
  if (!Number.isFinite(x)) return String(x);
  if (x === 0) return '0';
  const magnitude = Math.abs(x);
  return magnitude >= 1e-4 && magnitude < 1e6 ? String(Number(x.toPrecision(6))) : x.toExponential(4);
}
