import { describe, expect, it } from 'vitest';
import { asciiBytes, asciiText } from '../../../../electron/devices/drivers/freestyle/ascii';
import { parseMeterClock } from '../../../../electron/devices/drivers/freestyle/commands';
import { decodeFreeStyleRecords } from '../../../../electron/devices/drivers/freestyle/driver';
import { decodeFreeStyleReport, encodeFreeStyleReport } from '../../../../electron/devices/drivers/freestyle/hid-message';
import type { FreeStyleModel } from '../../../../electron/devices/drivers/freestyle/records';
import { decodeFreeStyleReply } from '../../../../electron/devices/drivers/freestyle/reply-codec';
import { encodeTextReply, hex8, textSum } from '../../../../electron/devices/drivers/freestyle/text-reply';
import { FreeStyleSimulator } from '../../../../native/simulators/hid/freestyle-simulator';
import { generateGlucoseRecords } from '../../../../native/simulators/hid/glucose-records';
import { expectOnlyDecodeErrors, mutate, Prng } from '../../simulators/hid/fuzz-kit';

const N = 100_000;
const MODELS: FreeStyleModel[] = ['precision-neo', 'insulinx', 'libre'];
const lists = MODELS.map((model) => new FreeStyleSimulator({ model, records: generateGlucoseRecords({ count: 3 }) }).recordList());

/** Mutates the records, then fixes both checksums so the fuzz reaches the record parsers. */
function rechecksummed(rng: Prng, list: string): Uint8Array {
  const body = list.slice(0, list.lastIndexOf('\r\n', list.length - 3) + 2);
  const mutated = asciiText(mutate(rng, asciiBytes(body)));
  const lines = mutated.endsWith('\r\n') ? mutated : `${mutated}\r\n`;
  const count = lines.split('\r\n').length - 1;
  return asciiBytes(encodeTextReply(`${lines}${count},${hex8(textSum(lines))}\r\n`));
}

describe('FreeStyle decoders under fuzzing (seeded, 100,000 inputs each)', () => {
  it('freestyle-reply codec: random, mutated and re-checksummed mutated replies', () => {
    const rng = new Prng(0xabba);
    const replies = lists.map((l) => asciiBytes(encodeTextReply(l)));
    const r = expectOnlyDecodeErrors(
      N,
      (i) => {
        if (i % 4 === 0) return rng.bytes(rng.int(200));
        if (i % 4 === 1) return mutate(rng, rng.pick(replies));
        return rechecksummed(rng, lists[i % 3]!);
      },
      (bytes) => decodeFreeStyleReply(bytes, MODELS[bytes.length % 3]),
    );
    expect(r.ok).toBeGreaterThan(N / 10);
    expect(r.errors).toBeGreaterThan(N / 10);
  });

  it('HID report framing', () => {
    const rng = new Prng(0x5eed);
    const seeds = [encodeFreeStyleReport(0x60, asciiBytes('CKSM:00000000\r\nCMD OK\r\n')), encodeFreeStyleReport(0x71, Uint8Array.of(1))];
    expectOnlyDecodeErrors(N, (i) => (i % 2 ? rng.bytes(rng.int(70)) : mutate(rng, rng.pick(seeds))), decodeFreeStyleReport);
  });

  it('record decoding of every model, and the clock replies', () => {
    const rng = new Prng(0x1dea);
    const lines = lists.map((l) => l.split('\r\n').slice(0, -2).map(asciiBytes));
    const r = expectOnlyDecodeErrors(
      N,
      (i) => (i % 7 === 0 ? rng.bytes(rng.int(60)) : mutate(rng, rng.pick(lines[i % 3]!))),
      (bytes) => decodeFreeStyleRecords([bytes], MODELS[bytes.length % 3]!),
    );
    expect(r.ok).toBeGreaterThan(N / 20);
    const dates = [asciiBytes('4,1,26|9,30'), asciiBytes('255,255,255|255,255')];
    expectOnlyDecodeErrors(
      N / 4,
      () => mutate(rng, rng.pick(dates)),
      (bytes) => {
        const [d, t] = asciiText(bytes).split('|');
        return parseMeterClock(d ?? '', t ?? '');
      },
    );
  });
});
