/**
 * The last thing that went wrong outside the form, in words, shown to the user until dismissed. Every part of the
 * app's state reports here, so that a failed write, a refused request and a storage error all read alike.
 */
import { errorMessage } from '../../../src-core/contract/result';
import { isQuotaExceeded } from '../storage/storage-errors';

export class ProblemReport {
  message = $state<string | null>(null);

  /** Shows what failed and why. */
  report(what: string, error: unknown): void {
    this.message = `${what}: ${errorMessage(error)}`;
  }

  /** Runs a storage operation; a failure becomes the problem shown (a full disk says what to do) and null. */
  async guard<T>(what: string, operation: () => Promise<T>): Promise<T | null> {
    try {
      return await operation();
    } catch (error) {
      if (isQuotaExceeded(error))
        this.message = `${what}: storage is full. Delete runs or sweeps you no longer need, then try again.`;
      else this.report(what, error);
      return null;
    }
  }
}
