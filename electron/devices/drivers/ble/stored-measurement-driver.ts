import type { DeviceDriver, FetchedRecords, SessionIo } from '../../session/driver';
import type { GattLink, GattUuid } from '../../session/links';
import { DeviceError, type DeviceConfig } from '../../session/types';
import { DecodeError, type DecodedReading, type DeviceTime } from '../types';
import { decodeBloodPressureMeasurement } from './blood-pressure-measurement';
import { decodeCurrentTime, encodeCurrentTime } from './current-time';
import { readDeviceInformation, readOptional } from './device-information';
import { decodePlxSpotCheck } from './plx-spot-check';
import { decodeRacpResponse, encodeRacpRequest, type RacpRequest, type RacpResponse } from './racp';
import { subscribeCaptured } from './gatt-capture';
import { decodeTemperatureMeasurement } from './temperature-measurement';
import { CHARACTERISTIC, SERVICE } from './uuids';
import { decodeWeightMeasurement } from './weight-measurement';
import { decodeWeightScaleFeature } from './weight-scale-feature';

/**
 * Bluetooth devices that keep measurements taken while no collector listened and indicate
 * them when one subscribes: the Blood Pressure (BLP 1.0 §4.5), Health Thermometer
 * (HTP 1.0 §4.4) and Weight Scale (WSP 1.0 §4.4) profiles, and the Pulse Oximeter profile's
 * spot checks (PLXP 1.0), whose optional Record Access Control Point (PLXS 1.0 §3.3) is
 * used where the oximeter has one.
 *
 * Identity comes from Device Information; the device clock from the Current Time service
 * where present. Without it the clock is unknown: the newest measurement's time stamp is
 * when that measurement was taken, not a reading of the clock now, so it is not used as
 * one and `deviceNow` stays undefined (the session then warns that times were taken as
 * they are).
 *
 * End of transfer. Without RACP the profiles have no end marker: the transfer is over
 * after a quiet period with no indication (`quietMs`, timed by the session). With RACP
 * the oximeter's response code ends it.
 *
 * Resume and de-duplication. These profiles have no record sequence numbers, so there is
 * no high-water mark (the one passed in is ignored and none is reported), and a high-water
 * mark by device time is not possible either: a clock that was set back would hide every
 * later measurement. De-duplication relies on the deterministic reading ids (device serial
 * + device time + metric, see run-download.ts readingId). A measurement without a time
 * stamp gets a per-session id and cannot be de-duplicated across sessions.
 *
 * Measurements leave the device once their indication is confirmed, which the host's
 * Bluetooth stack does on receipt, before CareLoop has stored anything. So the frames of a
 * session that fails are kept by this driver (per device serial, in memory) and handed to
 * the next session with the same device; the raw capture of the failed session holds them
 * too (see session/replay.ts).
 */
export type StoredMeasurementProfile = 'blood-pressure' | 'thermometer' | 'scale' | 'oximeter';

interface ProfileSpec {
  family: string;
  /** What the device is called when Device Information names no model. */
  fallbackModel: string;
  service: GattUuid;
  measurement: GattUuid;
  /** A characteristic read once and handed to decode (the scale's resolution). */
  feature?: GattUuid;
  /** Whether the profile may have a Record Access Control Point for stored records. */
  racp: boolean;
  decode(frame: Uint8Array, feature: Uint8Array | undefined): DecodedReading[];
}

export const STORED_MEASUREMENT_PROFILES: Readonly<Record<StoredMeasurementProfile, ProfileSpec>> = {
  'blood-pressure': {
    family: 'ble-blood-pressure',
    fallbackModel: 'Bluetooth blood pressure monitor',
    service: SERVICE.bloodPressure,
    measurement: CHARACTERISTIC.bloodPressureMeasurement,
    racp: false,
    decode: (frame) => decodeBloodPressureMeasurement(frame).readings,
  },
  thermometer: {
    family: 'ble-thermometer',
    fallbackModel: 'Bluetooth thermometer',
    service: SERVICE.healthThermometer,
    measurement: CHARACTERISTIC.temperatureMeasurement,
    racp: false,
    decode: (frame) => decodeTemperatureMeasurement(frame).readings,
  },
  scale: {
    family: 'ble-scale',
    fallbackModel: 'Bluetooth scale',
    service: SERVICE.weightScale,
    measurement: CHARACTERISTIC.weightMeasurement,
    feature: CHARACTERISTIC.weightScaleFeature,
    racp: false,
    decode: (frame, feature) => decodeWeightMeasurement(frame, feature ? decodeWeightScaleFeature(feature) : undefined).readings,
  },
  oximeter: {
    family: 'ble-oximeter',
    fallbackModel: 'Bluetooth pulse oximeter',
    service: SERVICE.pulseOximeter,
    measurement: CHARACTERISTIC.plxSpotCheck,
    racp: true,
    decode: (frame) => decodePlxSpotCheck(frame).readings,
  },
};

