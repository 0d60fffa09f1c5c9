import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  BEAT_CODES,
  checksum16,
  checksumMatches,
  decodeFormat16,
  decodeFormat212,
  decodeSignals,
  isBeatCode,
  mnemonic,
  parseHeader,
  readMitAnnotations,
  readRecord,
  toPhysical,
  WfdbFormatError,
} from '../../../renderer/src/engine/signal/wfdb/index';
import { HAVE_MITDB, loadRecord100, MITDB_DIR, MITDB_SKIP_REASON } from './mitdb';

/** Test-side encoders, written from the format descriptions, to build synthetic files. */
function encode212(samples: number[]): Uint8Array {
  const out: number[] = [];
  for (let i = 0; i < samples.length; i += 2) {
    const a = samples[i]! & 0xfff;
    if (i + 1 < samples.length) {
      const b = samples[i + 1]! & 0xfff;
      out.push(a & 0xff, ((a >> 8) & 0x0f) | ((b >> 4) & 0xf0), b & 0xff);
    } else out.push(a & 0xff, (a >> 8) & 0x0f);
  }
  return Uint8Array.from(out);
}
function encode16(samples: number[]): Uint8Array {
  const out = new Uint8Array(samples.length * 2);
  samples.forEach((v, i) => {
    out[2 * i] = v & 0xff;
    out[2 * i + 1] = (v >> 8) & 0xff;
  });
  return out;
}
function annWord(code: number, interval: number): number[] {
  const w = (code << 10) | (interval & 0x3ff);
  return [w & 0xff, w >> 8];
}

if (!HAVE_MITDB) console.warn(MITDB_SKIP_REASON);

describe('WFDB reader on MIT-BIH record 100', () => {
  it.skipIf(!HAVE_MITDB)('reads the header', () => {
    const h = parseHeader(readFileSync(join(MITDB_DIR, '100.hea'), 'utf8'));
    expect(h).toMatchObject({ recordName: '100', fs: 360, nSamples: 650000 });
    expect(h.signals.map((s) => [s.fileName, s.format, s.adcGain, s.baseline, s.adcResolution, s.adcZero, s.initialValue, s.checksum, s.description])).toEqual([
      ['100.dat', 212, 200, 1024, 11, 1024, 995, -22131, 'MLII'],
      ['100.dat', 212, 200, 1024, 11, 1024, 1011, 20052, 'V5'],
    ]);
    expect(h.comments[0]).toBe('69 M 1085 1629 x1');
  });
  it.skipIf(!HAVE_MITDB)('decodes 650,000 format-212 samples per lead that match the header initial values and checksums', () => {
    const { record, mlii } = loadRecord100();
    for (const s of record.signals) {
      expect(s.samples.length).toBe(650000);
      expect(s.samples[0]).toBe(s.spec.initialValue);
      expect(checksum16(s.samples)).toBe(s.spec.checksum);
      expect(checksumMatches(s.spec, s.samples)).toBe(true);
    }
    expect(mlii[0]).toBeCloseTo((995 - 1024) / 200, 6);
  });
  it.skipIf(!HAVE_MITDB)('reads 2,273 beat annotations (2,239 N, 33 A, 1 V) and the rhythm note', () => {
    const { annotations } = loadRecord100();
    const beats = annotations.filter((a) => isBeatCode(a.code));
    expect(beats.length).toBe(2273);
    const counts: Record<string, number> = {};
    for (const b of beats) counts[mnemonic(b.code)] = (counts[mnemonic(b.code)] ?? 0) + 1;
    expect(counts).toEqual({ N: 2239, A: 33, V: 1 });
    expect(annotations[0]).toMatchObject({ sample: 18, code: 28, aux: '(N' });
    expect(beats[0]!.sample).toBe(77);
    expect(beats.at(-1)!.sample).toBe(649991);
  });
});

