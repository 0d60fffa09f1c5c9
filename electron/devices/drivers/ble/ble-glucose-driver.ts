import type { DeviceDriver, FetchedRecords, SessionIo } from '../../session/driver';
import type { GattLink } from '../../session/links';
import { DeviceError, type DeviceConfig } from '../../session/types';
import type { DecodedReading, DeviceTime } from '../types';
import { decodeCurrentTime, encodeCurrentTime } from './current-time';
import { readDeviceInformation, readOptional } from './device-information';
import { subscribeCaptured } from './gatt-capture';
import { decodeGlucoseContext } from './glucose-context';
import { decodeGlucoseMeasurement } from './glucose-measurement';
import { decodeRacpResponse, encodeRacpRequest, type RacpFilter, type RacpRequest, type RacpResponse } from './racp';
import { CHARACTERISTIC, SERVICE } from './uuids';

/**
 * Bluetooth glucose meters (Glucose Profile 1.0): identity from Device Information,
 * clock from Current Time where the meter has it, records through the Record Access
 * Control Point — count, then "report stored records ≥ high-water + 1" — collected from
 * Glucose Measurement (and Context) notifications until the RACP indicates the end.
 */
export const BLE_GLUCOSE_FAMILY = 'ble-glucose';

/** What this driver fetches: measurement frames, and the context frames linked to them by sequence number. */
export interface BleGlucoseFetched extends FetchedRecords {
  contexts: Uint8Array[];
}

const MAX_SEQUENCE = 0xffff;
/** Time a meter gets to stream its records: a base plus a per-record allowance (meters send a few dozen a second). */
const TRANSFER_BASE_MS = 10_000;
const TRANSFER_PER_RECORD_MS = 200;

interface LinkState {
  measurements: Uint8Array[];
  contexts: Uint8Array[];
  unsubscribe: (() => Promise<void>)[];
  awaitingRacp: ((value: Uint8Array) => void) | undefined;
  onMeasurement: (() => void) | undefined;
  aborting: boolean;
}

function racpFailure(res: RacpResponse, what: string): DeviceError {
  if (res.op === 'count-response') return new DeviceError('frame', `The meter answered ${what} with a record count.`);
  if (res.code === 'procedure-not-completed') return new DeviceError('busy', `The meter could not finish ${what}; try again.`);
  return new DeviceError('unsupported-device', `The meter refused ${what} (${res.code}).`);
}

