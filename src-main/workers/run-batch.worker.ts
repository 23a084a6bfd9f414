/**
 * A pool worker: runs a batch of configs and hands the results back without their configs (the pool has them and
 * puts them back: src-main/pool.ts), each trace by transfer of its one buffer, not by copy.
 */
import { Piscina } from 'piscina';
import type { RunConfig } from '../../src-core/contract/types';
import { executeBatch, transferablesOf } from '../../src-core/run';
import type { WorkerResult } from '../pool';

export default function runBatch(configs: RunConfig[]): WorkerResult[] {
  const results = executeBatch(configs);
  return Piscina.move({
    [Piscina.transferableSymbol]: results.flatMap(transferablesOf),
    [Piscina.valueSymbol]: results.map(({ summary, trace }) => ({ summary, trace })),
  } as never) as unknown as WorkerResult[];
}
