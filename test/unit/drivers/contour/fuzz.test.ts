import { describe, expect, it } from 'vitest';
import { asciiBytes } from '../../../../electron/devices/drivers/contour/ascii';
import { encodeAstmFrame, ETB, ETX } from '../../../../electron/devices/drivers/contour/astm-frame';
import { decodeContourRecords } from '../../../../electron/devices/drivers/contour/driver';
import { decodeContourFrame } from '../../../../electron/devices/drivers/contour/frame-codec';
import { decodeContourReport, encodeContourReports } from '../../../../electron/devices/drivers/contour/hid-report';
import { ContourSimulator } from '../../../../native/simulators/hid/contour-simulator';
import { generateGlucoseRecords } from '../../../../native/simulators/hid/glucose-records';
import { expectOnlyDecodeErrors, mutate, Prng } from '../../simulators/hid/fuzz-kit';

const N = 100_000;
const sim = new ContourSimulator({ records: generateGlucoseRecords({ count: 20, unit: 'mg/dL' }).map((r, i) => ({ ...r, markers: i % 3 ? ['>', 'A'] : ['C'] })) });
const frames = sim.frames;
const texts = sim.recordTexts();

/** Re-frames mutated text with a valid checksum so the fuzz reaches the record parser. */
function reframe(rng: Prng, frame: Uint8Array): Uint8Array {
  const text = mutate(rng, frame.subarray(2, frame.length - 5));
  const clean = Array.from(text, (c) => (c === 0x02 || c === 0x03 || c === 0x04 || c === 0x05 || c === 0x06 || c === 0x0a || c === 0x15 || c === ETB || c > 0x7f ? 0x7c : c));
  return encodeAstmFrame(frame[1]! - 0x30, String.fromCharCode(...clean.slice(0, 240)), frame[frame.length - 5] === ETX);
}

describe('Contour decoders under fuzzing (seeded, 100,000 inputs each)', () => {
  it('contour-frame codec: random, mutated and re-checksummed mutated frames', () => {
    const rng = new Prng(0xc0de);
    const r = expectOnlyDecodeErrors(
      N,
      (i) => {
        const seed = rng.pick(frames);
        if (i % 4 === 0) return rng.bytes(rng.int(260));
        if (i % 4 === 1) return mutate(rng, seed);
        return reframe(rng, seed);
      },
      decodeContourFrame,
    );
    // The re-checksummed half reaches the record parser, which both accepts and refuses.
    expect(r.ok).toBeGreaterThan(N / 10);
    expect(r.errors).toBeGreaterThan(N / 10);
  });

  it('HID report framing', () => {
    const rng = new Prng(0xbeef);
    const reports = frames.flatMap((f) => encodeContourReports(f));
    expectOnlyDecodeErrors(N, (i) => (i % 2 ? rng.bytes(rng.int(70)) : mutate(rng, rng.pick(reports))), decodeContourReport);
  });

  it('record decoding (header delimiters, result records)', () => {
    const rng = new Prng(0xfeed);
    const records = texts.map(asciiBytes);
    const r = expectOnlyDecodeErrors(N, (i) => (i % 5 === 0 ? rng.bytes(rng.int(80)) : mutate(rng, rng.pick(records))), (bytes) => decodeContourRecords([records[0]!, bytes]));
    expect(r.ok).toBeGreaterThan(N / 10);
  });
});
