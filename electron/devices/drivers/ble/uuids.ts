import type { GattUuid } from '../../session/links';

/** Bluetooth SIG assigned numbers (Assigned Numbers document, §3.4 services, §3.8 characteristics), as GattLink spells them. */
export const SERVICE = {
  deviceInformation: '180a',
  currentTime: '1805',
  heartRate: '180d',
  bloodPressure: '1810',
  pulseOximeter: '1822',
  glucose: '1808',
  healthThermometer: '1809',
  weightScale: '181d',
} as const satisfies Record<string, GattUuid>;

export const CHARACTERISTIC = {
  manufacturerName: '2a29',
  modelNumber: '2a24',
  serialNumber: '2a25',
  firmwareRevision: '2a26',
  currentTime: '2a2b',
  heartRateMeasurement: '2a37',
  bloodPressureMeasurement: '2a35',
  plxSpotCheck: '2a5e',
  plxContinuous: '2a5f',
  glucoseMeasurement: '2a18',
  glucoseContext: '2a34',
  racp: '2a52',
  temperatureMeasurement: '2a1c',
  weightMeasurement: '2a9d',
  weightScaleFeature: '2a9e',
} as const satisfies Record<string, GattUuid>;

/** Polar Measurement Data service (Polar BLE SDK, technical_documentation: Polar_Measurement_Data_Specification). */
export const POLAR_PMD = {
  service: 'fb005c80-02e7-f387-1cad-8acd2d8df0c8',
  controlPoint: 'fb005c81-02e7-f387-1cad-8acd2d8df0c8',
  data: 'fb005c82-02e7-f387-1cad-8acd2d8df0c8',
} as const satisfies Record<string, GattUuid>;
