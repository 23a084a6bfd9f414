/**
 * A pool worker: runs a batch of configs, sent as columns, and hands the results back as typed arrays, transferred
 * (batch-codec.ts: structured cloning each config and result cost more than a small run).
 */
import { Piscina } from 'piscina';
import { executeBatch } from '../../src-core/run/execute';
import {
  decodeConfigs,
  encodeResults,
  transferablesOfResults,
  type EncodedConfigs,
  type EncodedResults,
} from './batch-codec';

export default function runBatch(batch: EncodedConfigs): EncodedResults {
  const traces = batch.traces !== false;
  const encoded = encodeResults(executeBatch(decodeConfigs(batch), traces), traces);
  return Piscina.move({
    [Piscina.transferableSymbol]: transferablesOfResults(encoded),
    [Piscina.valueSymbol]: encoded,
  } as never) as unknown as EncodedResults;
}