describe('WFDB reader on synthetic files', () => {
  it('decodes format 212 including odd counts and negative values', () => {
    const values = [0, 1, -1, 2047, -2048, 1234, -777];
    expect(Array.from(decodeFormat212(encode212(values), values.length))).toEqual(values);
    expect(() => decodeFormat212(encode212(values), 9)).toThrow(WfdbFormatError);
  });
  it('decodes format 16', () => {
    const values = [0, 1, -1, 32767, -32768, 12345];
    expect(Array.from(decodeFormat16(encode16(values), values.length))).toEqual(values);
    expect(() => decodeFormat16(new Uint8Array(3), 2)).toThrow(WfdbFormatError);
  });
  it('reads an interleaved three-signal format-16 record with byte offset, units and baseline', () => {
    const frames = [[10, -20, 300], [11, -21, 301], [12, -22, 302]];
    const body = encode16(frames.flat());
    const file = new Uint8Array(4 + body.length);
    file.set(body, 4);
    const sums = [33, -63, 903];
    const text = [
      '# leading comment',
      'syn 3 500/1000(0) 3 12:00:00 01/02/2024',
      `syn.dat 16+4 1000(5)/uV 16 0 10 ${sums[0]} 0 ECG I`,
      `syn.dat 16+4 0 16 7 -20 ${sums[1]}`,
      'syn.dat 16+4 50/mmHg 16 2 300',
    ].join('\n');
    const rec = readRecord(text, (name) => {
      expect(name).toBe('syn.dat');
      return file;
    });
    expect(rec.header).toMatchObject({ recordName: 'syn', fs: 500, counterFrequency: 1000, baseCounter: 0, nSamples: 3, baseTime: '12:00:00', baseDate: '01/02/2024' });
    expect(rec.header.signals.map((s) => [s.adcGain, s.baseline, s.units, s.description])).toEqual([
      [1000, 5, 'uV', 'ECG I'],
      [200, 7, 'mV', ''],
      [50, 2, 'mmHg', ''],
    ]);
    expect(rec.signals.map((s) => Array.from(s.samples))).toEqual([[10, 11, 12], [-20, -21, -22], [300, 301, 302]]);
    expect(rec.signals.map((s) => checksumMatches(s.spec, s.samples))).toEqual([true, true, true]);
    const mv = toPhysical(rec.signals[0]!.samples, rec.signals[0]!.spec);
    [0.005, 0.006, 0.007].forEach((v, i) => expect(mv[i]).toBeCloseTo(v, 7));
  });
  it('reads a format-212 record spread over two files and refuses a short file', () => {
    const text = 'two 2 250 4\na.dat 212 200 12 0\nb.dat 16 100 16 0';
    const files: Record<string, Uint8Array> = { 'a.dat': encode212([1, 2, 3, 4]), 'b.dat': encode16([5, 6, 7, 8]) };
    const rec = readRecord(text, (n) => files[n]!);
    expect(rec.signals.map((s) => Array.from(s.samples))).toEqual([[1, 2, 3, 4], [5, 6, 7, 8]]);
    const short = parseHeader('two 1 250 5\na.dat 212');
    expect(() => decodeSignals(short, () => files['a.dat']!)).toThrow(/holds 4 frames/);
  });
  it('refuses malformed or unsupported headers with typed errors', () => {
    const bad: [string, string][] = [
      ['', 'bad-record-line'],
      ['rec x 360', 'bad-record-line'],
      ['rec/2 2 360', 'bad-record-line'],
      ['rec 1 abc', 'bad-record-line'],
      ['rec 2 360\nr.dat 212', 'truncated'],
      ['rec 1 360\nr.dat 80', 'unsupported-format'],
      ['rec 1 360\nr.dat 212x', 'bad-signal-line'],
      ['rec 1 360\nr.dat 212 200(x)', 'bad-signal-line'],
      ['rec 1 360\nr.dat 212 200 12 0 0 99999', 'bad-signal-line'],
    ];
    for (const [text, code] of bad) {
      const err = (() => {
        try {
          parseHeader(text);
        } catch (e) {
          return e;
        }
        return undefined;
      })();
      expect(err, text).toBeInstanceOf(WfdbFormatError);
      expect((err as WfdbFormatError).code, text).toBe(code);
    }
  });
  it('reads annotations with SKIP, NUM, SUB, CHN and AUX words', () => {
    const bytes = Uint8Array.from([
      ...annWord(1, 100), // N at 100
      ...annWord(60, 5), // num 5 for the N before it, and sticky
      ...annWord(5, 50), // V at 150, num 5
      ...annWord(61, 3), // subtype 3
      ...annWord(62, 1), // chan 1 (sticky)
      ...annWord(59, 0), 0x01, 0x00, 0x00, 0x00, // SKIP 65536 (high word first)
      ...annWord(28, 4), // + at 150 + 65536 + 4
      ...annWord(63, 3), 0x28, 0x41, 0x46, 0x00, // aux "(AF" padded
      ...annWord(14, 1), // noise
      0, 0,
      ...annWord(1, 1), // after the end marker: ignored
    ]);
    const anns = readMitAnnotations(bytes);
    expect(anns).toEqual([
      { sample: 100, code: 1, subtype: 0, chan: 0, num: 5 },
      { sample: 150, code: 5, subtype: 3, chan: 1, num: 5 },
      { sample: 65690, code: 28, subtype: 0, chan: 1, num: 5, aux: '(AF' },
      { sample: 65691, code: 14, subtype: 0, chan: 1, num: 5 },
    ]);
    expect(anns.filter((a) => isBeatCode(a.code)).map((a) => mnemonic(a.code))).toEqual(['N', 'V']);
    expect([...BEAT_CODES].map(mnemonic).sort().join('')).toBe([...'NLRBAaJSVrFejnE/fQ?'].sort().join(''));
  });
  it('refuses malformed annotation files with typed errors', () => {
    const cases: [number[], string][] = [
      [[0x05], 'truncated'],
      [[...annWord(60, 1)], 'bad-annotation'],
      [[...annWord(1, 1), ...annWord(63, 9), 0x41], 'truncated'],
      [[...annWord(59, 0), 0x01], 'truncated'],
      [[...annWord(50, 1)], 'bad-annotation'],
      [[...annWord(59, 0), 0xff, 0xff, 0xff, 0xff, ...annWord(1, 0)], 'bad-annotation'],
    ];
    for (const [bytes, code] of cases) {
      expect(() => readMitAnnotations(Uint8Array.from(bytes)), String(bytes)).toThrow(WfdbFormatError);
      try {
        readMitAnnotations(Uint8Array.from(bytes));
      } catch (e) {
        expect((e as WfdbFormatError).code).toBe(code);
      }
    }
  });
});

