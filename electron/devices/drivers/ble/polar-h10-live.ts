import type { GattLink } from '../../session/links';
import { DeviceError, type DeviceErrorCode } from '../../session/types';
import { DecodeError } from '../types';
import {
  decodePmdControlResponse,
  decodePmdEcgFrame,
  encodePmdCommand,
  H10_ECG_RESOLUTION,
  H10_ECG_SAMPLE_RATE,
  PMD_MEASUREMENT,
  startEcgCommand,
  stopEcgCommand,
  type PmdControlResponse,
  type PmdSettings,
  type PmdStatus,
} from './polar-pmd';
import { POLAR_PMD } from './uuids';

/**
 * A live ECG session with a Polar H10 over its Measurement Data (PMD) service (Polar BLE SDK,
 * Polar_Measurement_Data_Specification): read the feature bits from the control point, ask
 * for the ECG settings, subscribe to the data characteristic, start ECG at 130 Hz / 14 bit,
 * and turn every data frame into a chunk of samples with host times. Stopping the stream and
 * unsubscribing always run on close.
 *
 * Time: a frame carries the sensor-clock time of its LAST sample (ns since 2000-01-01). The
 * first good frame anchors that clock to the host time supplied by the caller at its arrival
 * (`SensorClockAnchor`); every later sample time is anchor + sensor time elapsed. Drivers own
 * no clock (DESIGN.md decision 1), so the host clock is passed in.
 *
 * Gaps: frames that never arrived, or arrived corrupted, show up as a jump in the sensor time
 * between the end of one frame and the start of the next; they are reported, never filled in.
 */

export interface EcgChunk {
  /** Host time (epoch ms) of the first sample. */
  startMs: number;
  fs: number;
  samplesUv: Int32Array;
}

export interface EcgGap {
  /** Host time (epoch ms) where the first missing sample would have been. */
  startMs: number;
  /** Host time of the first sample after the gap. */
  endMs: number;
  missingSamples: number;
  /** 'corrupted-frame' when an undecodable frame arrived since the last good one. */
  cause: 'missing-frames' | 'corrupted-frame';
}

/** Pairs one sensor-clock instant with one host-clock instant. */
export class SensorClockAnchor {
  constructor(
    readonly sensorNs: bigint,
    readonly hostMs: number,
  ) {}

  /** Host time (epoch ms) of a sensor time (ns). The difference is taken as bigint first: sensor times exceed 2^53. */
  toHostMs(sensorNs: bigint): number {
    return this.hostMs + Number(sensorNs - this.sensorNs) / 1e6;
  }
}

/** Why the H10's control point refused a command, mapped onto the device error codes staff see. */
export class PmdRefusedError extends DeviceError {
  constructor(
    readonly op: PmdControlResponse['op'],
    readonly status: PmdStatus | 'reserved',
    readonly statusCode: number,
  ) {
    super(refusalCode(status), `The Polar sensor refused ${op} (${status}).`, refusalHint(status));
  }
}

function refusalCode(status: PmdStatus | 'reserved'): DeviceErrorCode {
  if (status === 'invalid-state' || status === 'device-in-charger' || status === 'already-in-state') return 'busy';
  if (status === 'invalid-length' || status === 'invalid-op-code' || status === 'invalid-mtu' || status === 'reserved') return 'frame';
  return 'unsupported-device';
}

function refusalHint(status: PmdStatus | 'reserved'): string | undefined {
  if (status === 'device-in-charger') return 'Take the sensor off its charger and put the strap on.';
  if (status === 'invalid-state' || status === 'already-in-state') return 'Another app may be streaming from the sensor; close it and try again.';
  return undefined;
}

export type EcgStreamEvent =
  | { type: 'chunk'; chunk: EcgChunk }
  | { type: 'gap'; gap: EcgGap }
  | { type: 'frame-error'; error: DecodeError };

/**
 * The pure half of the session: frames in (with the host time of their arrival), chunks and
 * gaps out. Every sample is delivered at most once and in sensor-time order.
 */
