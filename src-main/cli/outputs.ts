/**
 * The command line's outputs: each is a sink (a file, which appears only once complete, a special file written as a
 * stream, or stdout) and the table it holds: the summary CSV, the trace CSV or the JSON document. Every destination is
 * opened before anything runs, so a folder or an unwritable path is refused up front. Every batch of results goes to
 * each in turn, with back-pressure, so a slow disk or a slow pipe holds the runs back instead of filling memory. All
 * or nothing: the files are put in place only once every output has been written out and closed, so one that fails
 * leaves none of the others behind.
 */
import type { Writable } from 'node:stream';
import type { ExportRun } from '../../src-core/contract/api';
import type { RunConfig, RunResult } from '../../src-core/contract/types';
import { csvHeader, csvRows } from '../../src-core/export/csv';
import { toJson } from '../../src-core/export/json';
import { summaryColumns } from '../../src-core/export/summary-table';
import { traceColumns, traceRecords } from '../../src-core/export/trace-table';
import { fileIdentity, openFileSink, type FileSink } from '../export/file-sink';
import { writeChunks } from '../export/sink';
import type { CliOutputPaths } from './args';
import { CliInputError, describeFileError, type CliJob } from './input';

/**
 * A batch of results, with the configs as the job gave them (an every-step trace runs a copy with a longer trace).
 * Both are null when no output needs them (needsRuns false: the summary CSV alone, its rows written by the worker).
 */
export interface ResultBatch {
  results: readonly RunResult[] | null;
  configs: readonly RunConfig[] | null;
  /** The batch's summary CSV rows as a worker wrote them (workers/range-task.ts); absent: written here. */
  summaryCsv?: readonly string[];
}

/** Whether the outputs need each batch's results and configs (the traces and JSON do; the summary CSV may not). */
export const needsRuns = (paths: CliOutputPaths): boolean => paths.traces !== undefined || paths.json !== undefined;

const runsOf = ({
  results,
  configs,
}: ResultBatch): { results: readonly RunResult[]; configs: readonly RunConfig[] } => {
  if (!results || !configs) throw new Error('A batch without its runs was given to an output that needs them');
  return { results, configs };
};

interface Table {
  head: string;
  rows(batch: ResultBatch): Iterable<string>;
  tail: string;
  /** Whether `rows` gives chunks already (csvRows does), rather than a string per run. */
  chunked: boolean;
}

export interface CliOutputs {
  write(batch: ResultBatch): Promise<void>;
  /** Completes every output; returns the files written. */
  finish(): Promise<string[]>;
  /** Discards every output: no partial file is left. */
  abort(): Promise<void>;
}

function tableOf(kind: keyof CliOutputPaths, job: CliJob): Table {
  switch (kind) {
    case 'summary':
      return {
        head: csvHeader(summaryColumns),
        rows: (batch) => {
          if (batch.summaryCsv) return batch.summaryCsv;
          const { results, configs } = runsOf(batch);
          return csvRows(
            summaryColumns,
            results.map((result, i): ExportRun => ({
              config: configs[i],
              summary: result.summary,
              sweepName: job.sweepName,
            })),
          );
        },
        tail: '',
        chunked: true,
      };
    case 'traces':
      return {
        head: csvHeader(traceColumns),
        rows: (batch) => csvRows(traceColumns, traceRecords(runsOf(batch).results)),
        tail: '',
        chunked: true,
      };
    case 'json': {
      let written = 0;
      return {
        head: `{"spec":${toJson(job.spec)},"runs":[`,
        rows: (batch) => {
          const { results, configs } = runsOf(batch);
          return results.map(
            (result, i) => `${written++ === 0 ? '' : ','}\n${toJson({ config: configs[i], summary: result.summary })}`,
          );
        },
        tail: '\n]}\n',
        chunked: false,
      };
    }
  }
}

/** Characters a write holds at least (but the last of a batch): a write per row cost more than formatting the row. */
const CHUNK_CHARS = 1 << 16;

/** `rows` concatenated into chunks of about CHUNK_CHARS, in order. */
function* chunksOf(rows: Iterable<string>): Generator<string> {
  let chunk = '';
  for (const row of rows) {
    chunk += row;
    if (chunk.length >= CHUNK_CHARS) {
      yield chunk;
      chunk = '';
    }
  }
  if (chunk) yield chunk;
}

const stdoutSink = (stdout: Writable): FileSink => ({
  write: (chunks) => writeChunks(stdout, chunks),
  complete: async () => undefined,
  finish: async () => ({ saved: true }),
  abort: async () => undefined,
});

/**
 * Refuses two outputs that lead to one file under different names (args.ts refuses the same name twice): of two files
 * put in place there only the last would be left, and two streams into one pipe would interleave their rows. Before,
 * `--summary a.csv --traces l.csv`, l.csv a link to a.csv, left the traces alone, exit 0.
 */
async function refuseSharedFiles(paths: CliOutputPaths): Promise<void> {
  const claimed = new Map<string, string>();
  for (const [kind, path] of Object.entries(paths) as [keyof CliOutputPaths, string][]) {
    const named = path === '-' ? '- (stdout)' : path;
    // stdout is the file /dev/stdout leads to, where there is one.
    const identity = await fileIdentity(path === '-' ? '/dev/stdout' : path);
    if (identity === null) continue;
    const other = claimed.get(identity);
    if (other)
      throw new CliInputError(`Each output needs its own file: ${other} and --${kind} ${named} lead to the same file`);
    claimed.set(identity, `--${kind} ${named}`);
  }
}

export async function openOutputs(paths: CliOutputPaths, job: CliJob, stdout: Writable): Promise<CliOutputs> {
  await refuseSharedFiles(paths);
  const outputs: { path: string; sink: FileSink; table: Table }[] = [];
  for (const [kind, path] of Object.entries(paths) as [keyof CliOutputPaths, string][]) {
    let sink: FileSink;
    try {
      sink = path === '-' ? stdoutSink(stdout) : await openFileSink(path);
    } catch (error) {
      await Promise.all(outputs.map((output) => output.sink.abort()));
      throw new CliInputError(`Cannot write ${path}: ${describeFileError(error)}`);
    }
    outputs.push({ path, sink, table: tableOf(kind, job) });
  }
  try {
    for (const { sink, table } of outputs) await sink.write([table.head]);
  } catch (error) {
    await Promise.all(outputs.map((output) => output.sink.abort()));
    throw error;
  }
  return {
    async write(batch) {
      for (const { sink, table } of outputs)
        await sink.write(table.chunked ? table.rows(batch) : chunksOf(table.rows(batch)));
    },
    async finish() {
      // Every output written out and closed first (a full disk shows here); only then is any file put in place.
      for (const { sink, table } of outputs) {
        if (table.tail) await sink.write([table.tail]);
        await sink.complete();
      }
      for (const { sink } of outputs) await sink.finish();
      return outputs.filter((output) => output.path !== '-').map((output) => output.path);
    },
    async abort() {
      await Promise.all(outputs.map((output) => output.sink.abort()));
    },
  };
}
