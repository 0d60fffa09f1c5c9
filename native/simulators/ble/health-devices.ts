import { encodeWeightScaleFeature } from '../../../electron/devices/drivers/ble/weight-scale-feature';
import { CHARACTERISTIC, SERVICE } from '../../../electron/devices/drivers/ble/uuids';
import {
  encodeBloodPressureMeasurement,
  encodePlxContinuous,
  encodePlxSpotCheck,
  encodeTemperatureMeasurement,
  encodeWeightMeasurement,
  type BloodPressureFrame,
  type PlxContinuousFrame,
  type PlxSpotCheckFrame,
  type TemperatureFrame,
  type WeightFrame,
} from './frames';
import { SimulatedMeasuringDevice, type MeasuringDeviceOptions } from './measuring-device';

/** Blood pressure cuff (Blood Pressure Service): Blood Pressure Measurement indications. */
export class SimulatedBloodPressureCuff extends SimulatedMeasuringDevice<BloodPressureFrame> {
  constructor(options: MeasuringDeviceOptions<BloodPressureFrame> = {}) {
    super(SERVICE.bloodPressure, CHARACTERISTIC.bloodPressureMeasurement, encodeBloodPressureMeasurement, options);
    this.define(SERVICE.bloodPressure, '2a49', { read: () => Uint8Array.of(0x3f, 0x00) }); // Blood Pressure Feature: every status bit supported
  }
}

/** Thermometer (Health Thermometer Service): Temperature Measurement indications. */
export class SimulatedThermometer extends SimulatedMeasuringDevice<TemperatureFrame> {
  constructor(options: MeasuringDeviceOptions<TemperatureFrame> = {}) {
    super(SERVICE.healthThermometer, CHARACTERISTIC.temperatureMeasurement, encodeTemperatureMeasurement, options);
  }
}

export interface ScaleOptions extends MeasuringDeviceOptions<WeightFrame> {
  /** Weight Scale Feature resolution codes (0 = not specified): 7 is 0.005 kg, 3 is 0.001 m. */
  weightResolutionCode?: number;
  heightResolutionCode?: number;
}

/** Scale (Weight Scale Service): Weight Measurement indications and the Weight Scale Feature. */
export class SimulatedScale extends SimulatedMeasuringDevice<WeightFrame> {
  constructor(options: ScaleOptions = {}) {
    super(SERVICE.weightScale, CHARACTERISTIC.weightMeasurement, encodeWeightMeasurement, options);
    const feature = encodeWeightScaleFeature({ timeStamp: true, multipleUsers: true, bmi: true, weightResolutionCode: options.weightResolutionCode ?? 4, heightResolutionCode: options.heightResolutionCode ?? 3 });
    this.define(SERVICE.weightScale, CHARACTERISTIC.weightScaleFeature, { read: () => feature });
  }
}

export interface OximeterOptions extends MeasuringDeviceOptions<PlxSpotCheckFrame> {
  /** What the continuous measurement reports each second of `tick`. */
  continuous?: PlxContinuousFrame | ((second: number) => PlxContinuousFrame);
}

/** Pulse oximeter (Pulse Oximeter Service): spot-check indications and, while ticking, one continuous notification a second. */
export class SimulatedOximeter extends SimulatedMeasuringDevice<PlxSpotCheckFrame> {
  private elapsedMs = 0;
  private seconds = 0;

  constructor(private readonly oxOptions: OximeterOptions = {}) {
    super(SERVICE.pulseOximeter, CHARACTERISTIC.plxSpotCheck, encodePlxSpotCheck, oxOptions);
    this.define(SERVICE.pulseOximeter, CHARACTERISTIC.plxContinuous, { notifies: true });
  }

  tick(ms: number): void {
    this.elapsedMs += ms;
    while (this.elapsedMs >= 1000) {
      this.elapsedMs -= 1000;
      this.seconds++;
      const c = this.oxOptions.continuous ?? { normal: { spo2: 97, pulseRate: 68 } };
      const frame = typeof c === 'function' ? c(this.seconds) : c;
      if (this.isSubscribed(SERVICE.pulseOximeter, CHARACTERISTIC.plxContinuous)) this.notifyNow(SERVICE.pulseOximeter, CHARACTERISTIC.plxContinuous, encodePlxContinuous(frame));
    }
  }
}
