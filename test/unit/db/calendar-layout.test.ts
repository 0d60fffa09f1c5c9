import { describe, expect, it } from 'vitest';
import { placeInLanes } from '../../../renderer/src/views/schedule/calendar-layout';

describe('calendar lanes', () => {
  it('puts overlapping appointments side by side and lone ones full width', () => {
    const items = [
      { id: 'a', startMs: 0, endMs: 30 },
      { id: 'b', startMs: 10, endMs: 20 },
      { id: 'c', startMs: 20, endMs: 40 },
      { id: 'd', startMs: 50, endMs: 60 },
    ];
    const placed = Object.fromEntries(placeInLanes(items).map((p) => [p.item.id, [p.lane, p.lanes]]));
    expect(placed).toEqual({ a: [0, 2], b: [1, 2], c: [1, 2], d: [0, 1] });
  });
});
