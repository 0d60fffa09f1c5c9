import type { DeviceTarget, LiveChunk } from '../../common/contract/main-api';
import { decodeHeartRateMeasurement } from './drivers/ble/heart-rate-measurement';
import { createBleGlucoseDriver } from './drivers/ble/ble-glucose-driver';
import { createStoredMeasurementDriver, STORED_MEASUREMENT_PROFILES, type StoredMeasurementProfile } from './drivers/ble/stored-measurement-driver';
import { createContourDriver } from './drivers/contour/driver';
import { createFreeStyleDriver } from './drivers/freestyle/driver';
import type { DeviceTime } from './drivers/types';
import { SimulatedGlucoseMeter } from '../../native/simulators/ble/glucose-meter';
import { SimulatedBloodPressureCuff, SimulatedOximeter, SimulatedScale, SimulatedThermometer } from '../../native/simulators/ble/health-devices';
import type { MeasuringDeviceOptions } from '../../native/simulators/ble/measuring-device';
import { SimulatedHeartRateStrap } from '../../native/simulators/ble/heart-rate-strap';
import { SimulatedPolarH10 } from '../../native/simulators/ble/polar-h10';
import { syntheticEcgForProfile } from '../../renderer/src/engine/signal/synthetic-ecg';
import { startPolarH10Ecg } from './drivers/ble/polar-h10-live';
import { H10_ECG_SAMPLE_RATE } from './drivers/ble/polar-pmd';
import { ContourSimulator } from '../../native/simulators/hid/contour-simulator';
import { FreeStyleSimulator } from '../../native/simulators/hid/freestyle-simulator';
import { addMinutes, generateGlucoseRecords } from '../../native/simulators/hid/glucose-records';
import type { SimulatorEntry } from './device-catalog';
import { wallClockAt, wallMs } from './session/device-clock';
import type { DeviceDriver } from './session/driver';

type SimulatedTarget = Extract<DeviceTarget, { kind: 'simulated' }>;

const STEP_MINUTES = 360;


/** A stable seed per serial, so one training device always holds the same readings. */
function seedOf(serial: string): number {
  let h = 2166136261;
  for (let i = 0; i < serial.length; i++) h = Math.imul(h ^ serial.charCodeAt(i), 16777619);
  return (h >>> 0) % 100_000;
}

/** A meter's stored records: every six hours up to an hour ago, on the meter's own (perhaps skewed) clock. */
function meterRecords(t: SimulatedTarget, meterNow: DeviceTime, unit: 'mg/dL' | 'mmol/L' = 'mg/dL') {
  const count = t.records ?? 24;
  const start = addMinutes(meterNow, -60 - (count - 1) * STEP_MINUTES);
  return generateGlucoseRecords({ count, start, stepMinutes: STEP_MINUTES, unit, seed: seedOf(t.serial) });
}

const meterNowFor = (t: SimulatedTarget, hostUtcMs: number, timeZone: string) => addMinutes(wallClockAt(hostUtcMs, timeZone), t.clockSkewMinutes ?? 0);

/**
 * A Bluetooth device that indicates its stored measurements on connection (cuff, thermometer,
 * scale, oximeter). Its measurements sit on a fixed wall-clock grid, so opening it again
 * later holds the same ones and a repeated download adds nothing. Its indications arrive
 * at once, so a short quiet period ends the transfer.
 */
function storedMeasurementSimulator(profile: StoredMeasurementProfile, name: string, label: string, currentTime: boolean, make: (o: MeasuringDeviceOptions<never>) => unknown): SimulatorEntry {
  return {
    info: { name, label, family: STORED_MEASUREMENT_PROFILES[profile].family, transport: 'ble', mode: 'download' },
    driver: createStoredMeasurementDriver(profile, { quietMs: 50 }) as DeviceDriver<unknown>,
    openLink: (t, hostUtcMs, timeZone) => {
      const trueWall = wallMs(wallClockAt(hostUtcMs, timeZone));
      const link = make({
        serial: t.serial,
        records: t.records ?? 12,
        clock: () => trueWall,
        clockSkewMs: (t.clockSkewMinutes ?? 0) * 60_000,
        currentTime,
        ...(t.disconnectAt !== undefined ? { disconnectAtStep: t.disconnectAt } : {}),
        ...(t.corruptFrame ? { corruptIndex: 1 } : {}),
      });
      return { link, close: async () => undefined };
    },
  };
}

