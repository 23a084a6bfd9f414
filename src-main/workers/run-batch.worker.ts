/** A pool worker: runs a batch of configs and hands the traces back by transfer, not by copy. */
import { Piscina } from 'piscina';
import type { RunConfig, RunResult } from '../../src-core/contract/types';
import { executeBatch, transferablesOf } from '../../src-core/run';

export default function runBatch(configs: RunConfig[]): RunResult[] {
  const results = executeBatch(configs);
  return Piscina.move({
    [Piscina.transferableSymbol]: results.flatMap(transferablesOf),
    [Piscina.valueSymbol]: results,
  } as never) as unknown as RunResult[];
}
