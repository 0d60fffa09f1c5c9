import { describe, expect, it } from 'vitest';
import { cellText, countCell, MIN_CELL, suppressedIndices } from '../../../renderer/src/engine/population/suppression';

describe('small-cell suppression', () => {
  it('hides every count under 11, zero included, and shows 11 and over', () => {
    expect(MIN_CELL).toBe(11);
    expect(cellText(countCell(10))).toBe('<11');
    expect(cellText(countCell(0))).toBe('<11');
    expect(cellText(countCell(11))).toBe('11');
  });

  it('hides a second cell when only one of a partition is small, so it cannot be had by subtraction', () => {
    // 40 = 25 + 12 + 3: with only the 3 hidden, 40 − 25 − 12 gives it back; the 12 goes too.
    expect([...suppressedIndices([25, 12, 3])].sort()).toEqual([1, 2]);
    // Two small cells already hide each other.
    expect([...suppressedIndices([25, 4, 3])].sort()).toEqual([1, 2]);
    expect(suppressedIndices([25, 30, 11]).size).toBe(0);
    // A partition of two: both go.
    expect([...suppressedIndices([50, 2])].sort()).toEqual([0, 1]);
  });
});
