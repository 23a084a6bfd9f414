/**
 * A part of the app that loads apart (a dynamic import of a view's code), on first use or, before that, once `ready`
 * has come and the page has been idle a while: the charts (Chart.js and its plugins, the largest part) and the sweep
 * analysis, which the first screen does not show. Fetched and evaluated during start-up they cost the main thread
 * ~30 ms and four requests while the stored runs were being read (docs/performance-ui.md).
 */

/** Runs `then` once the page has been idle after a pause (a person's first clicks come before it, not during it). */
function afterIdle(then: () => void, pauseMs = 1000): void {
  setTimeout(() => requestIdleCallback(then, { timeout: pauseMs }), pauseMs);
}

/** What loads the part: the same promise every time, started by the first call or by the idle prefetch. */
export function idleLoad<T>(
  load: () => Promise<T>,
  ready: Promise<unknown>,
  idle: (then: () => void) => void = afterIdle,
): () => Promise<T> {
  let loading: Promise<T> | null = null;
  const get = (): Promise<T> => (loading ??= load());
  // A prefetch that fails is reported where the part is used, by the same promise.
  void ready.then(() => idle(() => void get().catch(() => undefined)));
  return get;
}
