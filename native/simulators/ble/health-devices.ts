import { decodeRacpRequest, encodeRacpResponse, RacpRejection, type RacpRequest, type RacpResponseCode } from '../../../electron/devices/drivers/ble/racp';
import { encodeWeightScaleFeature } from '../../../electron/devices/drivers/ble/weight-scale-feature';
import { CHARACTERISTIC, SERVICE } from '../../../electron/devices/drivers/ble/uuids';
import { DeviceError } from '../../../electron/devices/session/types';
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

/*
 * Generated measurements are plain functions of the grid point k, so one simulated device
 * always holds the same values for the same times. Values are at the resolution each
 * device sends (whole mmHg, 0.1 °C, 0.05 kg, whole %).
 */

/** Blood pressure cuff (Blood Pressure Service): Blood Pressure Measurement indications. */
export class SimulatedBloodPressureCuff extends SimulatedMeasuringDevice<BloodPressureFrame> {
  constructor(options: MeasuringDeviceOptions<BloodPressureFrame> = {}) {
    super(
      {
        service: SERVICE.bloodPressure,
        characteristic: CHARACTERISTIC.bloodPressureMeasurement,
        encode: encodeBloodPressureMeasurement,
        generate: (k, time) => {
          const systolic = 112 + ((k * 7) % 38);
          const diastolic = 70 + ((k * 5) % 22);
          return { unit: 'mmHg', systolic, diastolic, meanArterial: Math.round(diastolic + (systolic - diastolic) / 3), time, pulseRate: 58 + ((k * 3) % 30), userId: 1, measurementStatus: k % 5 === 0 ? 0x04 : 0 };
        },
        defaults: { model: 'BP-7 sim', serial: 'SIMBPM0001' },
      },
      options,
    );
    this.define(SERVICE.bloodPressure, '2a49', { read: () => Uint8Array.of(0x3f, 0x00) }); // Blood Pressure Feature: every status bit supported
  }
}

/** Thermometer (Health Thermometer Service): Temperature Measurement indications. */
export class SimulatedThermometer extends SimulatedMeasuringDevice<TemperatureFrame> {
  constructor(options: MeasuringDeviceOptions<TemperatureFrame> = {}) {
    super(
      {
        service: SERVICE.healthThermometer,
        characteristic: CHARACTERISTIC.temperatureMeasurement,
        encode: encodeTemperatureMeasurement,
        generate: (k, time) => ({ value: (364 + ((k * 3) % 17)) / 10, unit: 'Cel', exponent: -1, time, type: 6 }),
        defaults: { model: 'TH-2 sim', serial: 'SIMTHM0001' },
      },
      options,
    );
  }
}

export interface ScaleOptions extends MeasuringDeviceOptions<WeightFrame> {
  /** Weight Scale Feature resolution codes (0 = not specified): 7 is 0.005 kg, 3 is 0.001 m. */
  weightResolutionCode?: number;
  heightResolutionCode?: number;
}

const HEIGHT_M = 1.765;

/** Scale (Weight Scale Service): Weight Measurement indications and the Weight Scale Feature. */
export class SimulatedScale extends SimulatedMeasuringDevice<WeightFrame> {
  constructor(options: ScaleOptions = {}) {
    super(
      {
        service: SERVICE.weightScale,
        characteristic: CHARACTERISTIC.weightMeasurement,
        encode: encodeWeightMeasurement,
        generate: (k, time) => {
          const weight = (1620 + ((k * 7) % 40)) / 20;
          return { unit: 'kg', weight, time, userId: 1, bmiAndHeight: { bmi: Math.round((weight / HEIGHT_M ** 2) * 10) / 10, height: HEIGHT_M } };
        },
        defaults: { model: 'WS-3 sim', serial: 'SIMWSC0001' },
      },
      options,
    );
    const feature = encodeWeightScaleFeature({ timeStamp: true, multipleUsers: true, bmi: true, weightResolutionCode: options.weightResolutionCode ?? 4, heightResolutionCode: options.heightResolutionCode ?? 3 });
    this.define(SERVICE.weightScale, CHARACTERISTIC.weightScaleFeature, { read: () => feature });
  }
}

