import { describe, expect, it } from 'vitest';
import { IdleLock, type IdleClock } from '../../../renderer/src/security/session-idle';

/** A clock whose time moves only when the test says so, firing due timers in order. */
function manualClock(): IdleClock & { advance(ms: number): void; jump(ms: number): void; pending(): number } {
  let now = 0;
  let seq = 0;
  const timers = new Map<number, { at: number; fn: () => void }>();
  return {
    now: () => now,
    setTimeout: (fn, ms) => {
      timers.set(++seq, { at: now + ms, fn });
      return seq;
    },
    clearTimeout: (h) => void timers.delete(h as number),
    advance(ms) {
      const end = now + ms;
      for (;;) {
        const due = [...timers.entries()].filter(([, t]) => t.at <= end).sort((a, b) => a[1].at - b[1].at)[0];
        if (!due) break;
        timers.delete(due[0]);
        now = due[1].at;
        due[1].fn();
      }
      now = end;
    },
    /** Time passes without timers firing, as in a hidden browser window. */
    jump(ms) {
      now += ms;
    },
    pending: () => timers.size,
  };
}

describe('idle lock', () => {
  it('locks once the idle time passes without activity', () => {
    const clock = manualClock();
    let locks = 0;
    const idle = new IdleLock(3000, () => locks++, clock);
    idle.start();
    clock.advance(2999);
    expect(locks).toBe(0);
    clock.advance(1);
    expect(locks).toBe(1);
    clock.advance(60_000);
    expect(locks).toBe(1);
    expect(clock.pending()).toBe(0);
  });

  it('activity moves the deadline; the lock comes idle-time after the last activity', () => {
    const clock = manualClock();
    let lockedAt = -1;
    const idle = new IdleLock(5 * 60_000, () => (lockedAt = clock.now()), clock);
    idle.start();
    clock.advance(4 * 60_000);
    idle.activity();
    clock.advance(4 * 60_000);
    idle.activity();
    clock.advance(4 * 60_000);
    expect(lockedAt).toBe(-1);
    clock.advance(60_000);
    expect(lockedAt).toBe(13 * 60_000);
  });

  it('stop() cancels; a shorter timeout set while running applies at once', () => {
    const clock = manualClock();
    let locks = 0;
    const idle = new IdleLock(60_000, () => locks++, clock);
    idle.start();
    idle.stop();
    clock.advance(120_000);
    expect(locks).toBe(0);
    idle.start();
    clock.advance(10_000);
    idle.setTimeoutMs(3000);
    expect(locks).toBe(1);
  });

  it('checkNow() locks at once when the timer was held back (a hidden window) past the deadline', () => {
    const clock = manualClock();
    let locks = 0;
    const idle = new IdleLock(300_000, () => locks++, clock);
    idle.start();
    clock.jump(299_000);
    idle.checkNow();
    expect(locks).toBe(0);
    clock.jump(2000);
    idle.checkNow();
    expect(locks).toBe(1);
  });
});
