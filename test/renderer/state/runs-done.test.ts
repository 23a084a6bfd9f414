import { describe, expect, it } from 'vitest';
import { runsDone } from '../../../src-renderer/lib/state/runs-done';

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
