import { encodeCurrentTime, decodeCurrentTime } from '../../../electron/devices/drivers/ble/current-time';
import { fromWallMs } from '../../../electron/devices/drivers/ble/date-time';
import { decodeRacpRequest, encodeRacpResponse, RacpRejection, type RacpFilter, type RacpRequest } from '../../../electron/devices/drivers/ble/racp';
import { CHARACTERISTIC, SERVICE } from '../../../electron/devices/drivers/ble/uuids';
import { utf8Bytes } from '../../../electron/devices/drivers/ble/utf8';
import type { DeviceTime } from '../../../electron/devices/drivers/types';
import { DeviceError } from '../../../electron/devices/session/types';
import { encodeGlucoseContext, encodeGlucoseMeasurement, type GlucoseContextFrame } from './frames';
import { SimulatedPeripheral, type PeripheralOptions } from './peripheral';

/**
 * A Bluetooth glucose meter (Glucose Profile 1.0) with stored records and the full
 * Record Access Control Point: report / delete / count with all, ≤, ≥, range, first and
 * last; "no records found"; abort during a transfer; refusals with the right response
 * code. Its clock can run off true time, a chosen record's frame can arrive corrupted,
 * and the link can drop at any step.
 */
export interface StoredGlucoseRecord {
  sequence: number;
  /** On the meter's clock (which may be skewed). */
  deviceTime: DeviceTime;
  /** The instant the sample was really taken, wall time as if UTC: what a corrected download must give back. */
  trueWallMs: number;
  value: number;
  unit: 'mg/dL' | 'mmol/L';
  type: number;
  sampleLocation: number;
  sensorStatus?: number;
  context?: Omit<GlucoseContextFrame, 'sequence'>;
}

export interface GlucoseMeterOptions extends PeripheralOptions {
  /** How many records the meter holds at the start. */
  records?: number;
  firstSequence?: number;
  unit?: 'mg/dL' | 'mmol/L';
  /** True wall-clock time now (ms as if UTC in the clinic's zone); the simulator has no clock of its own. */
  clock?: () => number;
  /** How far the meter's clock runs ahead (positive) or behind (negative) true time. */
  clockSkewMs?: number;
  /** Whether the meter has the Current Time service (so it reports and can set its clock). */
  currentTime?: boolean;
  /** The record whose measurement frame arrives truncated by one byte. */
  corruptSequence?: number;
  /** Every n-th record carries a Glucose Measurement Context. */
  contextEvery?: number;
  serial?: string;
  model?: string;
  manufacturer?: string;
  firmware?: string;
}

const HOUR = 3_600_000;
const DEFAULT_NOW = Date.UTC(2026, 10, 24, 10, 0, 0);

export class SimulatedGlucoseMeter extends SimulatedPeripheral {
  readonly records: StoredGlucoseRecord[] = [];
  private nextSequence: number;
  private skewMs: number;
  private readonly clock: () => number;
  private transferring = false;
  private abortRequested = false;
  /** Requests as the meter received them, for tests. */
  readonly requests: RacpRequest[] = [];

  constructor(private readonly options: GlucoseMeterOptions = {}) {
    super(options);
    this.clock = options.clock ?? (() => DEFAULT_NOW);
    this.skewMs = options.clockSkewMs ?? 0;
    this.nextSequence = options.firstSequence ?? 1;
    const dis = (c: string, s: string) => this.define(SERVICE.deviceInformation, c, { read: () => utf8Bytes(s) });
    dis(CHARACTERISTIC.manufacturerName, options.manufacturer ?? 'CareLoop Simulated');
    dis(CHARACTERISTIC.modelNumber, options.model ?? 'GL-50 sim');
    dis(CHARACTERISTIC.serialNumber, options.serial ?? 'SIMGLU0001');
    dis(CHARACTERISTIC.firmwareRevision, options.firmware ?? '1.4.2');
    if (options.currentTime ?? true) {
      this.define(SERVICE.currentTime, CHARACTERISTIC.currentTime, {
        read: () => encodeCurrentTime(this.deviceNow()),
        write: (v) => {
          const t = decodeCurrentTime(v).time;
          if (!t) throw new DeviceError('frame', 'The meter refused a Current Time without a date.');
          this.skewMs = Date.UTC(t.year, t.month - 1, t.day, t.hours, t.minutes, t.seconds) - this.clock();
        },
      });
    }
    this.define(SERVICE.glucose, CHARACTERISTIC.glucoseMeasurement, { notifies: true });
    this.define(SERVICE.glucose, CHARACTERISTIC.glucoseContext, { notifies: true });
    this.define(SERVICE.glucose, CHARACTERISTIC.racp, { notifies: true, write: (v) => this.onRacp(v) });
    this.addRecords(options.records ?? 0);
  }

  /** The meter's own clock now (true time plus its skew). */
  deviceNow(): DeviceTime {
    return fromWallMs(this.clock() + this.skewMs);
  }

  get clockSkewMs(): number {
    return this.skewMs;
  }

