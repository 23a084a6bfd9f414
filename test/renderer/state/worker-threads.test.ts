import { describe, expect, it } from 'vitest';
import type { WorkerThreadsRequest } from '../../../src-core/contract/api';
import { fail, ok } from '../../../src-core/contract/result';
import { WorkerThreadsSetting } from '../../../src-renderer/lib/state/worker-threads.svelte';

/** A main process with a pool of `max` workers, recording what it was asked. */
function fakeMain(max: number) {
  let threads = max;
  const asked: (number | null)[] = [];
  return {
    asked,
    workerThreads: async ({ threads: wanted }: WorkerThreadsRequest) => {
      asked.push(wanted);
      if (wanted !== null && !(Number.isInteger(wanted) && wanted >= 1))
        return fail(
          'invalid-input',
          `Invalid worker threads: ${wanted} (must be a whole number from 1 to 256, or null to read)`,
        );
      if (wanted !== null) threads = Math.min(wanted, max);
      return ok({ threads, max });
    },
  };
}

const memory = (entries: Record<string, string> = {}) => ({
  getItem: (key: string) => entries[key] ?? null,
  setItem: (key: string, value: string) => void (entries[key] = value),
  entries,
});

describe('WorkerThreadsSetting', () => {
  it('reads the default (every core) when nothing was chosen, and remembers a choice', async () => {
    const main = fakeMain(8);
    const storage = memory();
    const setting = new WorkerThreadsSetting(main, storage);
    await setting.load();
    expect(setting.current).toEqual({ threads: 8, max: 8 });
    await setting.set(3);
    expect(setting.current).toEqual({ threads: 3, max: 8 });
    expect(main.asked).toEqual([null, 3]);

    const next = new WorkerThreadsSetting(main, storage);
    await next.load();
    expect(main.asked.at(-1)).toBe(3);
    expect(next.current).toEqual({ threads: 3, max: 8 });
  });

  it('asks for the remembered number on a smaller machine and shows what the pool allows', async () => {
    const setting = new WorkerThreadsSetting(fakeMain(2), memory({ 'adagrad-lab-worker-threads': '6' }));
    await setting.load();
    expect(setting.current).toEqual({ threads: 2, max: 2 });
  });

  it('shows a refusal and remembers nothing', async () => {
    const storage = memory();
    const setting = new WorkerThreadsSetting(fakeMain(4), storage);
    await setting.set(0);
    expect(setting.error).toBe('Invalid worker threads: 0 (must be a whole number from 1 to 256, or null to read)');
    expect(storage.entries).toEqual({});
  });
});
