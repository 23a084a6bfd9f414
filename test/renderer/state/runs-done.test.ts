import { describe, expect, it } from 'vitest';
import { outcomesShown, runsDone } from '../../../src-renderer/lib/state/runs-done';

describe("the runs a sweep's card counts done", () => {
  it('are the last progress heard while the sweep runs, ahead of what is stored', () => {
    expect(runsDone('running', 5_043, 4_667)).toBe(5_043);
    expect(runsDone('cancelling', 6_519, 6_400)).toBe(6_519);
    expect(runsDone('queued', undefined, 0)).toBe(0);
  });

  it('are what is stored once it has ended (a resumed sweep read "9,275 / 12,000 · completed")', () => {
    expect(runsDone('completed', 9_275, 12_000)).toBe(12_000);
    expect(runsDone('cancelled', 6_700, 6_519)).toBe(6_519);
    expect(runsDone('interrupted', 30_000, 21_345)).toBe(21_345);
  });
});

describe("the converged, diverged and failed counts a sweep's card shows", () => {
  const heard = { converged: 1, diverged: 6_500, failed: 0 };
  const stored = { converged: 1, diverged: 6_884, failed: 0 };

  it('are the progress heard while the sweep runs, and what is stored before any is heard', () => {
    expect(outcomesShown('running', heard, stored)).toBe(heard);
    expect(outcomesShown('running', undefined, stored)).toBe(stored);
  });

  it("are its stored runs' once it has ended: after a reload no progress is heard, and the card had shown none", () => {
    expect(outcomesShown('completed', undefined, stored)).toBe(stored);
    expect(outcomesShown('cancelled', heard, stored)).toBe(stored);
    expect(outcomesShown('completed', undefined, undefined)).toBeUndefined();
  });
});
