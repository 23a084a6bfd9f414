/**
 * A system notification when a long sweep ends while the window is not focused: the person started it and went
 * elsewhere. "Long" is LONG_SWEEP_MS of running (from queued-to-running to its end, a resend after a reload does not
 * restart the clock); a sweep that never ran says nothing. Clicking the notification brings the window back.
 */
import type { BrowserWindow, Notification, NotificationConstructorOptions } from 'electron';
import type { SweepEvent } from '../src-core/contract/types';
import { formatDuration } from '../src-core/views/format';

export const LONG_SWEEP_MS = 10_000;

export interface NotifierDeps {
  Notification: {
    isSupported(): boolean;
    new (options: NotificationConstructorOptions): Pick<Notification, 'on' | 'show'>;
  };
  /** The main window, if it exists. */
  window: () => Pick<BrowserWindow, 'isFocused' | 'isMinimized' | 'restore' | 'show' | 'focus'> | null;
  now?: () => number;
}

interface Tracked {
  name: string;
  runCount: number;
  done: number;
  runningSince: number | null;
}

const plural = (n: number): string => `${n} run${n === 1 ? '' : 's'}`;

/** The notification's words: "Sweep lr-grid completed" / "112 runs in 1 min 5 s". */
function describeFinishedSweep(
  sweep: Pick<Tracked, 'name' | 'runCount' | 'done'>,
  event: Extract<SweepEvent, { type: 'sweep-finished' }>,
  ms: number,
): { title: string; body: string } {
  const took = formatDuration(ms / 1000);
  const title = `Sweep ${sweep.name || 'untitled'} ${event.status}`;
  switch (event.status) {
    case 'completed':
      return { title, body: `${plural(sweep.runCount)} in ${took}` };
    case 'cancelled':
      return { title, body: `${sweep.done} of ${plural(sweep.runCount)} in ${took}` };
    case 'failed':
      return { title, body: `After ${took}: ${event.message ?? 'no reason given'}` };
  }
}

/** Follows the sweeps' events and notifies as above; give it to SweepService.onEvent. */
export function notifyLongSweeps(deps: NotifierDeps): (event: SweepEvent) => void {
  const now = deps.now ?? Date.now;
  const sweeps = new Map<string, Tracked>();
  // Electron drops a notification's click handler once nothing references it: keep each until it is used or closed.
  const shown = new Set<object>();

  const focusWindow = (): void => {
    const win = deps.window();
    if (!win) return;
    if (win.isMinimized()) win.restore();
    win.show();
    win.focus();
  };

  const notify = (title: string, body: string): void => {
    const notification = new deps.Notification({ title, body });
    shown.add(notification);
    notification.on('click', () => {
      shown.delete(notification);
      focusWindow();
    });
    notification.on('close', () => shown.delete(notification));
    notification.show();
  };

  return (event) => {
    switch (event.type) {
      case 'sweep-started': {
        const known = sweeps.get(event.sweepId);
        const runningSince =
          known?.runningSince ?? (event.status === 'running' || event.status === 'cancelling' ? now() : null);
        sweeps.set(event.sweepId, {
          name: event.spec.name,
          runCount: event.runCount,
          done: known?.done ?? 0,
          runningSince,
        });
        return;
      }
      case 'sweep-status': {
        const sweep = sweeps.get(event.sweepId);
        if (sweep && event.status === 'running') sweep.runningSince ??= now();
        return;
      }
      case 'progress': {
        const sweep = sweeps.get(event.sweepId);
        if (sweep) sweep.done = event.progress.done;
        return;
      }
      case 'sweep-finished': {
        const sweep = sweeps.get(event.sweepId);
        sweeps.delete(event.sweepId);
        if (!sweep || sweep.runningSince === null) return;
        const ms = now() - sweep.runningSince;
        if (ms < LONG_SWEEP_MS || deps.window()?.isFocused() || !deps.Notification.isSupported()) return;
        const { title, body } = describeFinishedSweep(sweep, event, ms);
        notify(title, body);
        return;
      }
      case 'results':
        return;
    }
  };
}
