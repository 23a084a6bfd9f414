/**
 * A pool worker: runs a batch of configs, sent as columns, or a range of a sweep it expands itself (range-task.ts),
 * and hands the results back as columns, transferred (result-batch.ts: structured cloning each config and result
 * cost more than a small run).
 */
import { Piscina } from 'piscina';
import type { ResultColumns } from '../../src-core/contract/types';
import { executeEncoded, transferablesOfColumns } from '../../src-core/run/result-batch';
import { decodeConfigs, type EncodedConfigs, type EncodedResults } from './batch-codec';
import { isRangeTask, runRangeTask, type RangeTask } from './range-task';

export default function runBatch(batch: EncodedConfigs | RangeTask): EncodedResults | ResultColumns {
  let encoded: EncodedResults | ResultColumns;
  let columns: readonly ResultColumns[];
  if (isRangeTask(batch)) {
    encoded = runRangeTask(batch);
    columns = encoded.parts;
  } else {
    const traces = batch.traces !== false;
    encoded = executeEncoded(decodeConfigs(batch), { traces });
    columns = [encoded];
  }
  return Piscina.move({
    [Piscina.transferableSymbol]: columns.flatMap(transferablesOfColumns),
    [Piscina.valueSymbol]: encoded,
  } as never) as unknown as EncodedResults | ResultColumns;
}
