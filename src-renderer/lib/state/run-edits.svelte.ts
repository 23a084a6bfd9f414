/**
 * What a person changes in what is stored: tags, stars and notes on runs, and deletions, the last of which can be
 * undone from the toast. Each change is written first and shown at once after (the run list is published there and
 * then, not on its timer); a storage failure is shown as the problem and changes nothing on screen.
 */
import { parseNote, parseTag, withTag } from './annotations';
import type { Deletion, LabDatabase } from '../storage/db';
import { isSweepActive, type RunAnnotations, type StoredRun, type StoredSweep } from '../storage/records';
import type { StorageUsage } from '../storage/storage-usage.svelte';
import { countOf, sweepLabel } from './labels';
import type { ProblemReport } from './problem.svelte';
import type { RunList } from './run-list.svelte';
import type { ChartedSelection } from './selection.svelte';
import { UndoOffers } from './undo.svelte';

/** Deleting more runs than this asks first (fewer are undone from the toast if need be). */
export const CONFIRM_DELETE_ABOVE = 100;

/** What the edits read and keep up to date besides the database. */
export interface EditedViews {
  runList: RunList;
  selection: ChartedSelection;
  storage: StorageUsage;
  problem: ProblemReport;
}

export class RunEdits {
  readonly undo = new UndoOffers();
  /** Every tag in use, for suggestions. */
  knownTags = $state.raw<string[]>([]);

  constructor(
    private readonly db: LabDatabase,
    private readonly views: EditedViews,
  ) {}

  /** Adds a tag to these runs; returns what was wrong with it, or null. */
  async addTag(runIds: readonly string[], text: string): Promise<string | null> {
    const tag = parseTag(text);
    if (!tag.ok) return tag.message;
    let refused: string | null = null;
    await this.annotate(runIds, (run) => {
      const tags = withTag(run.tags, tag.value);
      if (tags.ok) return { tags: tags.value };
      refused = tags.message;
      return {};
    });
    return refused;
  }

  removeTag(runIds: readonly string[], tag: string): Promise<void> {
    return this.annotate(runIds, (run) => ({ tags: run.tags.filter((t) => t !== tag) }));
  }

  setStarred(runIds: readonly string[], starred: boolean): Promise<void> {
    return this.annotate(runIds, () => ({ starred }));
  }

  /** Saves a run's note ("" clears it); returns what was wrong with it, or null. */
  async setNote(runId: string, text: string): Promise<string | null> {
    const note = parseNote(text);
    if (!note.ok) return note.message;
    await this.annotate([runId], () => ({ note: note.value }));
    return null;
  }

  async deleteRuns(runIds: readonly string[]): Promise<void> {
    const deletion = await this.views.problem.guard('Could not delete the runs', () => this.db.deleteRuns(runIds));
    if (deletion) this.forget(deletion, `Deleted ${countOf(deletion.runs.length, 'run')}`);
  }

  async deleteSweep(sweep: StoredSweep): Promise<void> {
    if (isSweepActive(sweep.status)) {
      this.views.problem.message = `Sweep “${sweepLabel(sweep)}” is still running: cancel it before deleting it.`;
      return;
    }
    const deletion = await this.views.problem.guard('Could not delete the sweep', () => this.db.deleteSweep(sweep.id));
    if (deletion)
      this.forget(deletion, `Deleted sweep “${sweepLabel(sweep)}” (${countOf(deletion.runs.length, 'run')})`);
  }

  /** Puts back exactly what the last deletion removed. */
  async undoDelete(): Promise<void> {
    const deletion = this.undo.take();
    if (!deletion) return;
    const restored = await this.views.problem.guard('Could not undo the deletion', () =>
      this.db.restore(deletion).then(() => true),
    );
    if (!restored) return;
    this.views.runList.upsert(deletion.runs);
    this.views.runList.flush();
    this.views.storage.refresh();
    await this.refreshTags();
  }

  /** Lists every tag in use from the tags index, without reading the runs. */
  async refreshTags(): Promise<void> {
    const tags = await this.views.problem.guard('Could not list the tags', () => this.db.tags());
    if (tags) this.knownTags = tags;
  }

  /** Writes a change to these runs; a storage failure is shown as the problem. */
  private async annotate(
    runIds: readonly string[],
    change: (run: StoredRun) => Partial<RunAnnotations>,
  ): Promise<void> {
    const runs = await this.views.problem.guard('Could not save the change', () => this.db.annotate(runIds, change));
    if (!runs) return;
    this.views.runList.upsert(runs);
    this.views.runList.flush();
    await this.refreshTags();
  }

  /** The runs and sweep a deletion removed leave the views; the deletion is offered for undo. */
  private forget(deletion: Deletion, description: string): void {
    const gone = new Set(deletion.runs.map((run) => run.id));
    this.views.runList.remove([...gone]);
    this.views.runList.flush();
    void this.views.selection.retain((id) => !gone.has(id));
    this.undo.offer(description, deletion);
    this.views.storage.refresh();
    void this.refreshTags();
  }
}
