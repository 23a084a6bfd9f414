/**
 * A pool worker: runs a batch of configs, sent as columns, or a range of a sweep it expands itself (range-task.ts),
 * and hands the results back as columns (result-batch.ts: structured cloning each config and result cost more than a
 * small run). Results with traces are transferred; summaries only are cloned (below).
 */
import { createRequire } from 'node:module';
import type { Piscina } from 'piscina';
import type { ResultColumns } from '../../src-core/contract/types';
import { executeEncoded, transferablesOfColumns } from '../../src-core/run/result-batch';
import { decodeConfigs, type EncodedConfigs, type EncodedResults } from './batch-codec';
import { isRangeTask, runRangeTask, type RangeTask } from './range-task';

/**
 * piscina's class, for `Piscina.move`, loaded with the first results that carry traces. Importing it up front cost
 * every worker ~10–20 ms of its start-up (piscina's whole main module, read as CommonJS from an ES module), before its
 * first task, on the path of every command-line run; results of summaries only (the command line's, ~100 kB a batch)
 * are cloned faster than that, and need none of it.
 */
let piscina: typeof Piscina | undefined;
const piscinaClass = (): typeof Piscina =>
  (piscina ??= (createRequire(import.meta.url)('piscina') as { Piscina: typeof Piscina }).Piscina);

export default function runBatch(batch: EncodedConfigs | RangeTask): EncodedResults | ResultColumns {
  const traces = batch.traces !== false;
  let encoded: EncodedResults | ResultColumns;
  let columns: readonly ResultColumns[];
  if (isRangeTask(batch)) {
    encoded = runRangeTask(batch);
    columns = encoded.parts;
  } else {
    encoded = executeEncoded(decodeConfigs(batch), { traces });
    columns = [encoded];
  }
  if (!traces) return encoded;
  const { move, transferableSymbol, valueSymbol } = piscinaClass();
  return move({
    [transferableSymbol]: columns.flatMap(transferablesOfColumns),
    [valueSymbol]: encoded,
  } as never) as unknown as EncodedResults | ResultColumns;
}
