/**
 * The last deletion, offered for undo for a few seconds (the toast shows it). A newer deletion replaces it: only the
 * latest can be undone, as in a mail client.
 */
import type { Deletion } from '../storage/db';

export interface UndoOffer {
  /** "Deleted 3 runs", "Deleted sweep “lr grid” (300 runs)". */
  description: string;
  deletion: Deletion;
}

export class UndoOffers {
  current = $state.raw<UndoOffer | null>(null);
  private timer: ReturnType<typeof setTimeout> | null = null;

  constructor(readonly durationMs = 8000) {}

  offer(description: string, deletion: Deletion): void {
    this.clearTimer();
    this.current = { description, deletion };
    this.timer = setTimeout(() => this.dismiss(), this.durationMs);
  }

  /** The deletion to undo, once: the offer is gone after this. */
  take(): Deletion | null {
    const offer = this.current;
    this.dismiss();
    return offer?.deletion ?? null;
  }

  dismiss(): void {
    this.clearTimer();
    this.current = null;
  }

  private clearTimer(): void {
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
  }
}
