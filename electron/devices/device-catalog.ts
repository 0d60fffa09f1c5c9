import type { CancelToken } from '../../common/contract/channel';
import type { DeviceTarget, LiveChunk, SimulatorInfo } from '../../common/contract/main-api';
import { openBleLink } from '../../native/transports/ble-link';
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
      if (target.kind !== 'simulated') throw new DeviceError('unsupported-device', 'Live streams from real straps arrive with the Bluetooth pairing screen; use a training strap for now.');
      const s = sim(target.simulator);
      if (!s.live) throw new DeviceError('unsupported-device', `${s.info.label} has no live stream.`);
      await s.live(target, emit, cancel, seconds);
    },
  };
}
