/**
 * How many runs each worker task takes. A task costs a fixed overhead (posting it, transferring its results back,
 * keeping and forwarding its parts) on top of its runs, so tasks should be long
 * enough for that to vanish, yet short enough that progress moves smoothly and cancel has little to throw away. Runs
 * differ by orders of magnitude (a 2-parameter run of 1,000 steps takes microseconds; a 10⁶-parameter one, seconds),
 * so the size is learnt from the sweep's own timings rather than guessed: the first task on each worker is one run,
 * and every finished task refines the estimate of the time a run takes.
 */
import type { RunConfig } from '../src-core/contract/types';
import { objectiveDimension } from '../src-core/objectives';
import { maxTraceBytes } from '../src-core/run/trace';

export interface BatchSizing {
  /** The wall time a task should take. */
  targetMs: number;
  /**
   * The most runs in one task, whatever they cost: what Cancel throws away at most per worker. (A task's results reach
   * the window in parts of bounded bytes whatever its size.)
   */
  maxRuns: number;
  /** The most trace bytes in one task: what a worker holds and hands over at once. */
  maxBytes: number;
}

/** The last tasks of a sweep are at least a full task's size divided by this (see BatchSizer.next). */
const TAIL_DIVISOR = 8;

export const defaultBatchSizing: BatchSizing = { targetMs: 50, maxRuns: 2000, maxBytes: 16 * 1024 * 1024 };

/**
 * An estimate for a config, before it runs: the bytes of its trace at most as the worker sends it (step numbers, then
 * loss, θ, g, G and update per kept row).
 */
export const estimatedTraceBytes = (config: RunConfig): number =>
  maxTraceBytes(objectiveDimension(config.objective), config.steps, config.traceMaxPoints);

export class BatchSizer {
  /** Smoothed wall time per run; null until a task has finished. */
  private msPerRun: number | null = null;

  constructor(private readonly sizing: BatchSizing = defaultBatchSizing) {}

  /**
   * The size of the next task, given how many runs are not yet handed out (`next` the first of them) and the number of
   * workers sharing them. Near the end tasks shrink so that the last runs are spread over every worker instead of
   * waiting behind one long task, but not below an eighth of a full task: halving all the way down had ended a W1
   * sweep on two workers with ten tasks from 521 runs down to 1, each a round trip through the main thread that cost
   * more than the waiting it saved. The runs left after a task are never fewer than that floor: they go with it.
   */
  next(remaining: number, next: RunConfig, threads: number): number {
    if (remaining <= 0) return 0;
    const byTime = this.msPerRun === null ? 1 : Math.floor(this.sizing.targetMs / Math.max(this.msPerRun, 1e-6));
    const byBytes = Math.floor(this.sizing.maxBytes / Math.max(estimatedTraceBytes(next), 1));
    const full = Math.max(1, Math.min(byTime, byBytes, this.sizing.maxRuns));
    const floor = Math.ceil(full / TAIL_DIVISOR);
    const size = Math.min(full, remaining, Math.max(Math.ceil(remaining / Math.max(threads, 1)), floor));
    return remaining - size < floor ? Math.min(full, remaining) : size;
  }

  /**
   * A task of `runs` runs took `ms`: the next sizes follow. A faster timing is taken at once, a slower one weighs as
   * much as all before it. The first task on each worker carries its start-up (JIT, the WebAssembly module: 30–60 ms for
   * a run of 30 µs), and a small task its fixed overhead, so early timings overstate a run tens of times; averaging
   * them away halved the estimate once a task, and a 10,000-run sweep spent its first ~0.5 s in a dozen tiny tasks per
   * worker (docs/performance-ui.md). A slower timing is still averaged, so one task slowed by another process taking
   * the core does not halve the next.
   */
  observe(runs: number, ms: number): void {
    if (!(runs > 0 && ms >= 0)) return;
    const perRun = ms / runs;
    this.msPerRun = this.msPerRun === null || perRun < this.msPerRun ? perRun : (this.msPerRun + perRun) / 2;
  }
}
