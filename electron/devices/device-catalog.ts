import type { CancelToken } from '../../common/contract/channel';
import type { DeviceTarget, LiveChunk, SimulatorInfo } from '../../common/contract/main-api';
import { openBleLink } from '../../native/transports/ble-link';
import { decodeHeartRateMeasurement } from './drivers/ble/heart-rate-measurement';
import { startPolarH10Ecg } from './drivers/ble/polar-h10-live';
import { CHARACTERISTIC, SERVICE } from './drivers/ble/uuids';
import { openHidLink } from '../../native/transports/hid-link';
import type { DeviceOpener, OpenedLink } from './download-service';
import type { DeviceDriver } from './session/driver';
import type { GattLink, HidLink } from './session/links';
import { DeviceError } from './session/types';

type SimulatedTarget = Extract<DeviceTarget, { kind: 'simulated' }>;

/** A simulated device the host offers: for downloads, a driver and a link; for live devices, a stream. */
export interface SimulatorEntry {
  info: SimulatorInfo;
  driver?: DeviceDriver<unknown>;
  openLink?(target: SimulatedTarget, hostUtcMs: number, timeZone: string): OpenedLink<unknown>;
  live?(target: SimulatedTarget, emit: (chunk: LiveChunk) => void, cancel: CancelToken, seconds: number): Promise<void>;
}

export interface DeviceCatalog extends DeviceOpener {
  simulators(): SimulatorInfo[];
  live(target: DeviceTarget, emit: (chunk: LiveChunk) => void, cancel: CancelToken, seconds: number): Promise<void>;
}

/**
 * Every device CareLoop can talk to: USB meters through node-hid, Bluetooth LE devices
 * through noble, and the byte-faithful simulators (training mode, demo, tests), all behind
 * the same driver lifecycle.
 */
export function createDeviceCatalog(o: {
  usbDrivers: Partial<Record<'contour' | 'freestyle', DeviceDriver<HidLink>>>;
  bleDrivers: Record<string, DeviceDriver<GattLink>>;
  simulators: SimulatorEntry[];
  hostUtcMs?: () => number;
}): DeviceCatalog {
  const now = o.hostUtcMs ?? Date.now;
  const sim = (name: string): SimulatorEntry => {
    const s = o.simulators.find((x) => x.info.name === name);
    if (!s) throw new DeviceError('unsupported-device', `There is no simulated device called "${name}".`);
    return s;
  };
  return {
    simulators: () => o.simulators.map((s) => s.info),
    driverFor(target) {
      let driver: DeviceDriver<unknown> | undefined;
      if (target.kind === 'usb') driver = o.usbDrivers[target.family] as DeviceDriver<unknown> | undefined;
      else if (target.kind === 'ble') driver = o.bleDrivers[target.family] as DeviceDriver<unknown> | undefined;
      else driver = sim(target.simulator).driver;
      if (!driver) throw new DeviceError('unsupported-device', 'CareLoop has no download driver for this device.');
      return driver;
    },
    async open(target, session) {
      if (target.kind === 'usb') return openHidLink(target);
      if (target.kind === 'ble') return openBleLink(target.address);
      const s = sim(target.simulator);
      if (!s.openLink) throw new DeviceError('unsupported-device', `${s.info.label} streams live; it has nothing to download.`);
      return s.openLink(target, now(), session.timeZone);
    },
    async live(target, emit, cancel, seconds) {
      if (target.kind === 'ble') return streamBleLive(target, emit, cancel, seconds);
      if (target.kind !== 'simulated') throw new DeviceError('unsupported-device', 'This device has no live stream.');
      const s = sim(target.simulator);
      if (!s.live) throw new DeviceError('unsupported-device', `${s.info.label} has no live stream.`);
      await s.live(target, emit, cancel, seconds);
    },
  };
}

/** A real strap's live stream over Bluetooth: heart rate (0x2A37) or, for a Polar H10, ECG through its PMD service. */
async function streamBleLive(target: Extract<DeviceTarget, { kind: 'ble' }>, emit: (chunk: LiveChunk) => void, cancel: CancelToken, seconds: number): Promise<void> {
  if (target.family !== 'ble-heart-rate' && target.family !== 'ble-polar-h10') throw new DeviceError('unsupported-device', 'This Bluetooth device has no live stream; download it instead.');
  const { link, close } = await openBleLink(target.address);
  const stopped = new Promise<void>((resolve) => {
    const timer = setTimeout(resolve, seconds * 1000);
    cancel.onCancel(() => {
      clearTimeout(timer);
      resolve();
    });
  });
  try {
    if (target.family === 'ble-polar-h10') {
      const session = await startPolarH10Ecg(link, {
        hostNowMs: Date.now,
        onChunk: (c) => {
          for (let i = 0; i < c.samplesUv.length; i += 4000) emit({ type: 'ecg', startMs: c.startMs + (i * 1000) / c.fs, fs: c.fs, samplesUv: Array.from(c.samplesUv.subarray(i, i + 4000)) });
        },
      });
      await stopped;
      await session.close();
    } else {
      const off = await link.subscribe(SERVICE.heartRate, CHARACTERISTIC.heartRateMeasurement, (value) => {
        try {
          const m = decodeHeartRateMeasurement(value);
          emit({ type: 'heart-rate', timeMs: Date.now(), bpm: m.heartRate, rrMs: m.rrIntervalsMs.slice(0, 50), contact: m.sensorContact === 'not-supported' ? null : m.sensorContact === 'detected' });
        } catch {
          // A malformed notification is skipped; the next one a second later carries the rate again.
        }
      });
      await stopped;
      await off();
    }
  } finally {
    await close();
  }
}
