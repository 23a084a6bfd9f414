/**
 * Progress on stderr while the command line runs: one line that updates in place on a terminal, plain lines (one every
 * few seconds, and the last) when stderr is a file or a pipe, so a log stays readable.
 */
import type { RunResult } from '../../src-core/contract/types';
import { formatCount, formatDuration, formatRate } from '../../src-core/views/format';

export interface ProgressCounts {
  done: number;
  total: number;
  diverged: number;
  failed: number;
  seconds: number;
}

/** "1,200/3,000 runs (40%) · 85 runs/s · 2 s left · 1 diverged, 0 failed": counts and rates as the app writes them. */
function describeProgress({ done, total, diverged, failed, seconds }: ProgressCounts): string {
  const rate = seconds > 0 ? done / seconds : 0;
  const percent = total === 0 ? 100 : Math.floor((100 * done) / total);
  const pace = rate > 0 ? ` · ${formatRate(rate)}` : '';
  const left =
    done === total
      ? ` · took ${formatDuration(seconds)}`
      : rate > 0
        ? ` · ${formatDuration((total - done) / rate)} left`
        : '';
  return `${formatCount(done)}/${formatCount(total)} runs (${percent}%)${pace}${left} · ${formatCount(diverged)} diverged, ${formatCount(failed)} failed`;
}

/** A batch's runs, and how many of them diverged or failed. */
export interface BatchCounts {
  runs: number;
  diverged: number;
  failed: number;
}

export function countsOf(results: readonly RunResult[]): BatchCounts {
  const counts = { runs: results.length, diverged: 0, failed: 0 };
  for (const { summary } of results) {
    if (summary.status === 'diverged') counts.diverged++;
    else if (summary.status === 'failed') counts.failed++;
  }
  return counts;
}

/** Redraws at most this often on a terminal; writes a plain line at most this often elsewhere. */
const TTY_INTERVAL_MS = 100;
const LOG_INTERVAL_MS = 5000;

export class ProgressReporter {
  private readonly counts: ProgressCounts;
  private readonly startedAt: number;
  private lastShown = -Infinity;

  constructor(
    private readonly stream: NodeJS.WriteStream,
    total: number,
    private readonly now: () => number = Date.now,
  ) {
    this.counts = { done: 0, total, diverged: 0, failed: 0, seconds: 0 };
    this.startedAt = now();
  }

  add({ runs, diverged, failed }: BatchCounts): void {
    this.counts.diverged += diverged;
    this.counts.failed += failed;
    this.counts.done += runs;
    const now = this.now();
    // The last line is finish()'s.
    if (
      this.counts.done < this.counts.total &&
      now - this.lastShown >= (this.stream.isTTY ? TTY_INTERVAL_MS : LOG_INTERVAL_MS)
    )
      this.show(now, false);
  }

  /** The final line, always shown. */
  finish(): void {
    this.show(this.now(), true);
  }

  private show(now: number, last: boolean): void {
    this.lastShown = now;
    this.counts.seconds = (now - this.startedAt) / 1000;
    const line = describeProgress(this.counts);
    // \r and "erase to the end of the line" redraw a terminal's line in place.
    this.stream.write(this.stream.isTTY ? `\r${line}\x1b[K${last ? '\n' : ''}` : `${line}\n`);
  }
}