export class PolarEcgFrameStream {
  private anchor: SensorClockAnchor | undefined;
  /** Sensor time of the next expected sample (ns), once a frame has been seen. */
  private expectedNs: bigint | undefined;
  private corruptedSince = false;
  private readonly periodNs: bigint;
  frames = 0;
  frameErrors = 0;
  samples = 0;

  constructor(readonly fs: number = H10_ECG_SAMPLE_RATE) {
    if (!(Number.isInteger(fs) && fs > 0)) throw new RangeError(`sampling rate ${fs} Hz must be a positive integer`);
    this.periodNs = 1_000_000_000n / BigInt(fs);
  }

  get clockAnchor(): SensorClockAnchor | undefined {
    return this.anchor;
  }

  /** Handles one notification of the data characteristic that arrived at host time `hostMs`. */
  push(bytes: Uint8Array, hostMs: number): EcgStreamEvent[] {
    let frame;
    try {
      frame = decodePmdEcgFrame(bytes);
    } catch (err) {
      if (!(err instanceof DecodeError)) throw err;
      this.frameErrors++;
      this.corruptedSince = true;
      return [{ type: 'frame-error', error: err }];
    }
    const n = frame.samplesUv.length;
    if (n === 0) return [];
    this.frames++;
    const lastNs = frame.timestampNs;
    const firstNs = lastNs - (BigInt(n - 1) * 1_000_000_000n) / BigInt(this.fs);
    this.anchor ??= new SensorClockAnchor(lastNs, hostMs);
    const anchor = this.anchor;
    const events: EcgStreamEvent[] = [];
    let skip = 0;
    if (this.expectedNs !== undefined) {
      const lead = firstNs - this.expectedNs;
      const half = this.periodNs / 2n;
      if (lead > half) {
        const missing = Number((lead + half) / this.periodNs);
        events.push({
          type: 'gap',
          gap: { startMs: anchor.toHostMs(this.expectedNs), endMs: anchor.toHostMs(firstNs), missingSamples: missing, cause: this.corruptedSince ? 'corrupted-frame' : 'missing-frames' },
        });
      } else if (lead < -half) {
        // A repeated or overlapping frame: drop the samples already delivered.
        skip = Math.min(n, Number((-lead + half) / this.periodNs));
      }
    }
    this.corruptedSince = false;
    if (skip < n) {
      const samplesUv = frame.samplesUv.slice(skip);
      const startNs = firstNs + (BigInt(skip) * 1_000_000_000n) / BigInt(this.fs);
      events.push({ type: 'chunk', chunk: { startMs: anchor.toHostMs(startNs), fs: this.fs, samplesUv } });
      this.samples += samplesUv.length;
      this.expectedNs = lastNs + this.periodNs;
    }
    return events;
  }
}

export interface PolarH10LiveOptions {
  /** The host clock (epoch ms); read when each frame arrives. */
  hostNowMs: () => number;
  onChunk: (chunk: EcgChunk) => void;
  onGap?: (gap: EcgGap) => void;
  /** An undecodable frame (already counted toward the next gap). */
  onFrameError?: (error: DecodeError) => void;
  /** How long to wait for each control point answer (default 5000 ms). */
  timeoutMs?: number;
}

export interface PolarH10LiveSession {
  /** The settings the sensor offered for ECG. */
  readonly offered: PmdSettings;
  readonly stream: PolarEcgFrameStream;
  /** Stops the ECG stream and unsubscribes; safe to call twice. */
  close(): Promise<void>;
}

const ECG_FEATURE_BIT = 0x01;

/** Whether the PMD feature read (0x0F, bitmask…) lists ECG. */
export function pmdFeaturesHaveEcg(features: Uint8Array): boolean {
  return features.length >= 2 && features[0] === 0x0f && (features[1]! & ECG_FEATURE_BIT) !== 0;
}

