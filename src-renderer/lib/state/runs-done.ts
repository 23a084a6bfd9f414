import { isSweepActive } from '../../../src-core/contract/types';
import type { RunOutcomes } from './run-list.svelte';

/**
 * How many of a sweep's runs its card counts done. While the main process works on it, the last progress heard (it
 * runs ahead of what is stored); once the sweep has ended, what is stored, which its status waits for: a resumed
 * sweep read "9,275 / 12,000 · completed" with all 12,000 stored, the last progress heard before its end. An
 * interrupted sweep's last progress may count runs that never were stored.
 */
export const runsDone = (status: string, progressDone: number | undefined, storedRuns: number): number =>
  isSweepActive(status) ? (progressDone ?? storedRuns) : storedRuns;

/**
 * The converged, diverged and failed counts a sweep's card shows: the progress's while the sweep runs (ahead of what is
 * stored), its stored runs' once it has ended. Progress is not kept across a reload: an ended sweep's card had lost
 * its "0 converged · 6,884 diverged · 0 failed" when the page was reloaded.
 */
export const outcomesShown = (
  status: string,
  progress: RunOutcomes | undefined,
  stored: RunOutcomes | undefined,
): RunOutcomes | undefined => (isSweepActive(status) ? (progress ?? stored) : stored);
