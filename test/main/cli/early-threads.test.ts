/**
 * The entry's first look at the arguments (src-main/cli/early-threads.ts) starts worker threads before the parse: it
 * must never start a number the parse would not ask for, nor any where the parse asks for none.
 */
import { availableParallelism } from 'node:os';
import { fc, test } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import { parseCliArgs } from '../../../src-main/cli/args';
import { earlyThreads } from '../../../src-main/cli/early-threads';

const cores = availableParallelism();

describe('earlyThreads', () => {
  it('reads --threads as the parse does, and every core without it', () => {
    expect(earlyThreads(['sweep.json', '--summary', 'runs.csv'])).toBe(cores);
    expect(earlyThreads(['sweep.json', '--threads', '1'])).toBe(1);
    expect(earlyThreads(['--threads=1', '--steps', '3'])).toBe(1);
    expect(earlyThreads(['--threads', String(cores), 'sweep.json'])).toBe(cores);
  });

  it('starts none where the parse would start none or might read another number', () => {
    for (const argv of [
      ['--help'],
      ['-h', 'sweep.json'],
      ['link', '--port', '8080'],
      ['agent', '--redis', 'redis://127.0.0.1:6379'],
      ['sweep.json', '--redis', 'redis://127.0.0.1:6379'],
      ['sweep.json', '--threads', '0'],
      ['sweep.json', '--threads', '1.5'],
      ['sweep.json', '--threads', 'two'],
      ['sweep.json', '--threads', ''],
      ['sweep.json', '--threads', String(cores + 1)],
      ['sweep.json', '--threads'],
    ])
      expect(earlyThreads(argv), argv.join(' ')).toBeNull();
  });

  // Command lines as people write them, good and bad: options with their values, in any order, and stray tokens.
  const threadsValue = fc.constantFrom('0', '1', '2', String(cores), String(cores + 1), '1.5', 'two', '', '-1');
  const group = fc.oneof(
    threadsValue.map((n) => ['--threads', n]),
    threadsValue.map((n) => [`--threads=${n}`]),
    fc.constant(['--redis', 'redis://127.0.0.1:6379']),
    fc.constant(['--queue', 'lab']),
    fc.constantFrom(['--summary', 'runs.csv'], ['--traces', '-'], ['--json', 'runs.json'], ['--every-step']),
    fc.constantFrom(['--steps', '3'], ['--lr', '0.1'], ['--name', 'n'], ['--run', 'run.json'], ['--quiet']),
    fc.constantFrom(['--help'], ['-h'], ['--unknown'], ['--'], ['--threads'], ['--name']),
  );
  const commandLine = fc
    .tuple(fc.constantFrom([], ['sweep.json'], ['link'], ['agent']), fc.array(group, { maxLength: 5 }))
    .map(([first, groups]) => [...first, ...groups.flat()]);

  test.prop([commandLine], { numRuns: 2000 })(
    'whenever it starts threads, the parse asks for this many of this machine, or refuses the arguments',
    (argv) => {
      const early = earlyThreads(argv);
      if (early === null) return;
      let parsed: ReturnType<typeof parseCliArgs>;
      try {
        parsed = parseCliArgs(argv);
      } catch {
        return;
      }
      expect(parsed.help).toBe(false);
      expect(parsed.agents).toBeUndefined();
      expect(parsed.threads).toBe(early);
    },
  );
});
