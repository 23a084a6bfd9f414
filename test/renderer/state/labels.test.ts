import { describe, expect, it } from 'vitest';
import { countOf, sweepLabel } from '../../../src-renderer/lib/state/labels';

describe('how the app names things', () => {
  it('shows a sweep by its name, and one without a name (or not known) as "untitled"', () => {
    expect(sweepLabel({ name: 'lr grid' })).toBe('lr grid');
    expect(sweepLabel({ name: '' })).toBe('untitled');
    expect(sweepLabel(undefined)).toBe('untitled');
  });

  it('counts in words, with thousands separated', () => {
    expect(countOf(0, 'run')).toBe('0 runs');
    expect(countOf(1, 'run')).toBe('1 run');
    expect(countOf(10_000, 'trace')).toBe('10,000 traces');
  });
});
