import { createDeviceCatalog, type DeviceCatalog } from './device-catalog';

/** The devices this build speaks: real transports plus the training simulators. */
export function defaultDeviceCatalog(): DeviceCatalog {
  return createDeviceCatalog({ usbDrivers: {}, bleDrivers: {}, simulators: [] });
}
