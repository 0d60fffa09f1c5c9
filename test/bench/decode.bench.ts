import { performance } from 'node:perf_hooks';
import { encodeCurrentTime } from '../../electron/devices/drivers/ble/current-time';
import { encodePmdEcgFrame } from '../../electron/devices/drivers/ble/polar-pmd';
import { encodeRacpResponse } from '../../electron/devices/drivers/ble/racp';
import { encodeWeightScaleFeature } from '../../electron/devices/drivers/ble/weight-scale-feature';
import { codecs } from '../../electron/devices/drivers/codecs';
import {
  encodeBloodPressureMeasurement,
  encodeGlucoseContext,
  encodeGlucoseMeasurement,
  encodeHeartRateMeasurement,
  encodePlxContinuous,
  encodePlxSpotCheck,
  encodeTemperatureMeasurement,
  encodeWeightMeasurement,
} from '../../native/simulators/ble/frames';
import type { BenchSection } from './report';

const time = { year: 2026, month: 11, day: 24, hours: 9, minutes: 41, seconds: 7 };

/** One realistic frame per Bluetooth codec, with every optional field a device commonly sends. */
const frames: Record<string, Uint8Array> = {
  'heart-rate-measurement': encodeHeartRateMeasurement({ heartRate: 72, sensorContact: 'detected', energyExpendedKj: 210, rrIntervals1024: [850, 861] }),
  'blood-pressure-measurement': encodeBloodPressureMeasurement({ unit: 'mmHg', systolic: 128, diastolic: 82, meanArterial: 97, time, pulseRate: 71, userId: 1, measurementStatus: 0x0004 }),
  'plx-spot-check': encodePlxSpotCheck({ spo2: 97, pulseRate: 66, time, measurementStatus: 0x0080, deviceSensorStatus: 0, pulseAmplitudeIndex: 2.4 }),
  'plx-continuous': encodePlxContinuous({ normal: { spo2: 97, pulseRate: 66 }, fast: { spo2: 96, pulseRate: 67 }, measurementStatus: 0x0080, pulseAmplitudeIndex: 2.4 }),
  'glucose-measurement': encodeGlucoseMeasurement({ sequence: 412, baseTime: time, timeOffsetMinutes: 0, concentration: { value: 112, unit: 'mg/dL' }, type: 1, sampleLocation: 1, sensorStatus: 0, contextFollows: true }),
  'glucose-context': encodeGlucoseContext({ sequence: 412, carbohydrate: { id: 1, grams: 45 }, meal: 2, testerHealth: { tester: 1, health: 5 }, medication: { id: 1, amount: 4, unit: 'mg' } }),
  racp: encodeRacpResponse({ op: 'response-code', requestOpCode: 1, code: 'success' }),
  'temperature-measurement': encodeTemperatureMeasurement({ value: 37.2, unit: 'Cel', time, type: 9 }),
  'weight-measurement': encodeWeightMeasurement({ unit: 'kg', weight: 78.45, time, userId: 2, bmiAndHeight: { bmi: 24.8, height: 1.778 } }),
  'weight-scale-feature': encodeWeightScaleFeature({ timeStamp: true, multipleUsers: true, bmi: true, weightResolutionCode: 4, heightResolutionCode: 3 }),
  'current-time': encodeCurrentTime(time),
  // A full H10 notification: 73 samples, the frame a 232-byte MTU carries.
  'polar-pmd-ecg': encodePmdEcgFrame({ timestampNs: 825_000_000_000_000_000n, samplesUv: Int32Array.from({ length: 73 }, (_, i) => Math.round(800 * Math.sin(i / 5))) }),
};

/** Decodes the frame in a loop for at least `minMs` after a warm-up; returns decodes per second. */
function throughput(decode: (b: Uint8Array) => unknown, frame: Uint8Array, minMs = 300): number {
  let sink = 0;
  for (let i = 0; i < 20_000; i++) sink += decode(frame) ? 1 : 0;
  let n = 0;
  const t0 = performance.now();
  let elapsed = 0;
  while (elapsed < minMs) {
    for (let i = 0; i < 10_000; i++) sink += decode(frame) ? 1 : 0;
    n += 10_000;
    elapsed = performance.now() - t0;
  }
  if (sink === 0) throw new Error('decoder returned nothing');
  return (n / elapsed) * 1000;
}

/** Records (characteristic values or frames) decoded per second by each Bluetooth codec, one thread. */
export async function benchDecode(): Promise<BenchSection> {
  const figures = Object.entries(frames).map(([name, frame]) => {
    const codec = codecs[name];
    if (!codec) throw new Error(`no codec ${name}`);
    const rate = throughput(codec, frame);
    return { name, value: Math.round(rate), unit: 'records/s', note: `${frame.length}-byte value` };
  });
  const ecg = figures.find((f) => f.name === 'polar-pmd-ecg')!;
  figures.push({ name: 'polar-pmd-ecg samples', value: Math.round(ecg.value * 73), unit: 'samples/s', note: '73 samples per frame' });
  return {
    title: 'Bluetooth codec decoding throughput (issue #5)',
    method:
      'Each codec of electron/devices/drivers/codecs.ts decodes one realistic value (built by the device simulators\' encoders, with the optional fields devices commonly send) in a loop for at least 300 ms after 20,000 warm-up decodes, in one Node thread under tsx; the figure is decoded values per second including building the typed readings.',
    figures,
  };
}