export interface StoredMeasurementDriverOptions {
  /** The transfer is over after this long without an indication (devices send stored measurements back to back). */
  quietMs?: number;
}

/** What this driver fetches: measurement frames in arrival order, and the feature value decode needs. */
export interface StoredMeasurementFetched extends FetchedRecords {
  feature?: Uint8Array;
}

const DEFAULT_QUIET_MS = 3000;
/** Time an oximeter gets to send its stored records over RACP: a base plus a per-record allowance. */
const TRANSFER_BASE_MS = 10_000;
const TRANSFER_PER_RECORD_MS = 200;

interface LinkState {
  serial: string | undefined;
  feature: Uint8Array | undefined;
  frames: Uint8Array[];
  onFrame: (() => void) | undefined;
  awaitingRacp: ((value: Uint8Array) => void) | undefined;
  unsubscribe: (() => Promise<void>)[];
}

const hex = (b: Uint8Array) => Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');

export function createStoredMeasurementDriver(profile: StoredMeasurementProfile, options: StoredMeasurementDriverOptions = {}): DeviceDriver<GattLink> {
  const spec = STORED_MEASUREMENT_PROFILES[profile];
  const quietMs = options.quietMs ?? DEFAULT_QUIET_MS;
  const states = new WeakMap<GattLink, LinkState>();
  /** Frames the device has handed over in a session that then failed, by device serial. */
  const handedOver = new Map<string, Uint8Array[]>();

  const stateOf = (link: GattLink): LinkState => {
    const s = states.get(link);
    if (!s) throw new DeviceError('unplugged', 'The device is not connected.');
    return s;
  };

  async function subscribe(link: GattLink, io: SessionIo, state: LinkState, characteristic: GattUuid, handle: (v: Uint8Array) => void): Promise<void> {
    state.unsubscribe.push(await subscribeCaptured(link, io, spec.service, characteristic, handle));
  }

  /** Subscribes where the device has the characteristic; false where it has not. */
  async function subscribeOptional(link: GattLink, io: SessionIo, state: LinkState, characteristic: GattUuid, handle: (v: Uint8Array) => void): Promise<boolean> {
    try {
      await subscribe(link, io, state, characteristic, handle);
      return true;
    } catch (err) {
      if (err instanceof DeviceError && err.code === 'unsupported-device') return false;
      throw err;
    }
  }

  /** Lets go of every subscription; `strict`: a failure is the session's failure (the link dropped before the transfer was closed). */
  async function unsubscribeAll(state: LinkState, strict: boolean): Promise<void> {
    const offs = state.unsubscribe.splice(0);
    for (const off of offs) {
      if (strict) await off();
      else await off().catch(() => undefined);
    }
  }

  /** Waits until no indication has arrived for `quietMs`; the session's timer measures it. */
  async function quietPeriod(io: SessionIo, state: LinkState): Promise<void> {
    for (;;) {
      try {
        await io.call('stored measurements', () => new Promise<void>((resolve) => (state.onFrame = resolve)), { timeoutMs: quietMs, retries: 0 });
      } catch (err) {
        if (err instanceof DeviceError && err.code === 'timeout') return;
        throw err;
      } finally {
        state.onFrame = undefined;
      }
    }
  }

  async function racp(link: GattLink, io: SessionIo, state: LinkState, req: RacpRequest, timeoutMs?: number): Promise<RacpResponse> {
    const bytes = encodeRacpRequest(req);
    // Not retried: a repeated request while the device still answers the first is refused.
    return io.call(
      `RACP ${req.op}`,
      async () => {
        const answer = new Promise<Uint8Array>((resolve) => (state.awaitingRacp = resolve));
        io.capture('out', CHARACTERISTIC.racp, bytes);
        await link.write(spec.service, CHARACTERISTIC.racp, bytes, true);
        return decodeRacpResponse(await answer);
      },
      { retries: 0, ...(timeoutMs !== undefined ? { timeoutMs } : {}) },
    );
  }

  function racpFailure(res: RacpResponse, what: string): DeviceError {
    if (res.op === 'count-response') return new DeviceError('frame', `The device answered ${what} with a record count.`);
    if (res.code === 'procedure-not-completed') return new DeviceError('busy', `The device could not finish ${what}; try again.`);
    return new DeviceError('unsupported-device', `The device refused ${what} (${res.code}).`);
  }

  /** Stored records over RACP: count, then "report all", ended by the response code. */
  async function racpTransfer(link: GattLink, io: SessionIo, state: LinkState, onTotal: (total: number) => void): Promise<void> {
    const counted = await racp(link, io, state, { op: 'report-count', filter: { kind: 'all' } });
    let total: number;
    if (counted.op === 'count-response') total = counted.count;
    else if (counted.code === 'no-records-found') total = 0;
    else throw racpFailure(counted, 'to count its records');
    onTotal(total);
    if (total === 0) return;
    const done = await racp(link, io, state, { op: 'report-records', filter: { kind: 'all' } }, TRANSFER_BASE_MS + TRANSFER_PER_RECORD_MS * total);
    if (done.op !== 'response-code' || (done.code !== 'success' && done.code !== 'no-records-found')) throw racpFailure(done, 'to send its records');
  }

  /** The decode error of the first frame that is not a measurement, if any. */
  function firstBadFrame(frames: readonly Uint8Array[], feature: Uint8Array | undefined): { index: number; error: DecodeError } | undefined {
    for (let i = 0; i < frames.length; i++) {
      try {
        spec.decode(frames[i]!, feature);
      } catch (err) {
        if (err instanceof DecodeError) return { index: i, error: err };
        throw err;
      }
    }
    return undefined;
  }

  return {
    family: spec.family,

    async connect(link) {
      states.set(link, { serial: undefined, feature: undefined, frames: [], onFrame: undefined, awaitingRacp: undefined, unsubscribe: [] });
    },

    async readConfig(link, io): Promise<DeviceConfig> {
      const state = stateOf(link);
      const info = await readDeviceInformation(link, io);
      const serial = info.serial ?? info.systemId;
      if (!serial) throw new DeviceError('unsupported-device', 'The device reports neither a serial number nor a system id, so its readings cannot be told apart from another device’s.');
      state.serial = serial;
      const clockBytes = await readOptional(link, io, SERVICE.currentTime, CHARACTERISTIC.currentTime);
      const deviceNow = clockBytes ? decodeCurrentTime(clockBytes).time : undefined;
      if (spec.feature) {
        state.feature = await readOptional(link, io, spec.service, spec.feature);
        // A feature value that does not decode would fail every measurement later: refuse it now.
        if (state.feature) decodeWeightScaleFeature(state.feature);
      }
      const model = [info.manufacturer, info.model].filter(Boolean).join(' ') || spec.fallbackModel;
      return {
        identity: { family: spec.family, model, serial, ...(info.firmware ? { firmware: info.firmware } : {}) },
        ...(deviceNow ? { deviceNow } : {}),
        canSetClock: clockBytes !== undefined,
      };
    },

    async fetch(link, io, _highWater, onProgress): Promise<StoredMeasurementFetched> {
      const state = stateOf(link);
      const serial = state.serial ?? '';
      const carried = handedOver.get(serial) ?? [];
      state.frames = [];
      let total: number | undefined;
      let usesRacp = false;
      const received = () => [...carried, ...state.frames];
      try {
        if (spec.racp) {
          usesRacp = await subscribeOptional(link, io, state, CHARACTERISTIC.racp, (v) => {
            const waiting = state.awaitingRacp;
            state.awaitingRacp = undefined;
            waiting?.(v);
          });
        }
        onProgress(carried.length);
        await subscribe(link, io, state, spec.measurement, (v) => {
          state.frames.push(v);
          onProgress(carried.length + state.frames.length, total);
          state.onFrame?.();
        });
        if (usesRacp) await racpTransfer(link, io, state, (n) => (total = carried.length + n));
        else await quietPeriod(io, state);
        await unsubscribeAll(state, true);
      } catch (err) {
        // The device already let go of what it indicated; keep it for the next session (a RACP device keeps its own records).
        if (!usesRacp) handedOver.set(serial, received().filter((f) => firstBadFrame([f], state.feature) === undefined));
        throw err;
      }
      const frames = received();
      const bad = firstBadFrame(frames, state.feature);
      if (bad) {
        // The corrupted frame is lost (it stays in the raw capture); the good ones wait for the next session.
        if (!usesRacp) handedOver.set(serial, frames.filter((f, i) => i !== bad.index && firstBadFrame([f], state.feature) === undefined));
        throw new DecodeError(bad.error.code, `Measurement ${bad.index + 1} of this transfer did not decode: ${bad.error.message}`, bad.error.offset);
      }
      handedOver.delete(serial);
      return { records: frames, ...(state.feature ? { feature: state.feature } : {}) };
    },

    decode(fetched): DecodedReading[] {
      const feature = (fetched as StoredMeasurementFetched).feature;
      const seen = new Set<string>();
      const out: DecodedReading[] = [];
      for (const frame of fetched.records) {
        // A frame received twice (handed over, then indicated again) is one measurement.
        const key = hex(frame);
        if (seen.has(key)) continue;
        seen.add(key);
        out.push(...spec.decode(frame, feature));
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
      if (state) await unsubscribeAll(state, false);
    },
  };
}
