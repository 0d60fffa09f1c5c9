import { describe, expect, it } from 'vitest';
import { localDate, wallTime } from '../../../common/time/local-days';

describe('wall time in a zone', () => {
  it("UTC's wall time (read from Date's own fields) equals the zone database's, 1875 to 2200", () => {
    for (let ms = Date.UTC(1875, 0, 1, 0, 0, 7); ms < Date.UTC(2200, 0, 1); ms += 9_999_999_937) {
      expect(wallTime(ms, 'UTC')).toEqual(wallTime(ms, 'Etc/Greenwich'));
    }
    expect(localDate(Date.UTC(2026, 11, 31, 23, 59, 59), 'UTC')).toBe('2026-12-31');
  });

  it('an instant that is not a time is refused in UTC as in any zone', () => {
    expect(() => wallTime(Number.NaN, 'UTC')).toThrow(RangeError);
    expect(() => wallTime(Number.NaN, 'Europe/Paris')).toThrow(RangeError);
  });
});
