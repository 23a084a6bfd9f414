import { expect } from 'vitest';

/** Asserts |actual − expected| ≤ rel·max(|expected|, tiny): a relative tolerance that still works at zero. */
export function expectClose(actual: number, expected: number, rel: number): void {
  const scale = Math.max(Math.abs(expected), Number.MIN_VALUE);
  const error = Math.abs(actual - expected) / scale;
  if (!(error <= rel))
    expect.fail(`expected ${actual} to be within ${rel} (relative) of ${expected}; relative error ${error}`);
}