export function createBleGlucoseDriver(): DeviceDriver<GattLink> {
  const states = new WeakMap<GattLink, LinkState>();
  const stateOf = (link: GattLink): LinkState => {
    const s = states.get(link);
    if (!s) throw new DeviceError('unplugged', 'The meter is not connected.');
    return s;
  };

  async function racp(link: GattLink, io: SessionIo, req: RacpRequest, timeoutMs?: number): Promise<RacpResponse> {
    const state = stateOf(link);
    const bytes = encodeRacpRequest(req);
    // Not retried: a repeated request while the meter is still answering the first would be refused as "procedure already in progress".
    return io.call(
      `RACP ${req.op}`,
      async () => {
        const answer = new Promise<Uint8Array>((resolve) => (state.awaitingRacp = resolve));
        io.capture('out', CHARACTERISTIC.racp, bytes);
        await link.write(SERVICE.glucose, CHARACTERISTIC.racp, bytes, true);
        const res = decodeRacpResponse(await answer);
        if (res.op === 'response-code' && res.request === 'abort' && req.op !== 'abort') throw new DeviceError('cancelled', 'The download was cancelled.');
        return res;
      },
      { retries: 0, ...(timeoutMs !== undefined ? { timeoutMs } : {}) },
    );
  }

  return {
    family: BLE_GLUCOSE_FAMILY,

    async connect(link, io) {
      const state: LinkState = { measurements: [], contexts: [], unsubscribe: [], awaitingRacp: undefined, onMeasurement: undefined, aborting: false };
      states.set(link, state);
      const on = async (characteristic: string, handle: (v: Uint8Array) => void) => {
        state.unsubscribe.push(await subscribeCaptured(link, io, SERVICE.glucose, characteristic, handle));
      };
      await on(CHARACTERISTIC.glucoseMeasurement, (v) => {
        state.measurements.push(v);
        state.onMeasurement?.();
        if (io.cancelled && !state.aborting) {
          state.aborting = true;
          const abort = encodeRacpRequest({ op: 'abort' });
          io.capture('out', CHARACTERISTIC.racp, abort);
          link.write(SERVICE.glucose, CHARACTERISTIC.racp, abort, true).catch(() => undefined);
        }
      });
      await on(CHARACTERISTIC.glucoseContext, (v) => state.contexts.push(v));
      await on(CHARACTERISTIC.racp, (v) => {
        const waiting = state.awaitingRacp;
        state.awaitingRacp = undefined;
        waiting?.(v);
      });
    },

    async readConfig(link, io): Promise<DeviceConfig> {
      const info = await readDeviceInformation(link, io);
      const serial = info.serial ?? info.systemId;
      if (!serial) throw new DeviceError('unsupported-device', 'The meter reports neither a serial number nor a system id, so its readings cannot be told apart from another meter’s.');
      const clockBytes = await readOptional(link, io, SERVICE.currentTime, CHARACTERISTIC.currentTime);
      const deviceNow = clockBytes ? decodeCurrentTime(clockBytes).time : undefined;
      const model = [info.manufacturer, info.model].filter(Boolean).join(' ') || 'Bluetooth glucose meter';
      return {
        identity: { family: BLE_GLUCOSE_FAMILY, model, serial, ...(info.firmware ? { firmware: info.firmware } : {}) },
        ...(deviceNow ? { deviceNow } : {}),
        canSetClock: clockBytes !== undefined,
      };
    },

    async fetch(link, io, highWater, onProgress): Promise<BleGlucoseFetched> {
      const state = stateOf(link);
      if (highWater !== null && highWater >= MAX_SEQUENCE) return { records: [], contexts: [] };
      const filter: RacpFilter = highWater === null ? { kind: 'all' } : { kind: 'at-least', sequence: highWater + 1 };
      const counted = await racp(link, io, { op: 'report-count', filter });
      let total: number;
      if (counted.op === 'count-response') total = counted.count;
      else if (counted.code === 'no-records-found') total = 0;
      else throw racpFailure(counted, 'to count its records');
      onProgress(0, total);
      if (total === 0) return { records: [], contexts: [] };

      state.measurements = [];
      state.contexts = [];
      state.onMeasurement = () => onProgress(state.measurements.length, Math.max(total, state.measurements.length));
      try {
        const done = await racp(link, io, { op: 'report-records', filter }, TRANSFER_BASE_MS + TRANSFER_PER_RECORD_MS * total);
        if (done.op !== 'response-code' || (done.code !== 'success' && done.code !== 'no-records-found')) throw racpFailure(done, 'to send its records');
      } finally {
        state.onMeasurement = undefined;
      }
      return { records: state.measurements.slice(), contexts: state.contexts.slice() };
    },

    decode(fetched): DecodedReading[] {
      const contexts = new Map<number, Record<string, string | number | boolean>>();
      for (const bytes of (fetched as Partial<BleGlucoseFetched>).contexts ?? []) {
        const c = decodeGlucoseContext(bytes);
        contexts.set(c.sequence, c.extra);
      }
      const seen = new Set<number>();
      const out: DecodedReading[] = [];
      for (const bytes of fetched.records) {
        const m = decodeGlucoseMeasurement(bytes);
        // A record notified twice (a retried transfer) is one reading.
        if (seen.has(m.sequence)) continue;
        seen.add(m.sequence);
        const context = contexts.get(m.sequence);
        for (const r of m.readings) out.push(context ? { ...r, extra: { ...r.extra, ...context } } : r);
      }
      return out;
    },

    async setClock(link, io, now: DeviceTime) {
      const bytes = encodeCurrentTime(now);
      io.capture('out', CHARACTERISTIC.currentTime, bytes);
      await io.call('set clock', () => link.write(SERVICE.currentTime, CHARACTERISTIC.currentTime, bytes, true));
    },

    async disconnect(link) {
      const state = states.get(link);
      states.delete(link);
      if (!state) return;
      for (const off of state.unsubscribe) {
        await off().catch(() => undefined);
      }
    },
  };
}
