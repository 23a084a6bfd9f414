/**
 * A part of the page made after the next frame, in a task of its own. Made in a requestAnimationFrame callback, a part
 * is laid out and painted in the same task as its making; made here (a task queued from that callback, so after the
 * frame's paint), it is laid out in the following frame's task instead: two tasks, each shorter. While a sweep holds
 * both cores a task's wall time is 2.5–4× its CPU, and the window's tasks must stay under 50 ms (docs/performance-ui.md).
 */

/** What a frame and a task are queued with: the browser's, or a test's. */
export interface FrameScheduler {
  requestAnimationFrame(then: () => void): number;
  cancelAnimationFrame(frame: number): void;
  setTimeout(then: () => void): unknown;
  clearTimeout(timer: unknown): void;
}

const browser: FrameScheduler = {
  requestAnimationFrame: (then) => requestAnimationFrame(then),
  cancelAnimationFrame: (frame) => cancelAnimationFrame(frame),
  setTimeout: (then) => setTimeout(then),
  clearTimeout: (timer) => clearTimeout(timer as ReturnType<typeof setTimeout>),
};

/** Runs `then` in a task after the next frame; returns what cancels it (an effect's teardown). */
export function afterPaint(then: () => void, scheduler: FrameScheduler = browser): () => void {
  let timer: unknown;
  let queued = false;
  const frame = scheduler.requestAnimationFrame(() => {
    queued = true;
    timer = scheduler.setTimeout(then);
  });
  return () => (queued ? scheduler.clearTimeout(timer) : scheduler.cancelAnimationFrame(frame));
}
