/**
 * How many worker threads sweeps use. Every core by default; fewer keeps the machine usable during a long sweep. The
 * choice is remembered (localStorage) and handed to the main process at start-up, where it takes effect at once,
 * even in the middle of a sweep.
 */
import type { LabApi, WorkerThreads } from '../../../src-core/contract/api';

const STORAGE_KEY = 'adagrad-lab-worker-threads';

export class WorkerThreadsSetting {
  /** What the main process says is in force; null until it has answered. */
  current = $state.raw<WorkerThreads | null>(null);
  /** Why the last change was refused, if it was. */
  error = $state<string | null>(null);

  constructor(
    private readonly api: Pick<LabApi, 'workerThreads'>,
    private readonly storage: Pick<Storage, 'getItem' | 'setItem'>,
  ) {}

  /** Applies the remembered choice (or reads the default) once the main process is there. */
  async load(): Promise<void> {
    const stored = Number(this.read());
    await this.ask(Number.isInteger(stored) && stored >= 1 ? stored : null);
  }

  /** Asks for `threads` workers and remembers the choice. */
  async set(threads: number): Promise<void> {
    if (await this.ask(threads)) this.write(String(threads));
  }

  private async ask(threads: number | null): Promise<boolean> {
    const result = await this.api.workerThreads({ threads });
    if (!result.ok) {
      this.error = result.error.message;
      return false;
    }
    this.current = result.value;
    this.error = null;
    return true;
  }

  private read(): string | null {
    try {
      return this.storage.getItem(STORAGE_KEY);
    } catch {
      return null;
    }
  }

  private write(value: string): void {
    try {
      this.storage.setItem(STORAGE_KEY, value);
    } catch {
      // Storage refused (a private window, a full quota): the choice holds until the window closes.
    }
  }
}