describe('WFDB parsers under fuzzing', () => {
  const onlyTyped = (run: () => unknown): void => {
    try {
      run();
    } catch (e) {
      if (!(e instanceof WfdbFormatError)) throw e;
    }
  };
  it('header parser: 50,000 random and mutated headers raise only WfdbFormatError', () => {
    const seedHeader = '100 2 360 650000\n100.dat 212 200 11 1024 995 -22131 0 MLII\n100.dat 16+8 200(3)/mV 11 1024 1011 20052 0 V5\n# c';
    const token = fc.constantFrom('100', '2', '360/1(0)', 'x', '212', '16x2:1+3', '200(1024)/mV', '-', '#', '\n', ' ', '/', '(', ')', '+', ':', '1e999', '9'.repeat(30), '');
    fc.assert(
      fc.property(fc.oneof(fc.string({ maxLength: 200 }), fc.array(token, { maxLength: 40 }).map((t) => t.join(' ')), fc.tuple(fc.nat(seedHeader.length), fc.string({ maxLength: 8 })).map(([i, s]) => seedHeader.slice(0, i) + s + seedHeader.slice(i + 1))), (text) => {
        onlyTyped(() => {
          const h = parseHeader(text);
          decodeSignals(h, () => new Uint8Array(64));
        });
      }),
      { numRuns: 50_000, seed: 6 },
    );
  });
  it('annotation reader: 50,000 random byte strings raise only WfdbFormatError, in bounded time', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 256 }), (bytes) => {
        onlyTyped(() => {
          const anns = readMitAnnotations(bytes);
          expect(anns.length).toBeLessThanOrEqual(bytes.length / 2);
        });
      }),
      { numRuns: 50_000, seed: 7 },
    );
  });
});
