/**
 * A pool worker: runs a batch of configs, sent as columns, or a range of a sweep it expands itself (range-task.ts),
 * and hands the results back as columns, transferred (result-batch.ts: structured cloning each config and result
 * cost more than a small run).
 */
import { Piscina } from 'piscina';
import { executeBatch } from '../../src-core/run/execute';
import { encodeResults, transferablesOfColumns } from '../../src-core/run/result-batch';
import { decodeConfigs, type EncodedConfigs, type EncodedResults } from './batch-codec';
import { isRangeTask, runRangeTask, type RangeTask } from './range-task';

export default function runBatch(batch: EncodedConfigs | RangeTask): EncodedResults {
  let encoded: EncodedResults;
  if (isRangeTask(batch)) encoded = runRangeTask(batch);
  else {
    const traces = batch.traces !== false;
    encoded = encodeResults(executeBatch(decodeConfigs(batch), traces), { traces });
  }
  return Piscina.move({
    [Piscina.transferableSymbol]: transferablesOfColumns(encoded),
    [Piscina.valueSymbol]: encoded,
  } as never) as unknown as EncodedResults;
}
