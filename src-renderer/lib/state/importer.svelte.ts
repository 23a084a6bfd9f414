/**
 * Importing runs from a file (File → Import runs…, the Import button, a file dropped on the window): the file is read
 * and checked in a worker (./import.worker.ts, src-core/import), and what passes is stored a chunk of runs (./import-messages) per
 * transaction (LabDatabase.importRuns), so a 100,000-run file never holds the window. `report` says as it goes, and
 * at the end, what was imported, what was stored already and what was refused and why. A refused file changes
 * nothing; a run stored already is left as it is. If storing fails midway the runs stored so far stay: importing the
 * file again adds the rest.
 */
import { errorMessage } from '../../../src-core/contract/result';
import { show } from '../../../src-core/contract/show';
import type { ImportedSweep, ImportRefusal } from '../../../src-core/import/cli-json';
import type { ImportOutcome, ImportWrite, LabDatabase } from '../storage/db';
import type { ImportMessage } from './import-messages';
import { countOf, formatCount } from './labels';
import type { StoredRun, StoredSweep } from '../storage/records';
import { workerFailure } from '../worker-failure';

export interface ImportReport {
  fileName: string;
  /** 'reading': in the worker; 'storing': chunks going in; 'done'; 'refused': the whole file, nothing changed; 'failed': storing stopped. */
  phase: 'reading' | 'storing' | 'done' | 'refused' | 'failed';
  /** Runs of the file that passed every check. */
  runCount: number;
  /** Of those, added now, and found stored already (left as they were). */
  added: number;
  alreadyStored: number;
  sweeps: ImportedSweep[];
  refusals: ImportRefusal[];
  /** Why the file was refused or storing failed. */
  message: string | null;
}

export interface ImporterDeps {
  /** Where added runs are shown, once the import has ended. */
  upsert: (runs: readonly StoredRun[]) => void;
  /** Told once the import has ended, whatever it stored (the storage counts change). */
  stored: () => void;
}

export type ImportStore = Pick<LabDatabase, 'importRuns'>;

const startWorker = (): Worker => new Worker(new URL('./import.worker.ts', import.meta.url), { type: 'module' });

/** The worker's messages, in order, until its end or a refusal; then it is ended. */
async function* messagesOf(worker: Worker, file: File): AsyncGenerator<ImportMessage> {
  const queue: ImportMessage[] = [];
  let wake: (() => void) | null = null;
  worker.onmessage = (event: MessageEvent<ImportMessage>) => {
    queue.push(event.data);
    wake?.();
  };
  worker.onerror = (event) => {
    queue.push({ type: 'refused', message: `The file could not be read: ${workerFailure(event)}` });
    wake?.();
  };
  worker.postMessage(file);
  try {
    for (;;) {
      if (queue.length === 0) await new Promise<void>((resolve) => (wake = resolve));
      wake = null;
      const message = queue.shift()!;
      yield message;
      if (message.type === 'end' || message.type === 'refused') return;
    }
  } finally {
    worker.terminate();
  }
}

/**
 * The record of an imported sweep. All its runs in the file: completed. Some refused: cancelled with what it lacks,
 * so that Resume computes the missing runs from its spec.
 */
function sweepRecord(sweep: ImportedSweep, fileName: string, createdAt: number): StoredSweep {
  const whole = sweep.runsInFile === sweep.runCount;
  return {
    id: sweep.id,
    name: sweep.spec.name,
    spec: sweep.spec,
    runCount: sweep.runCount,
    createdAt,
    status: whole ? 'completed' : 'cancelled',
    ...(whole
      ? {}
      : {
          message: `Imported ${formatCount(sweep.runsInFile)} of its ${formatCount(sweep.runCount)} runs from ${fileName}; the others were refused. Resume computes them.`,
        }),
  };
}

export class Importer {
  report = $state.raw<ImportReport | null>(null);
  busy = $state(false);

  constructor(
    private readonly db: ImportStore,
    private readonly deps: ImporterDeps,
    private readonly worker: () => Worker = startWorker,
    private readonly now: () => number = Date.now,
  ) {}

  async importFile(file: File): Promise<void> {
    if (this.busy) return;
    this.busy = true;
    const report: ImportReport = {
      fileName: file.name,
      phase: 'reading',
      runCount: 0,
      added: 0,
      alreadyStored: 0,
      sweeps: [],
      refusals: [],
      message: null,
    };
    this.report = { ...report };
    let write: Pick<ImportWrite, 'sweeps'> = { sweeps: [] };
    const conflicts = new Map<string, number>();
    const added: StoredRun[][] = [];
    try {
      for await (const message of messagesOf(this.worker(), file)) {
        if (message.type === 'refused') Object.assign(report, { phase: 'refused', message: message.message });
        else if (message.type === 'plan') {
          const createdAt = this.now();
          write = { sweeps: message.sweeps.map((sweep) => sweepRecord(sweep, file.name, createdAt)) };
          const { sweeps, refusals, runCount } = message;
          Object.assign(report, { phase: 'storing', sweeps, refusals, runCount });
        } else if (message.type === 'runs') {
          const outcome: ImportOutcome = await this.db.importRuns({ ...write, runs: message.runs });
          added.push(outcome.added);
          report.added += outcome.added.length;
          report.alreadyStored += outcome.alreadyStored;
          for (const sweepId of outcome.conflicting)
            conflicts.set(
              sweepId,
              (conflicts.get(sweepId) ?? 0) + message.runs.filter((run) => run.config.sweepId === sweepId).length,
            );
        } else report.phase = 'done';
        this.report = { ...report };
      }
    } catch (error) {
      Object.assign(report, {
        phase: 'failed',
        message: `Storing stopped: ${errorMessage(error)}. The ${formatCount(report.added)} runs stored so far are kept; import the file again to add the rest.`,
      });
    } finally {
      report.refusals = [
        ...report.refusals,
        ...[...conflicts].map(([sweepId, runs]) => conflictRefusal(sweepId, runs)),
      ];
      this.report = { ...report };
      this.busy = false;
      // Shown once, at the end: the runs list is republished whole each time it changes (O(runs stored)), so showing
      // each chunk as it went in held the window ~0.35 s at a time, 41 times, over a 100,000-run import.
      this.deps.upsert(added.flat());
      this.deps.stored();
    }
  }

  dismiss(): void {
    if (!this.busy) this.report = null;
  }
}

/** A sweep of the file whose id a different stored sweep has: its runs are refused, the stored sweep untouched. */
const conflictRefusal = (sweepId: string, runs: number): ImportRefusal => ({
  record: `sweep ${sweepId}`,
  message: `sweepId: ${show(sweepId)} is the id of a stored sweep with another spec, so its ${countOf(runs, 'run')} in this file were refused (must be an id not stored yet: run the command line with --sweep-id NAME)`,
});
