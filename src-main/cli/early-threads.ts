/**
 * How many worker threads the command line will run, read from its arguments before its modules load: the entry
 * (src-main/cli.ts) starts them at once, so that each worker's own start (a thread, its modules: ~50 ms of CPU) runs
 * while the main thread reads the command line's modules and the engine's, where it followed them before.
 *
 * A first look, not the parse: it answers only where the parse (args.ts) can give nothing else, and null wherever it
 * might (then the workers start after the parse, as they did): a subcommand (`link`, `agent`), --help, --redis, or a
 * --threads that is not a whole number from 1 to the machine's cores (args.ts allows up to maxThreads, and refuses the
 * rest). The command line still takes the started threads only if the parse asks for as many (cli/main.ts).
 */
import { availableParallelism } from 'node:os';
import { parseArgs } from 'node:util';

export function earlyThreads(argv: readonly string[]): number | null {
  if (argv[0] === 'link' || argv[0] === 'agent') return null;
  let values: { threads?: string | boolean; redis?: string | boolean; help?: string | boolean };
  try {
    // Not strict: every other option is the parse's to read and to refuse.
    ({ values } = parseArgs({
      args: [...argv],
      options: { threads: { type: 'string' }, redis: { type: 'string' }, help: { type: 'boolean', short: 'h' } },
      strict: false,
      allowPositionals: true,
    }));
  } catch {
    return null;
  }
  if (values.help !== undefined || values.redis !== undefined) return null;
  const cores = availableParallelism();
  if (values.threads === undefined) return cores;
  const threads = typeof values.threads === 'string' && /^\d+$/.test(values.threads) ? Number(values.threads) : NaN;
  return threads >= 1 && threads <= cores ? threads : null;
}
