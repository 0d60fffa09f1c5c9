/**
 * The idle lock's clock (issue 9): activity pushes the deadline out; when it passes, the
 * session locks. Timers and the clock are injected so the behaviour is tested without waiting.
 */
export interface IdleClock {
  now(): number;
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export const browserClock: IdleClock = {
  now: () => Date.now(),
  setTimeout: (fn, ms) => globalThis.setTimeout(fn, ms),
  clearTimeout: (h) => globalThis.clearTimeout(h as ReturnType<typeof setTimeout>),
};

/**
 * The DOM events that count as someone at the keyboard, mouse or screen. Not 'scroll': pages
 * scroll by themselves (a live strip, a growing list), which is no one at the desk.
 */
export const ACTIVITY_EVENTS = ['keydown', 'pointerdown', 'pointermove', 'wheel', 'touchstart'] as const;

export class IdleLock {
  private lastActivity: number;
  private handle: unknown;
  private running = false;

  constructor(
    private timeoutMs: number,
    private readonly onIdle: () => void,
    private readonly clock: IdleClock = browserClock,
  ) {
    this.lastActivity = clock.now();
  }

  /** Starts watching from now (after sign-in or unlock). */
  start(): void {
    this.running = true;
    this.lastActivity = this.clock.now();
    this.schedule(this.timeoutMs);
  }

  stop(): void {
    this.running = false;
    if (this.handle !== undefined) this.clock.clearTimeout(this.handle);
    this.handle = undefined;
  }

  /** Someone did something: the deadline moves. Cheap: the timer re-arms only when it fires. */
  activity(): void {
    this.lastActivity = this.clock.now();
  }

  setTimeoutMs(ms: number): void {
    this.timeoutMs = ms;
    this.checkNow();
  }

  /**
   * Checks the deadline now. Browsers slow timers in hidden windows (Chromium: to once a
   * minute), so the page calls this when it becomes visible or focused again.
   */
  checkNow(): void {
    if (this.running) this.check();
  }

  get lastActivityMs(): number {
    return this.lastActivity;
  }

  private schedule(ms: number): void {
    if (this.handle !== undefined) this.clock.clearTimeout(this.handle);
    this.handle = this.clock.setTimeout(() => this.check(), Math.max(0, ms));
  }

  private check(): void {
    this.handle = undefined;
    if (!this.running) return;
    const remaining = this.lastActivity + this.timeoutMs - this.clock.now();
    if (remaining <= 0) {
      this.stop();
      this.onIdle();
    } else {
      this.schedule(remaining);
    }
  }
}