  /** Takes `n` more readings, three hours apart, ending one hour before now; deterministic values. */
  addRecords(n: number): StoredGlucoseRecord[] {
    const added: StoredGlucoseRecord[] = [];
    const unit = this.options.unit ?? 'mg/dL';
    const now = this.clock();
    for (let i = 0; i < n; i++) {
      const sequence = this.nextSequence++;
      const trueWallMs = now - HOUR - (n - 1 - i) * 3 * HOUR;
      const mgdl = 70 + ((sequence * 37) % 160);
      const every = this.options.contextEvery ?? 3;
      const rec: StoredGlucoseRecord = {
        sequence,
        deviceTime: fromWallMs(trueWallMs + this.skewMs),
        trueWallMs,
        value: unit === 'mg/dL' ? mgdl : Math.round(mgdl / 1.8) / 10,
        unit,
        type: 1,
        sampleLocation: 1,
        ...(every > 0 && sequence % every === 0 ? { context: { meal: 1 + (sequence % 5), carbohydrate: { id: 1, grams: 40 + (sequence % 7) * 5 } } } : {}),
      };
      this.records.push(rec);
      added.push(rec);
    }
    return added;
  }

  private matching(filter: RacpFilter): StoredGlucoseRecord[] {
    const r = this.records;
    switch (filter.kind) {
      case 'all':
        return r.slice();
      case 'at-most':
        return r.filter((x) => x.sequence <= filter.sequence);
      case 'at-least':
        return r.filter((x) => x.sequence >= filter.sequence);
      case 'range':
        return r.filter((x) => x.sequence >= filter.from && x.sequence <= filter.to);
      case 'first':
        return r.slice(0, 1);
      case 'last':
        return r.slice(-1);
    }
  }

  private frameOf(rec: StoredGlucoseRecord): Uint8Array {
    const frame = encodeGlucoseMeasurement({
      sequence: rec.sequence,
      baseTime: rec.deviceTime,
      timeOffsetMinutes: 0,
      concentration: { value: rec.value, unit: rec.unit },
      type: rec.type,
      sampleLocation: rec.sampleLocation,
      ...(rec.sensorStatus !== undefined ? { sensorStatus: rec.sensorStatus } : {}),
      contextFollows: rec.context !== undefined,
    });
    return rec.sequence === this.options.corruptSequence ? frame.subarray(0, frame.length - 1) : frame;
  }

  private async indicate(bytes: Uint8Array): Promise<void> {
    await this.notify(SERVICE.glucose, CHARACTERISTIC.racp, bytes);
  }

  private async onRacp(value: Uint8Array): Promise<void> {
    if (!this.isSubscribed(SERVICE.glucose, CHARACTERISTIC.racp)) {
      // ATT error 0xFD "Client Characteristic Configuration Descriptor Improperly Configured".
      throw new DeviceError('frame', 'RACP written without indications enabled.');
    }
    let req: RacpRequest;
    try {
      req = decodeRacpRequest(value);
    } catch (err) {
      const rejection = err instanceof RacpRejection ? err : new RacpRejection(value[0] ?? 0, 'op-code-not-supported', 'RACP: empty request');
      await this.indicate(encodeRacpResponse({ op: 'response-code', requestOpCode: rejection.requestOpCode, code: rejection.responseCode }));
      return;
    }
    this.requests.push(req);
    if (req.op === 'abort') {
      this.abortRequested = this.transferring;
      await this.indicate(encodeRacpResponse({ op: 'response-code', requestOpCode: 3, code: 'success' }));
      return;
    }
    // ATT error 0xFE "Procedure Already In Progress".
    if (this.transferring) throw new DeviceError('busy', 'The meter is still answering the previous request.');
    const found = this.matching(req.filter);
    if (req.op === 'report-count') {
      await this.indicate(encodeRacpResponse({ op: 'count-response', count: found.length }));
      return;
    }
    const opCode = req.op === 'report-records' ? 1 : 2;
    if (found.length === 0) {
      await this.indicate(encodeRacpResponse({ op: 'response-code', requestOpCode: opCode, code: 'no-records-found' }));
      return;
    }
    if (req.op === 'delete-records') {
      const gone = new Set(found.map((r) => r.sequence));
      this.records.splice(0, this.records.length, ...this.records.filter((r) => !gone.has(r.sequence)));
      await this.indicate(encodeRacpResponse({ op: 'response-code', requestOpCode: opCode, code: 'success' }));
      return;
    }
    this.transferring = true;
    this.abortRequested = false;
    try {
      for (const rec of found) {
        await this.notify(SERVICE.glucose, CHARACTERISTIC.glucoseMeasurement, this.frameOf(rec));
        if (rec.context) await this.notify(SERVICE.glucose, CHARACTERISTIC.glucoseContext, encodeGlucoseContext({ sequence: rec.sequence, ...rec.context }));
        // An abort ends the procedure; its own response has already been indicated.
        if (this.abortRequested) return;
      }
    } finally {
      this.transferring = false;
    }
    await this.indicate(encodeRacpResponse({ op: 'response-code', requestOpCode: opCode, code: 'success' }));
  }
}
