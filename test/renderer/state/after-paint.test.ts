import { describe, expect, it } from 'vitest';
import { afterPaint, type FrameScheduler } from '../../../src-renderer/lib/state/after-paint';

/** Frames and tasks the test runs by hand, in the order a browser would: the frame's callbacks, then queued tasks. */
function manualFrames() {
  const frames = new Map<number, () => void>();
  const tasks = new Map<number, () => void>();
  let next = 1;
  const scheduler: FrameScheduler = {
    requestAnimationFrame: (then) => (frames.set(next, then), next++),
    cancelAnimationFrame: (frame) => void frames.delete(frame),
    setTimeout: (then) => (tasks.set(next, then), next++),
    clearTimeout: (timer) => void tasks.delete(timer as number),
  };
  const run = (queue: Map<number, () => void>) => {
    const due = [...queue.values()];
    queue.clear();
    due.forEach((f) => f());
  };
  return { scheduler, frame: () => run(frames), tasks: () => run(tasks), pending: () => frames.size + tasks.size };
}

describe('afterPaint: a part made after the next frame, in a task of its own', () => {
  it('runs in a task queued by the next frame, not in the frame itself', () => {
    const { scheduler, frame, tasks } = manualFrames();
    const made: string[] = [];
    afterPaint(() => made.push('part'), scheduler);
    tasks();
    expect(made).toEqual([]); // nothing before the frame
    frame();
    expect(made).toEqual([]); // not in the frame's callbacks, whose task lays the page out
    tasks();
    expect(made).toEqual(['part']);
  });

  it('cancelled before the frame or between the frame and its task, it never runs and leaves nothing queued', () => {
    for (const cancelAfterFrame of [false, true]) {
      const { scheduler, frame, tasks, pending } = manualFrames();
      let made = 0;
      const cancel = afterPaint(() => made++, scheduler);
      if (cancelAfterFrame) frame();
      cancel();
      expect(pending()).toBe(0);
      frame();
      tasks();
      expect(made).toBe(0);
    }
  });
});
