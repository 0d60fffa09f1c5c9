import { ACMAX, AUX, CHN, NUM, SKIP, SUB } from './codes';
import { WfdbFormatError } from './errors';

/**
 * MIT-format annotation files (WFDB Applications Guide, annot(5)). Each annotation is a
 * 16-bit little-endian word: the top 6 bits are the code A, the low 10 bits the time I in
 * samples since the previous annotation. A = 0 with I = 0 ends the file. Pseudo-codes:
 * SKIP (59) is followed by a 32-bit interval (high 16-bit word first, each word
 * little-endian) added to the next annotation's time; NUM (60), SUB (61) and CHN (62) set the
 * num, subtype and chan fields of the annotation they follow from I; AUX (63) is followed by
 * I bytes of auxiliary text (padded to an even length). num and chan carry over to later
 * annotations until changed; subtype and aux do not.
 */
export interface Annotation {
  /** Sample index from the start of the record. */
  sample: number;
  code: number;
  subtype: number;
  chan: number;
  num: number;
  aux?: string;
}

const latin1 = (bytes: Uint8Array, from: number, to: number): string => {
  let s = '';
  for (let i = from; i < to; i++) {
    const b = bytes[i]!;
    if (b === 0) break;
    s += String.fromCharCode(b);
  }
  return s;
};

/** Reads every annotation of an MIT-format file. Throws WfdbFormatError on malformed input. */
export function readMitAnnotations(bytes: Uint8Array): Annotation[] {
  const out: Annotation[] = [];
  let p = 0;
  let time = 0;
  let num = 0;
  let chan = 0;
  let current: Annotation | undefined;
  const word = (at: number): number => bytes[at]! | (bytes[at + 1]! << 8);
  while (true) {
    if (p + 2 > bytes.length) {
      // A file cut after a whole annotation is accepted; WFDB writes the 0-word but readers tolerate its absence.
      if (p === bytes.length) break;
      throw new WfdbFormatError('truncated', 'the annotation file ends inside a word', p);
    }
    const w = word(p);
    const a = w >> 10;
    const i = w & 0x3ff;
    if (w === 0) break;
    p += 2;
    if (a === SKIP) {
      if (p + 4 > bytes.length) throw new WfdbFormatError('truncated', 'the annotation file ends inside a SKIP interval', p);
      const interval = ((word(p) << 16) | word(p + 2)) | 0;
      time += interval;
      p += 4;
      if (time < 0) throw new WfdbFormatError('bad-annotation', 'a SKIP moves the time before the start of the record', p - 6);
      continue;
    }
    if (a === NUM || a === SUB || a === CHN || a === AUX) {
      if (!current) throw new WfdbFormatError('bad-annotation', 'a NUM, SUB, CHN or AUX word comes before any annotation', p - 2);
      if (a === NUM) {
        num = i << 22 >> 22;
        current.num = num;
      } else if (a === SUB) current.subtype = i << 22 >> 22;
      else if (a === CHN) {
        chan = i;
        current.chan = chan;
      } else {
        const end = p + i;
        if (end > bytes.length) throw new WfdbFormatError('truncated', 'the annotation file ends inside an AUX string', p);
        current.aux = latin1(bytes, p, end);
        p = end + (i & 1);
      }
      continue;
    }
    if (a > ACMAX) throw new WfdbFormatError('bad-annotation', `annotation code ${a} is reserved`, p - 2);
    time += i;
    if (!Number.isSafeInteger(time)) throw new WfdbFormatError('too-large', 'annotation times overflow', p - 2);
    current = { sample: time, code: a, subtype: 0, chan, num };
    out.push(current);
  }
  return out;
}
