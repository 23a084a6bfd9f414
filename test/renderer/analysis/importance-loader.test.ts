/**
 * The importance view's loader when its worker fails: the message it shows names what happened, whether the worker
 * threw (an ErrorEvent with a message) or never started (a plain Event, as for a script that could not be loaded).
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ImportanceLoader } from '../../../src-renderer/lib/analysis/importance.svelte';

/** A worker that fails as soon as it is sent its request, with the event given. */
function failingWorker(event: () => Event) {
  return class {
    onmessage: ((event: MessageEvent) => void) | null = null;
    onerror: ((event: Event) => void) | null = null;
    postMessage(): void {
      queueMicrotask(() => this.onerror?.(event()));
    }
    terminate(): void {}
  };
}

afterEach(() => {
  vi.unstubAllGlobals();
});

describe('the importance loader, when its worker fails', () => {
  it('says the worker could not start where the event has no message (it read "…: undefined")', async () => {
    vi.stubGlobal(
      'Worker',
      failingWorker(() => new Event('error')),
    );
    const loader = new ImportanceLoader();
    loader.load([], [], 'finalLoss');
    await vi.waitFor(() => expect(loader.error).not.toBeNull());
    expect(loader.error).toBe(
      'Could not compute the importance: its background worker stopped or could not start (reload the page to try again)',
    );
    expect(loader.treesDone).toBeNull();
  });

  it('says what the worker threw where the event carries it', async () => {
    const thrown = () => Object.assign(new Event('error'), { message: 'Uncaught RangeError: Invalid array length' });
    vi.stubGlobal('Worker', failingWorker(thrown));
    const loader = new ImportanceLoader();
    loader.load([], [], 'finalLoss');
    await vi.waitFor(() => expect(loader.error).not.toBeNull());
    expect(loader.error).toBe('Could not compute the importance: Uncaught RangeError: Invalid array length');
  });
});