export interface OximeterOptions extends MeasuringDeviceOptions<PlxSpotCheckFrame> {
  /** What the continuous measurement reports each second of `tick`. */
  continuous?: PlxContinuousFrame | ((second: number) => PlxContinuousFrame);
  /**
   * Whether the oximeter keeps its spot checks in storage behind a Record Access Control
   * Point (PLXS 1.0 §3.3: only the "all records" operator). Without it, stored spot checks
   * are indicated when a collector subscribes, as the other measuring devices do.
   */
  racp?: boolean;
}

/** Measurement Status bit 9, "data from measurement storage" (PLXS 1.0 §3.1.1.3). */
const FROM_STORAGE = 0x0200;

/** Pulse oximeter (Pulse Oximeter Service): spot-check indications, optional RACP storage, and one continuous notification a second while ticking. */
export class SimulatedOximeter extends SimulatedMeasuringDevice<PlxSpotCheckFrame> {
  private elapsedMs = 0;
  private seconds = 0;
  private transferring = false;
  private abortRequested = false;
  /** RACP requests as the oximeter received them, for tests. */
  readonly requests: RacpRequest[] = [];

  constructor(private readonly oxOptions: OximeterOptions = {}) {
    super(
      {
        service: SERVICE.pulseOximeter,
        characteristic: CHARACTERISTIC.plxSpotCheck,
        encode: encodePlxSpotCheck,
        generate: (k, time) => ({ spo2: 93 + (k % 6), pulseRate: 61 + ((k * 7) % 29), time, measurementStatus: FROM_STORAGE, pulseAmplitudeIndex: (15 + (k % 10)) / 10 }),
        defaults: { model: 'PO-5 sim', serial: 'SIMPLX0001' },
      },
      oxOptions,
    );
    this.define(SERVICE.pulseOximeter, CHARACTERISTIC.plxContinuous, { notifies: true });
    if (oxOptions.racp) {
      this.indicateStoredOnSubscribe = false;
      this.define(SERVICE.pulseOximeter, CHARACTERISTIC.racp, { notifies: true, write: (v) => this.onRacp(v) });
    }
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

  private async respond(requestOpCode: number, code: RacpResponseCode): Promise<void> {
    await this.notify(SERVICE.pulseOximeter, CHARACTERISTIC.racp, encodeRacpResponse({ op: 'response-code', requestOpCode, code }));
  }

  private async onRacp(value: Uint8Array): Promise<void> {
    if (!this.isSubscribed(SERVICE.pulseOximeter, CHARACTERISTIC.racp)) throw new DeviceError('frame', 'RACP written without indications enabled.');
    let req: RacpRequest;
    try {
      req = decodeRacpRequest(value);
    } catch (err) {
      const rejection = err instanceof RacpRejection ? err : new RacpRejection(value[0] ?? 0, 'op-code-not-supported', 'RACP: empty request');
      await this.respond(rejection.requestOpCode, rejection.responseCode);
      return;
    }
    this.requests.push(req);
    if (req.op === 'abort') {
      this.abortRequested = this.transferring;
      await this.respond(3, 'success');
      return;
    }
    if (this.transferring) throw new DeviceError('busy', 'The oximeter is still answering the previous request.');
    const opCode = req.op === 'report-records' ? 1 : req.op === 'delete-records' ? 2 : 4;
    // The Pulse Oximeter RACP has no sequence numbers: "all records" is its only operator.
    if (req.filter.kind !== 'all') {
      await this.respond(opCode, 'operator-not-supported');
      return;
    }
    const stored = this.storedMeasurements.slice();
    if (req.op === 'report-count') {
      await this.notify(SERVICE.pulseOximeter, CHARACTERISTIC.racp, encodeRacpResponse({ op: 'count-response', count: stored.length }));
      return;
    }
    if (stored.length === 0) {
      await this.respond(opCode, 'no-records-found');
      return;
    }
    if (req.op === 'delete-records') {
      this.clearStored();
      await this.respond(opCode, 'success');
      return;
    }
    if (!this.isSubscribed(SERVICE.pulseOximeter, CHARACTERISTIC.plxSpotCheck)) {
      await this.respond(opCode, 'procedure-not-completed');
      return;
    }
    this.transferring = true;
    this.abortRequested = false;
    try {
      for (const m of stored) {
        await this.indicate(m);
        if (this.abortRequested) return;
      }
    } finally {
      this.transferring = false;
    }
    await this.respond(opCode, 'success');
  }
}
