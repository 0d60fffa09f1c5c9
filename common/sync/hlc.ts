/**
 * Hybrid logical clock (Kulkarni et al. 2014), encoded as a fixed-width string so that
 * stamps compare correctly with plain string comparison — IndexedDB indexes, PostgreSQL
 * text columns and JS `<` then all agree on last-writer-wins order.
 *
 * Layout: 13 digits of wall time in ms, '-', 6 hex digits of logical counter, '-', node id.
 */
export type HlcStamp = string;

export interface HlcState {
  wallMs: number;
  counter: number;
  node: string;
}

export class HlcError extends Error {
  override readonly name = 'HlcError';
}

const MAX_COUNTER = 0xffffff;
/** Stamps further ahead than this of the local clock are refused: a misset clock must not win every merge forever. */
export const MAX_CLOCK_DRIFT_MS = 5 * 60_000;

export function encodeHlc(s: HlcState): HlcStamp {
  return `${String(s.wallMs).padStart(13, '0')}-${s.counter.toString(16).padStart(6, '0')}-${s.node}`;
}

const STAMP = /^(\d{13})-([0-9a-f]{6})-([0-9A-Za-z_]{1,32})$/;

export function decodeHlc(stamp: string): HlcState {
  const m = STAMP.exec(stamp);
  if (!m) throw new HlcError(`not a clock stamp: ${stamp.slice(0, 64)}`);
  return { wallMs: Number(m[1]), counter: parseInt(m[2]!, 16), node: m[3]! };
}

export function isHlcStamp(value: unknown): value is HlcStamp {
  return typeof value === 'string' && STAMP.test(value);
}

/** A clock owned by one writer (a workstation's engine, or the server). */
export class HybridLogicalClock {
  private last: HlcState;

  constructor(
    readonly node: string,
    private readonly now: () => number,
    last?: HlcStamp,
  ) {
    if (!/^[0-9A-Za-z_]{1,32}$/.test(node)) throw new HlcError('clock node id must be 1-32 alphanumeric characters');
    this.last = last ? decodeHlc(last) : { wallMs: 0, counter: 0, node };
  }

  /** Stamp for a local event. */
  tick(): HlcStamp {
    const phys = this.now();
    if (phys > this.last.wallMs) {
      this.last = { wallMs: phys, counter: 0, node: this.node };
    } else {
      this.last = { wallMs: this.last.wallMs, counter: this.bump(this.last.counter), node: this.node };
    }
    return encodeHlc(this.last);
  }

  /** Merge a stamp received from another node so later local stamps sort after it. */
  receive(remote: HlcStamp): HlcStamp {
    const r = decodeHlc(remote);
    const phys = this.now();
    if (r.wallMs - phys > MAX_CLOCK_DRIFT_MS) {
      throw new HlcError(`clock stamp is ${Math.round((r.wallMs - phys) / 1000)} s in the future`);
    }
    const wall = Math.max(phys, this.last.wallMs, r.wallMs);
    let counter: number;
    if (wall === this.last.wallMs && wall === r.wallMs) counter = this.bump(Math.max(this.last.counter, r.counter));
    else if (wall === this.last.wallMs) counter = this.bump(this.last.counter);
    else if (wall === r.wallMs) counter = this.bump(r.counter);
    else counter = 0;
    this.last = { wallMs: wall, counter, node: this.node };
    return encodeHlc(this.last);
  }

  get lastStamp(): HlcStamp {
    return encodeHlc(this.last);
  }

  private bump(counter: number): number {
    if (counter >= MAX_COUNTER) throw new HlcError('clock counter overflow');
    return counter + 1;
  }
}
