import { describe, expect, it, vi } from 'vitest';
import { idleLoad } from '../../../src-renderer/lib/state/idle-load';

/** An idle scheduler the test runs by hand. */
function manualIdle() {
  const waiting: (() => void)[] = [];
  return { idle: (then: () => void) => void waiting.push(then), runIdle: () => waiting.splice(0).forEach((f) => f()) };
}

describe('idleLoad: a part loaded apart', () => {
  it('loads on first use, once, whatever comes after', async () => {
    const load = vi.fn(() => Promise.resolve('charts'));
    const { idle, runIdle } = manualIdle();
    const get = idleLoad(load, new Promise(() => {}), idle);
    expect(load).not.toHaveBeenCalled();
    const first = get();
    expect(get()).toBe(first);
    runIdle();
    expect(await first).toBe('charts');
    expect(load).toHaveBeenCalledTimes(1);
  });

  it('loads when idle after `ready`, not before, and the use then gets that load', async () => {
    const load = vi.fn(() => Promise.resolve('summary'));
    const { idle, runIdle } = manualIdle();
    let ready!: () => void;
    const get = idleLoad(load, new Promise<void>((resolve) => (ready = resolve)), idle);
    runIdle();
    expect(load).not.toHaveBeenCalled();
    ready();
    await Promise.resolve();
    expect(load).not.toHaveBeenCalled(); // ready, but not yet idle
    runIdle();
    expect(load).toHaveBeenCalledTimes(1);
    expect(await get()).toBe('summary');
    expect(load).toHaveBeenCalledTimes(1);
  });

  it('a failed prefetch is no unhandled rejection; the use sees the failure', async () => {
    const failure = new Error('chunk not found');
    const { idle, runIdle } = manualIdle();
    const get = idleLoad(() => Promise.reject(failure), Promise.resolve(), idle);
    await Promise.resolve();
    runIdle();
    await expect(get()).rejects.toBe(failure);
  });
});