/** Training devices: byte-faithful simulators behind the real drivers, for new nurses, the demo and the tests. */
export function simulatedDevices(): SimulatorEntry[] {
  const freestyle = (model: 'precision-neo' | 'libre', label: string, name: string): SimulatorEntry => ({
    info: { name, label, family: 'freestyle', transport: 'usb', mode: 'download' },
    driver: createFreeStyleDriver({ model }) as DeviceDriver<unknown>,
    openLink: (t, hostUtcMs, timeZone) => {
      const meterNow = meterNowFor(t, hostUtcMs, timeZone);
      const link = new FreeStyleSimulator({ model, serial: t.serial, meterNow, records: meterRecords(t, meterNow), ...(t.disconnectAt !== undefined ? { disconnectAtStep: t.disconnectAt } : {}), ...(t.corruptFrame ? { corruptReply: 2 } : {}) });
      return { link, close: async () => undefined };
    },
  });
  return [
    {
      info: { name: 'contour-next-usb', label: 'Contour Next USB', family: 'contour', transport: 'usb', mode: 'download' },
      driver: createContourDriver() as DeviceDriver<unknown>,
      openLink: (t, hostUtcMs, timeZone) => {
        const meterNow = meterNowFor(t, hostUtcMs, timeZone);
        const link = new ContourSimulator({ serial: t.serial, meterNow, records: meterRecords(t, meterNow), ...(t.disconnectAt !== undefined ? { disconnectAtStep: t.disconnectAt } : {}), ...(t.corruptFrame ? { corruptFrame: 3 } : {}) });
        return { link, close: async () => undefined };
      },
    },
    freestyle('precision-neo', 'FreeStyle Precision Neo', 'freestyle-precision-neo'),
    freestyle('libre', 'FreeStyle Libre', 'freestyle-libre'),
    {
      info: { name: 'ble-glucose-meter', label: 'Bluetooth glucose meter', family: 'ble-glucose', transport: 'ble', mode: 'download' },
      driver: createBleGlucoseDriver() as DeviceDriver<unknown>,
      openLink: (t, hostUtcMs, timeZone) => {
        const trueWall = wallMs(wallClockAt(hostUtcMs, timeZone));
        const link = new SimulatedGlucoseMeter({
          serial: t.serial,
          records: t.records ?? 24,
          clock: () => trueWall,
          clockSkewMs: (t.clockSkewMinutes ?? 0) * 60_000,
          currentTime: true,
          contextEvery: 4,
          ...(t.disconnectAt !== undefined ? { disconnectAtStep: t.disconnectAt } : {}),
          ...(t.corruptFrame ? { corruptSequence: 2 } : {}),
        });
        return { link, close: async () => undefined };
      },
    },
    storedMeasurementSimulator('blood-pressure', 'ble-blood-pressure-cuff', 'Bluetooth blood pressure cuff', true, (o) => new SimulatedBloodPressureCuff(o)),
    // A thermometer without Current Time: its clock cannot be read, so its times are taken as they are.
    storedMeasurementSimulator('thermometer', 'ble-thermometer', 'Bluetooth thermometer', false, (o) => new SimulatedThermometer(o)),
    storedMeasurementSimulator('scale', 'ble-scale', 'Bluetooth scale', true, (o) => new SimulatedScale(o)),
    storedMeasurementSimulator('oximeter', 'ble-pulse-oximeter', 'Bluetooth pulse oximeter', true, (o) => new SimulatedOximeter({ ...o, racp: true })),
    {
      info: { name: 'polar-h10', label: 'Polar H10 ECG strap', family: 'ble-polar-h10', transport: 'ble', mode: 'live' },
      live: async (t, emit, cancel, seconds) => {
        // Synthetic ECG (µV at 130 Hz): a minute at rest, then a quarter of an hour at 125/min.
        const ecg = syntheticEcgForProfile(H10_ECG_SAMPLE_RATE, { profile: [{ bpm: 68, seconds: 60 }, { bpm: 125, seconds: 900 }], rsaMs: 30, jitterMs: 8, seed: seedOf(t.serial) }, { amplitudeUv: 1200, noise: { seed: seedOf(t.serial) + 1, muscleSnrDb: 24, baselineUv: 80 } });
        const strap = new SimulatedPolarH10({ samplesUv: ecg.samplesUv, loop: true });
        const speed = Math.max(1, Math.min(30, t.records ?? 1));
        // The strap's own clock runs `speed` times faster in training time-lapse; samples are stamped on it.
        const t0 = Date.now();
        let simulatedMs = 0;
        const session = await startPolarH10Ecg(strap, {
          hostNowMs: () => t0 + simulatedMs,
          onChunk: (c) => {
            for (let i = 0; i < c.samplesUv.length; i += 4000) emit({ type: 'ecg', startMs: c.startMs + (i * 1000) / c.fs, fs: c.fs, samplesUv: Array.from(c.samplesUv.subarray(i, i + 4000)) });
          },
        });
        try {
          for (let s = 0; s < seconds && !cancel.cancelled; s++) {
            for (let k = 0; k < speed; k++) {
              simulatedMs += 1000;
              strap.tick(1000);
            }
            await new Promise<void>((resolve) => setTimeout(resolve, 1000));
          }
        } finally {
          await session.close();
        }
      },
    },
    {
      info: { name: 'heart-rate-strap', label: 'Heart-rate chest strap', family: 'ble-heart-rate', transport: 'ble', mode: 'live' },
      live: async (t, emit, cancel, seconds) => {
        // A resting rhythm that turns into a tachycardia of about 15 minutes after a minute (training and tests).
        const rr = [...Array.from({ length: 60 }, (_, i) => 900 + 40 * Math.sin(i / 3)), ...Array.from({ length: 1800 }, (_, i) => 480 + 20 * Math.sin(i / 5))];
        const strap = new SimulatedHeartRateStrap({ rrMs: rr, sensorContact: 'detected' });
        // `records` doubles as a time-lapse factor for training: N simulated seconds per real second.
        const speed = Math.max(1, Math.min(60, t.records ?? 1));
        const t0 = Date.now();
        let sent = 0;
        const off = await strap.subscribe('180d', '2a37', (value) => {
          const m = decodeHeartRateMeasurement(value);
          // The strap notifies once a simulated second; its readings are stamped on that clock.
          emit({ type: 'heart-rate', timeMs: t0 + 1000 * ++sent, bpm: m.heartRate, rrMs: m.rrIntervalsMs.slice(0, 50), contact: m.sensorContact === 'not-supported' ? null : m.sensorContact === 'detected' });
        });
        for (let s = 0; s < seconds && !cancel.cancelled; s++) {
          strap.tick(1000 * speed);
          await new Promise<void>((resolve) => setTimeout(resolve, 1000));
        }
        await off();
      },
    },
  ];
}

export type { LiveChunk };
