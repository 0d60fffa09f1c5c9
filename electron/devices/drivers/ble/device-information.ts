import type { SessionIo } from '../../session/driver';
import type { GattLink, GattUuid } from '../../session/links';
import { DeviceError } from '../../session/types';
import { CHARACTERISTIC, SERVICE } from './uuids';
import { utf8 } from './utf8';

/**
 * Reads a characteristic the device may not have. Links (transports and simulators)
 * report a characteristic the peripheral lacks as DeviceError('unsupported-device');
 * that means "absent" here, anything else is a real failure.
 */
export async function readOptional(link: GattLink, io: SessionIo, service: GattUuid, characteristic: GattUuid): Promise<Uint8Array | undefined> {
  try {
    const value = await io.call(`read ${characteristic}`, () => link.read(service, characteristic));
    io.capture('in', characteristic, value);
    return value;
  } catch (err) {
    if (err instanceof DeviceError && err.code === 'unsupported-device') return undefined;
    throw err;
  }
}

export interface DeviceInformation {
  manufacturer?: string;
  model?: string;
  serial?: string;
  firmware?: string;
  /** System ID 0x2A23 as hex, the identity of last resort when there is no serial number. */
  systemId?: string;
}

/** Device Information Service 0x180A (DIS 1.1 §3): the strings CareLoop keeps as the device's identity. */
export async function readDeviceInformation(link: GattLink, io: SessionIo): Promise<DeviceInformation> {
  const text = async (c: GattUuid) => {
    const v = await readOptional(link, io, SERVICE.deviceInformation, c);
    const s = v ? utf8(v).trim() : '';
    return s || undefined;
  };
  const info: DeviceInformation = {};
  const manufacturer = await text(CHARACTERISTIC.manufacturerName);
  const model = await text(CHARACTERISTIC.modelNumber);
  const serial = await text(CHARACTERISTIC.serialNumber);
  const firmware = await text(CHARACTERISTIC.firmwareRevision);
  if (manufacturer) info.manufacturer = manufacturer;
  if (model) info.model = model;
  if (serial) info.serial = serial;
  if (firmware) info.firmware = firmware;
  if (!serial) {
    const sys = await readOptional(link, io, SERVICE.deviceInformation, '2a23');
    if (sys && sys.length > 0) info.systemId = Array.from(sys, (b) => b.toString(16).padStart(2, '0')).join('');
  }
  return info;
}
