import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { HlcError, HybridLogicalClock, MAX_CLOCK_DRIFT_MS, decodeHlc, encodeHlc } from '../../../common/sync/hlc';

describe('hybrid logical clock', () => {
  it('encodes so that string order is clock order', () => {
    fc.assert(
      fc.property(
        fc.record({ wallMs: fc.integer({ min: 0, max: 9_999_999_999_999 }), counter: fc.integer({ min: 0, max: 0xffffff }), node: fc.constantFrom('a', 'b1', 'ws9e') }),
        fc.record({ wallMs: fc.integer({ min: 0, max: 9_999_999_999_999 }), counter: fc.integer({ min: 0, max: 0xffffff }), node: fc.constantFrom('a', 'b1', 'ws9e') }),
        (x, y) => {
          const byFields = x.wallMs - y.wallMs || x.counter - y.counter || (x.node < y.node ? -1 : x.node > y.node ? 1 : 0);
          const byString = encodeHlc(x) < encodeHlc(y) ? -1 : encodeHlc(x) > encodeHlc(y) ? 1 : 0;
          expect(Math.sign(byString)).toBe(Math.sign(byFields));
          expect(decodeHlc(encodeHlc(x))).toEqual(x);
        },
      ),
    );
  });

  it('ticks strictly upward even when the wall clock stalls or goes back', () => {
    let now = 1_000_000;
    const clock = new HybridLogicalClock('ws1', () => now);
    const a = clock.tick();
    const b = clock.tick();
    now -= 60_000;
    const c = clock.tick();
    expect(a < b && b < c).toBe(true);
  });

  it('orders a local event after any remote stamp it has seen', () => {
    let now = 5_000;
    const fast = new HybridLogicalClock('fast', () => now + 90_000);
    const slow = new HybridLogicalClock('slow', () => now);
    const remote = fast.tick();
    slow.receive(remote);
    expect(slow.tick() > remote).toBe(true);
    now += 1;
  });

  it('resumes after the last saved stamp', () => {
    const first = new HybridLogicalClock('ws1', () => 2_000);
    const saved = first.tick();
    const resumed = new HybridLogicalClock('ws1', () => 1_000, saved);
    expect(resumed.tick() > saved).toBe(true);
  });

  it('refuses stamps too far in the future and malformed stamps', () => {
    const clock = new HybridLogicalClock('ws1', () => 1_000_000);
    const future = encodeHlc({ wallMs: 1_000_000 + MAX_CLOCK_DRIFT_MS + 1000, counter: 0, node: 'x' });
    expect(() => clock.receive(future)).toThrow(HlcError);
    expect(() => decodeHlc("1'; drop table")).toThrow(HlcError);
  });
});
