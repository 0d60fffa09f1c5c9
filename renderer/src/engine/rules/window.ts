/**
 * Bounded time windows kept as plain JSON (they live inside the engine state that is
 * persisted and restored): a FIFO with a running sum for mean and count, and a monotonic
 * deque for min and max. Both are amortised O(1) per reading.
 */

/** Readings kept per window at most; beyond it the oldest are dropped so a dense series cannot grow a window without bound. */
export const MAX_WINDOW_READINGS = 50_000;
/** Compact the arrays once this many dead entries sit before `head`. */
const COMPACT_AT = 256;

export interface TimedValues {
  t: number[];
  v: number[];
  id: string[];
  head: number;
}

export interface Fifo extends TimedValues {
  sum: number;
}

export const emptyFifo = (): Fifo => ({ t: [], v: [], id: [], head: 0, sum: 0 });
export const emptyDeque = (): TimedValues => ({ t: [], v: [], id: [], head: 0 });

export const sizeOf = (w: TimedValues): number => w.t.length - w.head;

function compact(w: TimedValues): boolean {
  if (w.head < COMPACT_AT || w.head * 2 < w.t.length) return false;
  w.t = w.t.slice(w.head);
  w.v = w.v.slice(w.head);
  w.id = w.id.slice(w.head);
  w.head = 0;
  return true;
}

/** Re-adds from scratch, so floating-point drift of the running sum cannot accumulate. */
function resum(f: Fifo): void {
  let s = 0;
  for (let i = f.head; i < f.v.length; i++) s += f.v[i]!;
  f.sum = s;
}

export function fifoPush(f: Fifo, t: number, v: number, id: string): void {
  f.t.push(t);
  f.v.push(v);
  f.id.push(id);
  f.sum += v;
  if (sizeOf(f) > MAX_WINDOW_READINGS) dropFront(f);
}

function dropFront(f: Fifo): void {
  f.sum -= f.v[f.head]!;
  f.head++;
}

/** Drops readings taken before `cutoff` (epoch ms). */
export function fifoEvict(f: Fifo, cutoff: number): void {
  while (f.head < f.t.length && f.t[f.head]! < cutoff) dropFront(f);
  if (f.head === f.t.length) {
    f.t = [];
    f.v = [];
    f.id = [];
    f.head = 0;
    f.sum = 0;
  } else if (compact(f)) resum(f);
}

/** Keeps the running minimum (`keepMin`) or maximum at the front. */
export function dequePush(d: TimedValues, t: number, v: number, id: string, keepMin: boolean): void {
  let end = d.t.length;
  while (end > d.head && (keepMin ? d.v[end - 1]! >= v : d.v[end - 1]! <= v)) end--;
  // pop rather than setting length: popping stays on V8's fast path, a length store calls into the runtime
  while (d.t.length > end) {
    d.t.pop();
    d.v.pop();
    d.id.pop();
  }
  d.t.push(t);
  d.v.push(v);
  d.id.push(id);
}

export function dequeEvict(d: TimedValues, cutoff: number): void {
  while (d.head < d.t.length && d.t[d.head]! < cutoff) d.head++;
  compact(d);
}

/** The newest `max` ids in the window, oldest first. */
export function lastIds(w: TimedValues, max: number): string[] {
  return w.id.slice(Math.max(w.head, w.id.length - max));
}
