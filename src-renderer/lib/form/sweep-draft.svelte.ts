/**
 * The sweep form's state: the draft as typed, checked live, and the edits the form offers (entries added, removed or
 * switched to another kind, AdaGrad profiles). Re-runs and duplicates load a draft here with where it came from.
 */
import type { ObjectiveId, OptimizerKind } from '../../../src-core/contract/engine';
import { adagradProfiles, type AdagradProfileName } from '../../../src-core/optim';
import { checkDraft } from './draft-check';
import { defaultDraft, objectiveDraft, optimizerDraft, type SweepDraft } from './sweep-draft';

const profileNames = Object.keys(adagradProfiles) as AdagradProfileName[];

/** A profile's hyperparameters, without its label and description. */
function profileValues(name: AdagradProfileName): Record<string, string> {
  const { label: _label, description: _description, ...values } = adagradProfiles[name];
  return Object.fromEntries(Object.entries(values).map(([key, value]) => [key, String(value)]));
}

export class SweepDraftState {
  draft = $state<SweepDraft>(defaultDraft());
  /** What a pre-filled draft came from ("run 3 of “three rates”"); null for one typed from scratch. */
  origin = $state<string | null>(null);
  readonly check = $derived(checkDraft(this.draft));

  load(draft: SweepDraft, origin: string): void {
    this.draft = draft;
    this.origin = origin;
  }

  reset(): void {
    this.draft = defaultDraft();
    this.origin = null;
  }

  addObjective(): void {
    this.draft.objectives.push(objectiveDraft('quadratic-1d'));
  }

  setObjective(index: number, id: ObjectiveId): void {
    this.draft.objectives[index] = objectiveDraft(id);
  }

  addOptimizer(): void {
    this.draft.optimizers.push(optimizerDraft('adagrad'));
  }

  remove(list: 'objectives' | 'optimizers', index: number): void {
    if (this.draft[list].length > 1) this.draft[list].splice(index, 1);
  }

  /** Another kind keeps the learning rates typed; every other field starts at the new kind's defaults. */
  setKind(index: number, kind: OptimizerKind): void {
    this.draft.optimizers[index] = optimizerDraft(kind, { lr: this.draft.optimizers[index].values.lr });
  }

  applyProfile(index: number, name: AdagradProfileName): void {
    Object.assign(this.draft.optimizers[index].values, profileValues(name));
  }

  /** The AdaGrad profile an entry matches in every field, if any. */
  profileOf(index: number): AdagradProfileName | null {
    const values = this.draft.optimizers[index].values;
    return (
      profileNames.find((name) =>
        Object.entries(profileValues(name)).every(([key, value]) => values[key]?.trim() === value),
      ) ?? null
    );
  }
}
