/**
 * Apple Health's export.xml writes dates as "2024-03-05 07:41:12 +0100": local wall time
 * and the UTC offset in force. Returns UTC epoch ms and the wall time as written, or
 * undefined when the text is not such a date. Read by character codes: export.xml has two
 * dates on each of millions of records.
 */
export interface AppleDate {
  utcMs: number;
  /** "2024-03-05T07:41:12": wall time without zone, as devices report it. */
  wall: string;
}

/** Positions of the separators in "YYYY-MM-DD hh:mm:ss ±hhmm". */
const LAYOUT = '0000-00-00 00:00:00 +0000';

export function parseAppleDate(text: string | undefined): AppleDate | undefined {
  if (text === undefined || text.length !== LAYOUT.length) return undefined;
  const sign = text.charCodeAt(20);
  if (sign !== 0x2b && sign !== 0x2d) return undefined;
  for (let i = 0; i < LAYOUT.length; i++) {
    if (i === 20) continue;
    const c = text.charCodeAt(i);
    if (LAYOUT.charCodeAt(i) === 0x30 ? c < 0x30 || c > 0x39 : c !== LAYOUT.charCodeAt(i)) return undefined;
  }
  const y = digits(text, 0, 4), mo = digits(text, 5, 2), d = digits(text, 8, 2), h = digits(text, 11, 2), mi = digits(text, 14, 2), s = digits(text, 17, 2), oh = digits(text, 21, 2), om = digits(text, 23, 2);
  if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || s > 60 || oh > 23 || om > 59) return undefined;
  const offsetMs = (sign === 0x2d ? -1 : 1) * (oh * 60 + om) * 60_000;
  return { utcMs: Date.UTC(y, mo - 1, d, h, mi, s) - offsetMs, wall: `${text.slice(0, 10)}T${text.slice(11, 19)}` };
}

function digits(text: string, from: number, len: number): number {
  let v = 0;
  for (let i = from; i < from + len; i++) v = v * 10 + (text.charCodeAt(i) - 0x30);
  return v;
}
