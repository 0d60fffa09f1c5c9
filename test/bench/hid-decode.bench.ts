import { asciiBytes } from '../../electron/devices/drivers/contour/ascii';
import { decodeContourRecords } from '../../electron/devices/drivers/contour/driver';
import { decodeContourFrame } from '../../electron/devices/drivers/contour/frame-codec';
import { decodeFreeStyleRecords } from '../../electron/devices/drivers/freestyle/driver';
import { decodeFreeStyleReply } from '../../electron/devices/drivers/freestyle/reply-codec';
import { encodeTextReply } from '../../electron/devices/drivers/freestyle/text-reply';
import { ContourSimulator } from '../../native/simulators/hid/contour-simulator';
import { FreeStyleSimulator } from '../../native/simulators/hid/freestyle-simulator';
import { generateGlucoseRecords } from '../../native/simulators/hid/glucose-records';
import type { BenchFigure, BenchSection } from './report';

const RECORDS = 2000;
const ROUNDS = 25;

/** Records per second, best of a few timed runs after a warm-up (the median machine noise is large on 2 cores). */
function rate(records: number, run: () => void): number {
  for (let i = 0; i < 3; i++) run();
  let best = Number.POSITIVE_INFINITY;
  for (let r = 0; r < 5; r++) {
    const t0 = performance.now();
    for (let i = 0; i < ROUNDS; i++) run();
    best = Math.min(best, performance.now() - t0);
  }
  return Math.round((records * ROUNDS) / (best / 1000));
}

/** Decoding throughput of the USB HID meter codecs (issue #5), on a meter's worth of records. */
export async function benchHidDecode(): Promise<BenchSection> {
  const records = generateGlucoseRecords({ count: RECORDS });
  const contour = new ContourSimulator({ records });
  const frames = contour.frames;
  const contourRecords = contour.recordTexts().map(asciiBytes);
  const freestyle = new FreeStyleSimulator({ records });
  const reply = asciiBytes(encodeTextReply(freestyle.recordList()));
  const freestyleLines = freestyle.recordList().split('\r\n').slice(0, -2).map(asciiBytes);

  let sink = 0;
  const figures: BenchFigure[] = [
    {
      name: 'contour-frame (frame checksum + E1394 record → reading)',
      value: rate(frames.length, () => {
        for (const f of frames) sink += decodeContourFrame(f).readings.length;
      }),
      unit: 'frames/s',
    },
    {
      name: 'Contour result records → readings (driver decode)',
      value: rate(RECORDS, () => {
        sink += decodeContourRecords(contourRecords).length;
      }),
      unit: 'records/s',
    },
    {
      name: `freestyle-reply (one ${RECORDS}-record $result? reply: CKSM, list checksum, records)`,
      value: rate(RECORDS, () => {
        sink += decodeFreeStyleReply(reply).readings.length;
      }),
      unit: 'records/s',
    },
    {
      name: 'FreeStyle Precision Neo records → readings (driver decode)',
      value: rate(RECORDS, () => {
        sink += decodeFreeStyleRecords(freestyleLines, 'precision-neo').length;
      }),
      unit: 'records/s',
    },
  ];
  if (sink === 0) throw new Error('hid-decode bench decoded nothing');
  return {
    title: 'USB HID meter decoding: Contour Next USB and FreeStyle (issue #5)',
    method: `${RECORDS.toLocaleString('en-US')} simulated glucose records per meter, encoded by the byte-faithful simulators (native/simulators/hid) and decoded in Node with the drivers' pure codecs: ${ROUNDS} passes per timing, best of 5 timings after 3 warm-up passes.`,
    figures,
  };
}
