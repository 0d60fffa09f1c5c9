import { createBleGlucoseDriver } from './drivers/ble/ble-glucose-driver';
import { createContourDriver } from './drivers/contour/driver';
import { createFreeStyleDriver } from './drivers/freestyle/driver';
import { createDeviceCatalog, type DeviceCatalog } from './device-catalog';
import { simulatedDevices } from './simulated-devices';

/** The devices this build speaks: real transports plus the training simulators. */
export function defaultDeviceCatalog(): DeviceCatalog {
  return createDeviceCatalog({
    usbDrivers: { contour: createContourDriver(), freestyle: createFreeStyleDriver() },
    bleDrivers: { 'ble-glucose': createBleGlucoseDriver() },
    simulators: simulatedDevices(),
  });
}
