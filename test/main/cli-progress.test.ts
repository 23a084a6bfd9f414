import { describe, expect, it } from 'vitest';
import { ProgressReporter } from '../../src-main/cli/progress';

/** A stderr that is a file or a pipe (plain lines), its lines kept. */
function logStream(): { stream: NodeJS.WriteStream; lines: string[] } {
  const lines: string[] = [];
  const stream = { isTTY: false, write: (text: string) => lines.push(text) } as unknown as NodeJS.WriteStream;
  return { stream, lines };
}

describe('the command line progress', () => {
  it('writes counts and rates as the app writes them: thousands grouped, a slow rate with two digits', () => {
    let now = 0;
    const { stream, lines } = logStream();
    const progress = new ProgressReporter(stream, 3000, () => now);
    now = 6_000;
    progress.add({ runs: 1, diverged: 0, failed: 0 });
    now = 20_000_000;
    progress.add({ runs: 1199, diverged: 1500, failed: 0 });
    expect(lines).toEqual([
      '1/3,000 runs (0%) · 0.17 runs/s · 4 h 59 min left · 0 diverged, 0 failed\n',
      '1,200/3,000 runs (40%) · 0.06 runs/s · 8 h 20 min left · 1,500 diverged, 0 failed\n',
    ]);
  });

  it('ends with the time the whole sweep took', () => {
    let now = 0;
    const { stream, lines } = logStream();
    const progress = new ProgressReporter(stream, 20_000, () => now);
    now = 2_000;
    progress.add({ runs: 20_000, diverged: 0, failed: 3 });
    progress.finish();
    expect(lines).toEqual(['20,000/20,000 runs (100%) · 10,000 runs/s · took 2 s · 0 diverged, 3 failed\n']);
  });
});
