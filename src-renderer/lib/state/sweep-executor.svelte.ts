/**
 * The "Run sweeps on" setting: this computer, or agents through a Redis queue. The main process (or serve mode's
 * server) decides and remembers it; this holds what it says is in force, the choice being edited, and the outcome of
 * a connection test. The URL comes back with its password masked; sent back unchanged, the main side keeps the password.
 */
import type { LabApi, RedisTestOutcome, SweepExecutorChoice, SweepExecutorState } from '../../../src-core/contract/api';

export type ExecutorPlace = SweepExecutorChoice['on'];

export class SweepExecutorSetting {
  /** Where the next sweeps run, as the main process says; null until it has answered. */
  current = $state.raw<SweepExecutorState | null>(null);
  /** The choice being edited in the panel. */
  on = $state<ExecutorPlace>('this-computer');
  url = $state('');
  queue = $state('');
  /** The last connection test's outcome, for the URL and queue it was run with. */
  tested = $state.raw<RedisTestOutcome | null>(null);
  busy = $state<'testing' | 'applying' | null>(null);
  /** Why the last request was refused, if it was. */
  error = $state<string | null>(null);

  constructor(private readonly api: Pick<LabApi, 'sweepExecutor' | 'testRedis'>) {}

  /** The choice as edited, as a request. */
  get choice(): SweepExecutorChoice {
    if (this.on === 'this-computer') return { on: 'this-computer' };
    const queue = this.queue.trim();
    return { on: 'agents', url: this.url.trim(), ...(queue === '' ? {} : { queue }) };
  }

  /** Whether Apply would change anything. */
  get changed(): boolean {
    const current = this.current;
    if (!current) return false;
    if (this.on !== current.on) return true;
    if (current.on === 'this-computer') return false;
    const queue = this.queue.trim();
    return this.url.trim() !== current.url || (queue !== '' && queue !== current.queue);
  }

  /** Reads the setting and puts it in the fields (when the panel opens). */
  async load(): Promise<void> {
    if (await this.read()) this.edit(this.current!);
  }

  /** Reads the setting again (the agents seen), leaving the fields as edited. */
  async refresh(): Promise<void> {
    await this.read();
  }

  async apply(): Promise<void> {
    this.busy = 'applying';
    try {
      const result = await this.api.sweepExecutor(this.choice);
      if (!result.ok) {
        this.error = result.error.message;
        return;
      }
      this.current = result.value;
      this.error = null;
      // The test spoke of the setting before; the agents seen now are shown with the setting.
      this.tested = null;
      this.edit(result.value);
    } finally {
      this.busy = null;
    }
  }

  async test(): Promise<void> {
    const { choice } = this;
    if (choice.on !== 'agents') return;
    this.busy = 'testing';
    this.tested = null;
    try {
      const result = await this.api.testRedis({ url: choice.url, ...(choice.queue ? { queue: choice.queue } : {}) });
      if (!result.ok) this.error = result.error.message;
      else {
        this.tested = result.value;
        this.error = null;
      }
    } finally {
      this.busy = null;
    }
  }

  private async read(): Promise<boolean> {
    const result = await this.api.sweepExecutor(null);
    if (!result.ok) {
      this.error = result.error.message;
      return false;
    }
    this.current = result.value;
    return true;
  }

  private edit(state: SweepExecutorState): void {
    this.on = state.on;
    if (state.on === 'agents') {
      this.url = state.url;
      this.queue = state.queue;
    }
  }
}
