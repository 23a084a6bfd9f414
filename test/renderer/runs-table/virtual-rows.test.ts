import { describe, expect, it } from 'vitest';
import { visibleRows } from '../../../src-renderer/lib/runs-table/virtual-rows';

describe('virtual rows', () => {
  it('renders the rows in view and an overscan around them, within the table', () => {
    // 26 px rows, a 300 px view scrolled to row 1000 of a million: rows 990 … 1022.
    expect(visibleRows(26_000, 300, 26, 1_000_000)).toEqual({ first: 990, last: 1022 });
    expect(visibleRows(0, 300, 26, 5)).toEqual({ first: 0, last: 5 });
    expect(visibleRows(26 * 999_995, 300, 26, 1_000_000)).toEqual({ first: 999_985, last: 1_000_000 });
  });
});
