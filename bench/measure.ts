/** Timing: contenders run in turns (A B C, A B C, …) so that a noisy neighbour slows all alike; medians reported. */

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

/** Wraps a function as a contender timed with performance.now(). */
export const timed = (name: string, work: number, fn: () => unknown): Contender => ({
  name,
  work,
  run() {
    const start = performance.now();
    fn();
    return (performance.now() - start) / 1000;
  },
});

/** One warm-up call each (so the JIT has compiled them), then `repeats` rounds. */
export function measure(contenders: readonly Contender[], repeats: number): Measured[] {
  for (const c of contenders) c.run();
  const seconds = contenders.map(() => [] as number[]);
  for (let r = 0; r < repeats; r++) contenders.forEach((c, i) => seconds[i].push(c.run()));
  return contenders.map((c, i) => {
    const m = median(seconds[i]);
    return { name: c.name, work: c.work, seconds: seconds[i], median: m, rate: c.work / m };
  });
}
