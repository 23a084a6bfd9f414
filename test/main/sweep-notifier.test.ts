/**
 * The notification when a long sweep ends while the window is not focused (src-main/sweep-notifier.ts): focused, none;
 * short, none; long and unfocused, one, naming the sweep and its outcome; clicking it brings the window back.
 */
import { EventEmitter } from 'node:events';
import { describe, expect, it, vi } from 'vitest';
import type { SweepEvent } from '../../src-core/contract/types';
import { LONG_SWEEP_MS, notifyLongSweeps } from '../../src-main/sweep-notifier';
import { goodSpec } from '../helpers/configs';
import { encodeResults } from '../../src-core/run/result-batch';

class FakeNotification extends EventEmitter {
  static supported = true;
  static shown: FakeNotification[] = [];
  static isSupported = (): boolean => FakeNotification.supported;
  show = vi.fn(() => FakeNotification.shown.push(this));
  constructor(public options: { title: string; body: string }) {
    super();
  }
}

function setup(options: { focused?: boolean; supported?: boolean; window?: boolean } = {}) {
  FakeNotification.shown = [];
  FakeNotification.supported = options.supported ?? true;
  let clock = 1_000_000;
  const win = {
    isFocused: vi.fn(() => options.focused ?? false),
    isMinimized: vi.fn(() => true),
    restore: vi.fn(),
    show: vi.fn(),
    focus: vi.fn(),
  };
  const onEvent = notifyLongSweeps({
    Notification: FakeNotification as never,
    window: () => (options.window === false ? null : win),
    now: () => clock,
  });
  const spec = { ...(goodSpec as object), name: 'lr-grid' } as Extract<SweepEvent, { type: 'sweep-started' }>['spec'];
  /** Queues sweep s, runs it for `ms`, and ends it so. */
  const run = (
    ms: number,
    end: Partial<Extract<SweepEvent, { type: 'sweep-finished' }>> = {},
    sweepId = 's1',
  ): void => {
    onEvent({ type: 'sweep-started', sweepId, spec, runCount: 112, createdAt: clock, status: 'queued' });
    clock += 60_000; // waiting in the queue does not count
    onEvent({ type: 'sweep-status', sweepId, status: 'running' });
    clock += ms / 2;
    onEvent({
      type: 'progress',
      sweepId,
      progress: { done: 50, total: 112, converged: 0, diverged: 0, failed: 0, runsPerSecond: 10, etaSeconds: 6 },
    });
    onEvent({ type: 'results', sweepId, batch: { ...encodeResults([]), from: 0, to: 0 } });
    clock += ms / 2;
    onEvent({ type: 'sweep-finished', sweepId, status: 'completed', ...end });
  };
  return { onEvent, run, win, advance: (ms: number) => (clock += ms), spec };
}

describe('the long-sweep notification', () => {
  it('says nothing when the window is focused', () => {
    setup({ focused: true }).run(60_000);
    expect(FakeNotification.shown).toEqual([]);
  });

  it('says nothing for a sweep that ran less than 10 s, however long it queued', () => {
    setup().run(LONG_SWEEP_MS - 1);
    expect(FakeNotification.shown).toEqual([]);
  });

  it('notifies once when a sweep of 10 s or more ends while the window is not focused', () => {
    setup().run(65_000);
    expect(FakeNotification.shown).toHaveLength(1);
    expect(FakeNotification.shown[0].options).toEqual({
      title: 'Sweep lr-grid completed',
      body: '112 runs in 1 min 5 s',
    });
  });

  it('names a cancelled or failed sweep’s outcome', () => {
    const { run } = setup();
    run(LONG_SWEEP_MS, { status: 'cancelled' }, 'a');
    run(LONG_SWEEP_MS, { status: 'failed', message: 'The worker pool stopped' }, 'b');
    expect(FakeNotification.shown.map((n) => n.options)).toEqual([
      { title: 'Sweep lr-grid cancelled', body: '50 of 112 runs in 10 s' },
      { title: 'Sweep lr-grid failed', body: 'After 10 s: The worker pool stopped' },
    ]);
  });

  it('brings the window back when clicked', () => {
    const { run, win } = setup();
    run(20_000);
    FakeNotification.shown[0].emit('click');
    expect(win.restore).toHaveBeenCalledOnce();
    expect(win.show).toHaveBeenCalledOnce();
    expect(win.focus).toHaveBeenCalledOnce();
  });

  it('says nothing where notifications are not supported, and survives a closed window', () => {
    setup({ supported: false }).run(60_000);
    expect(FakeNotification.shown).toEqual([]);
    setup({ window: false }).run(60_000);
    expect(FakeNotification.shown).toHaveLength(1);
    expect(() => FakeNotification.shown[0].emit('click')).not.toThrow();
  });

  it('says nothing for a sweep that never ran, or that it never saw start', () => {
    const { onEvent, spec, advance } = setup();
    onEvent({ type: 'sweep-started', sweepId: 'q', spec, runCount: 3, createdAt: 0, status: 'queued' });
    advance(60_000);
    onEvent({ type: 'sweep-finished', sweepId: 'q', status: 'cancelled' });
    onEvent({ type: 'sweep-finished', sweepId: 'unknown', status: 'completed' });
    expect(FakeNotification.shown).toEqual([]);
  });

  it('keeps the start time when a reload announces a running sweep again', () => {
    const { onEvent, spec, advance } = setup();
    onEvent({ type: 'sweep-started', sweepId: 'r', spec, runCount: 4, createdAt: 0, status: 'running' });
    advance(8_000);
    onEvent({ type: 'sweep-started', sweepId: 'r', spec, runCount: 4, createdAt: 0, status: 'running' }); // resendPending
    advance(3_000);
    onEvent({ type: 'sweep-finished', sweepId: 'r', status: 'completed' });
    expect(FakeNotification.shown.map((n) => n.options.body)).toEqual(['4 runs in 11 s']);
  });
});
