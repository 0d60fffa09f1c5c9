import { createBleGlucoseDriver } from './drivers/ble/ble-glucose-driver';
import { createStoredMeasurementDriver } from './drivers/ble/stored-measurement-driver';
import { createContourDriver } from './drivers/contour/driver';
import { createFreeStyleDriver } from './drivers/freestyle/driver';
import { createDeviceCatalog, type DeviceCatalog } from './device-catalog';
import { simulatedDevices } from './simulated-devices';

/** The devices this build speaks: real transports plus the training simulators. */
export function defaultDeviceCatalog(): DeviceCatalog {
  return createDeviceCatalog({
    usbDrivers: { contour: createContourDriver(), freestyle: createFreeStyleDriver() },
    bleDrivers: {
      'ble-glucose': createBleGlucoseDriver(),
      'ble-blood-pressure': createStoredMeasurementDriver('blood-pressure'),
      'ble-thermometer': createStoredMeasurementDriver('thermometer'),
      'ble-scale': createStoredMeasurementDriver('scale'),
      'ble-oximeter': createStoredMeasurementDriver('oximeter'),
    },
    simulators: simulatedDevices(),
  });
}
