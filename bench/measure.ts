/**
 * Timing: contenders run in turns (A B C, A B C, …) so that a noisy neighbour slows all alike; medians reported. Time
 * is the process's CPU time, not the wall clock: on a machine shared with other work the wall clock also counts the
 * time the scheduler gave to others (the C reference measures CLOCK_PROCESS_CPUTIME_ID likewise).
 */

export interface Contender {
  name: string;
  /** Units of work one call does (parameter updates, or bytes for W2). */
  work: number;
  /** Seconds one call took: timed here, or by the contender itself (the C reference times its own loop). */
  run(): number;
}

export interface Measured {
  name: string;
  work: number;
  seconds: number[];
  median: number;
  /** work / median. */
  rate: number;
}

export const median = (xs: readonly number[]): number => {
  const sorted = [...xs].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};

/** CPU seconds of this process (every thread: the JIT's and the garbage collector's helpers count too). */
export const cpuSeconds = (since?: NodeJS.CpuUsage): number => {
  const { user, system } = process.cpuUsage(since);
  return (user + system) / 1e6;
};

/** Wraps a function as a contender timed in CPU seconds. */
export const timed = (name: string, work: number, fn: () => unknown): Contender => ({
  name,
  work,
  run() {
    const start = process.cpuUsage();
    fn();
    return cpuSeconds(start);
  },
});

/**
 * Warm-up calls each (so the JIT has compiled them: a contender of a few milliseconds gets up to five, within a quarter
 * of a second; the compiler tiers a function up only after enough calls), then `repeats` rounds.
 */
export function measure(contenders: readonly Contender[], repeats: number): Measured[] {
  for (const c of contenders)
    for (let calls = 0, spent = 0; calls === 0 || (calls < 5 && spent < 0.25); calls++) spent += c.run();
  const seconds = contenders.map(() => [] as number[]);
  for (let r = 0; r < repeats; r++) contenders.forEach((c, i) => seconds[i].push(c.run()));
  return contenders.map((c, i) => {
    const m = median(seconds[i]);
    return { name: c.name, work: c.work, seconds: seconds[i], median: m, rate: c.work / m };
  });
}