/** Opens a live ECG session; resolves once the sensor has accepted the start command. */
export async function startPolarH10Ecg(link: GattLink, options: PolarH10LiveOptions): Promise<PolarH10LiveSession> {
  const timeoutMs = options.timeoutMs ?? 5000;
  const stream = new PolarEcgFrameStream(H10_ECG_SAMPLE_RATE);
  let awaiting: { opCode: number; resolve: (r: PmdControlResponse) => void; reject: (e: unknown) => void } | undefined;
  const unsubscribers: (() => Promise<void>)[] = [];

  const command = async (bytes: Uint8Array, what: string): Promise<PmdControlResponse> => {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const answer = new Promise<PmdControlResponse>((resolve, reject) => {
      awaiting = { opCode: bytes[0]!, resolve, reject };
      timer = setTimeout(() => reject(new DeviceError('timeout', `The Polar sensor did not answer ${what} within ${timeoutMs} ms.`)), timeoutMs);
    });
    // The answer may be settled while the write is still pending; it is awaited below.
    answer.catch(() => undefined);
    try {
      await link.write(POLAR_PMD.service, POLAR_PMD.controlPoint, bytes, true);
      const res = await answer;
      if (res.status !== 'success') throw new PmdRefusedError(res.op, res.status, res.statusCode);
      return res;
    } finally {
      clearTimeout(timer);
      awaiting = undefined;
    }
  };

  const cleanup = async (): Promise<void> => {
    let first: unknown;
    for (const off of unsubscribers.splice(0).reverse()) {
      try {
        await off();
      } catch (err) {
        first ??= err;
      }
    }
    if (first !== undefined && !(first instanceof DeviceError && first.code === 'unplugged')) throw first;
  };

  try {
    const features = await link.read(POLAR_PMD.service, POLAR_PMD.controlPoint);
    if (!pmdFeaturesHaveEcg(features)) throw new DeviceError('unsupported-device', 'This Polar sensor does not offer an ECG stream.');
    unsubscribers.push(
      await link.subscribe(POLAR_PMD.service, POLAR_PMD.controlPoint, (value) => {
        let res: PmdControlResponse;
        try {
          res = decodePmdControlResponse(value);
        } catch (err) {
          awaiting?.reject(err instanceof DecodeError ? new DeviceError('frame', `The Polar sensor sent an unreadable control point answer (${err.code}).`) : err);
          return;
        }
        if (awaiting && res.opCode === awaiting.opCode) awaiting.resolve(res);
      }),
    );
    const settings = await command(encodePmdCommand({ op: 'get-settings', measurementType: PMD_MEASUREMENT.ecg, settings: {} }), 'the ECG settings request');
    const offered = settings.settings;
    if (!(offered.sampleRate ?? []).includes(H10_ECG_SAMPLE_RATE) || !(offered.resolution ?? []).includes(H10_ECG_RESOLUTION)) {
      throw new DeviceError('unsupported-device', `The Polar sensor does not offer ECG at ${H10_ECG_SAMPLE_RATE} Hz and ${H10_ECG_RESOLUTION} bit.`);
    }
    unsubscribers.push(
      await link.subscribe(POLAR_PMD.service, POLAR_PMD.data, (value) => {
        for (const e of stream.push(value, options.hostNowMs())) {
          if (e.type === 'chunk') options.onChunk(e.chunk);
          else if (e.type === 'gap') options.onGap?.(e.gap);
          else options.onFrameError?.(e.error);
        }
      }),
    );
    try {
      await command(startEcgCommand(), 'the ECG start');
    } catch (err) {
      // A stream left running by an earlier session: stop it and start afresh, once.
      if (!(err instanceof PmdRefusedError && err.status === 'already-in-state')) throw err;
      await command(stopEcgCommand(), 'the ECG stop');
      await command(startEcgCommand(), 'the ECG start');
    }
    let closed = false;
    return {
      offered,
      stream,
      async close() {
        if (closed) return;
        closed = true;
        let stopError: unknown;
        try {
          await command(stopEcgCommand(), 'the ECG stop');
        } catch (err) {
          stopError = err;
        }
        await cleanup();
        if (stopError !== undefined && !(stopError instanceof DeviceError && stopError.code === 'unplugged')) throw stopError;
      },
    };
  } catch (err) {
    await cleanup().catch(() => undefined);
    throw err;
  }
}
