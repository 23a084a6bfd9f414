/**
 * The Runs JSON: the app's export that imports back (src-core/import/cli-json.ts reads it). Version 1:
 *
 *   {"format": "adagrad-lab-runs", "version": 1, "sweeps": [
 *     {"id": <sweep id>, "name": <its name>, "spec": <its sweep spec>, "runs": [
 *       {"config": <RunConfig>, "summary": <RunSummary>, "annotations": {"tags": [...], "starred": …, "note": …}},
 *       …]},
 *     …]}
 *
 * Each sweep is the command line's `--json` document ({"spec", "runs"}) with its id and name: the spec recreates the
 * sweep (Resume, the analysis views), each config is what the spec gives at its index, and the summaries are the
 * stored ones, NaN and ±Infinity written as strings (./json.ts). `annotations` is what a person attached to the run,
 * present only where there is something (a tag, a star or a note). A sweep's runs come together, by index; the file is
 * written page by page as the runs arrive, never held whole.
 */
import type { RunAnnotations } from '../contract/annotations';
import type { ExportRun, ExportSweep } from '../contract/api';
import { show } from '../contract/show';
import { toJson } from './json';

export const RunsJson = { format: 'adagrad-lab-runs', version: 1 } as const;

/** The runs in the file's order: sweep after sweep, in the order each first appears, and each sweep's by index. */
export function inFileOrder(runs: readonly ExportRun[]): ExportRun[] {
  const bySweep = new Map<string, ExportRun[]>();
  for (const run of runs) {
    const of = bySweep.get(run.config.sweepId);
    if (of) of.push(run);
    else bySweep.set(run.config.sweepId, [run]);
  }
  return [...bySweep.values()].flatMap((of) => of.sort((a, b) => a.config.index - b.config.index));
}

const attached = (a: RunAnnotations | undefined): a is RunAnnotations =>
  a !== undefined && (a.starred || a.tags.length > 0 || a.note !== '');

/** One export's text, written as its pages come: the head, each page's runs, then the tail. */
export class RunsJsonWriter {
  /** The sweep being written; its entry stays open until another sweep's run or the tail. */
  private current: string | null = null;
  private runsInCurrent = 0;
  private readonly written = new Set<string>();

  head(): string {
    return `{"format":${toJson(RunsJson.format)},"version":${RunsJson.version},"sweeps":[`;
  }

  /**
   * The text of `runs`, which continue those written before; `sweepOf` gives each run's sweep. Throws when a sweep is
   * unknown, or when its runs come back after another sweep's (the file holds each sweep once).
   */
  page(runs: readonly ExportRun[], sweepOf: (sweepId: string) => ExportSweep | undefined): string {
    const parts: string[] = [];
    for (const run of runs) {
      const { sweepId } = run.config;
      if (sweepId !== this.current) {
        if (this.written.has(sweepId))
          throw new Error(
            `run ${show(run.config.id)} of sweep ${show(sweepId)} came after another sweep's runs (a sweep's runs must come together)`,
          );
        const sweep = sweepOf(sweepId);
        if (!sweep)
          throw new Error(
            `run ${show(run.config.id)}: its sweep ${show(sweepId)} was not given (must come with the page of its first run)`,
          );
        parts.push(
          `${this.closeSweep()}${this.written.size === 0 ? '' : ','}\n{"id":${toJson(sweep.id)},"name":${toJson(sweep.name)},"spec":${toJson(sweep.spec)},"runs":[`,
        );
        this.written.add(sweepId);
        this.current = sweepId;
        this.runsInCurrent = 0;
      }
      const { config, summary, annotations } = run;
      const entry = attached(annotations) ? { config, summary, annotations } : { config, summary };
      parts.push(`${this.runsInCurrent++ === 0 ? '' : ','}\n${toJson(entry)}`);
    }
    return parts.join('');
  }

  tail(): string {
    return `${this.closeSweep()}\n]}\n`;
  }

  private closeSweep(): string {
    return this.current === null ? '' : '\n]}';
  }
}
