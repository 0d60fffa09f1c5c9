import { DecodeError } from '../types';
import { ByteReader, ByteWriter } from './bytes';

/**
 * Polar Measurement Data (PMD) service as documented in Polar's public BLE SDK
 * (technical_documentation/Polar_Measurement_Data_Specification.pdf): a control point
 * (…5c81) taking commands [op code, measurement type, settings…] and answering by
 * indication [0xF0, op code, measurement type, error code, more, parameters…], and a
 * data characteristic (…5c82) notifying frames [measurement type, timestamp uint64 ns
 * (of the last sample, epoch 2000-01-01), frame type, samples…]. Polar H10 ECG is
 * measurement type 0, frame type 0: signed 24-bit µV samples at 130 Hz.
 */
export const PMD_MEASUREMENT = { ecg: 0, ppg: 1, acc: 2, ppi: 3, gyro: 5, mag: 6 } as const;
export const PMD_OP = { getSettings: 1, start: 2, stop: 3 } as const;
export const PMD_SETTING = { sampleRate: 0, resolution: 1, range: 2, rangeMilliunit: 3, channels: 4, factor: 5 } as const;
const RESPONSE_MARKER = 0xf0;
const COMPRESSED = 0x80;
export const H10_ECG_SAMPLE_RATE = 130;
export const H10_ECG_RESOLUTION = 14;

export const PMD_ERRORS = [
  'success',
  'invalid-op-code',
  'invalid-measurement-type',
  'not-supported',
  'invalid-length',
  'invalid-parameter',
  'already-in-state',
  'invalid-resolution',
  'invalid-sample-rate',
  'invalid-range',
  'invalid-mtu',
  'invalid-number-of-channels',
  'invalid-state',
  'device-in-charger',
] as const;
export type PmdStatus = (typeof PMD_ERRORS)[number];

/** Setting type → the values offered or chosen (each uint16 on the wire; the factor is a float32). */
export type PmdSettings = Partial<Record<keyof typeof PMD_SETTING, number[]>>;

export interface PmdCommand {
  op: 'get-settings' | 'start' | 'stop';
  measurementType: number;
  settings: PmdSettings;
}

export interface PmdControlResponse {
  op: 'get-settings' | 'start' | 'stop' | 'unknown';
  opCode: number;
  measurementType: number;
  status: PmdStatus | 'reserved';
  statusCode: number;
  more: boolean;
  settings: PmdSettings;
}

export interface PmdEcgFrame {
  /** Time of the last sample, ns since 2000-01-01T00:00:00 on the sensor's clock: a bigint because it exceeds 2^53. */
  timestampNs: bigint;
  samplesUv: Int32Array;
}

const OP_NAME: Record<number, PmdCommand['op']> = { 1: 'get-settings', 2: 'start', 3: 'stop' };
const SETTING_NAME = Object.fromEntries(Object.entries(PMD_SETTING).map(([k, v]) => [v, k])) as Record<number, keyof typeof PMD_SETTING>;

function writeSettings(w: ByteWriter, s: PmdSettings): void {
  for (const [name, values] of Object.entries(s) as [keyof typeof PMD_SETTING, number[]][]) {
    const type = PMD_SETTING[name];
    w.u8(type).u8(values.length);
    for (const v of values) {
      if (type === PMD_SETTING.factor) {
        const b = new Uint8Array(4);
        new DataView(b.buffer).setFloat32(0, v, true);
        w.bytes(b);
      } else w.u16(v);
    }
  }
}

function readSettings(r: ByteReader): PmdSettings {
  const s: PmdSettings = {};
  while (r.remaining > 0) {
    const type = r.u8('setting type');
    const name = SETTING_NAME[type];
    if (name === undefined) throw new DecodeError('unsupported', `PMD: setting type ${type} is unknown`, r.offset - 1);
    const count = r.u8('setting count');
    const values: number[] = [];
    for (let i = 0; i < count; i++) {
      if (type === PMD_SETTING.factor) values.push(new DataView(r.bytesOf(4, 'factor').slice().buffer).getFloat32(0, true));
      else values.push(r.u16('setting value'));
    }
    s[name] = values;
  }
  return s;
}

export function encodePmdCommand(cmd: PmdCommand): Uint8Array {
  const w = new ByteWriter().u8(PMD_OP[cmd.op === 'get-settings' ? 'getSettings' : cmd.op]).u8(cmd.measurementType);
  writeSettings(w, cmd.settings);
  return w.toBytes();
}

/** The command that starts the H10's ECG stream: 130 Hz, 14-bit resolution. */
export function startEcgCommand(): Uint8Array {
  return encodePmdCommand({ op: 'start', measurementType: PMD_MEASUREMENT.ecg, settings: { sampleRate: [H10_ECG_SAMPLE_RATE], resolution: [H10_ECG_RESOLUTION] } });
}

export function stopEcgCommand(): Uint8Array {
  return encodePmdCommand({ op: 'stop', measurementType: PMD_MEASUREMENT.ecg, settings: {} });
}

/** Decodes a command as the sensor receives it (the simulator's side). */
export function decodePmdCommand(bytes: Uint8Array): PmdCommand {
  const r = new ByteReader(bytes, 'PMD command');
  const opCode = r.u8('op code');
  const op = OP_NAME[opCode];
  if (!op) throw new DecodeError('unsupported', `PMD: op code ${opCode} is not a command`, 0);
  const measurementType = r.u8('measurement type');
  return { op, measurementType, settings: readSettings(r) };
}

export function encodePmdControlResponse(res: Omit<PmdControlResponse, 'op' | 'status'> & { status: PmdStatus }): Uint8Array {
  const w = new ByteWriter()
    .u8(RESPONSE_MARKER)
    .u8(res.opCode)
    .u8(res.measurementType)
    .u8(PMD_ERRORS.indexOf(res.status))
    .u8(res.more ? 1 : 0);
  writeSettings(w, res.settings);
  return w.toBytes();
}

export function decodePmdControlResponse(bytes: Uint8Array): PmdControlResponse {
  const r = new ByteReader(bytes, 'PMD control point response');
  const marker = r.u8('response marker');
  if (marker !== RESPONSE_MARKER) throw new DecodeError('bad-frame', `PMD: a control point response starts with 0xF0, not 0x${marker.toString(16)}`, 0);
  const opCode = r.u8('op code');
  const measurementType = r.u8('measurement type');
  const statusCode = r.u8('error code');
  // The "more" byte and the parameters are absent from short error answers.
  const more = r.remaining > 0 ? r.u8('more') !== 0 : false;
  const settings = statusCode === 0 && opCode === PMD_OP.getSettings ? readSettings(r) : {};
  if (opCode !== PMD_OP.getSettings) r.bytesOf(r.remaining, 'parameters'); // start/stop parameters are not used
  return { op: OP_NAME[opCode] ?? 'unknown', opCode, measurementType, status: PMD_ERRORS[statusCode] ?? 'reserved', statusCode, more, settings };
}

/** Decodes one ECG data frame (measurement type 0, uncompressed frame type 0). */
export function decodePmdEcgFrame(bytes: Uint8Array): PmdEcgFrame {
  const r = new ByteReader(bytes, 'PMD ECG frame');
  const type = r.u8('measurement type');
  if (type !== PMD_MEASUREMENT.ecg) throw new DecodeError('unsupported', `PMD: measurement type ${type} is not ECG (0)`, 0);
  const timestampNs = r.u64('timestamp');
  const frameType = r.u8('frame type');
  if (frameType & COMPRESSED) throw new DecodeError('unsupported', 'PMD: compressed (delta) ECG frames are not used by the H10', 9);
  if (frameType !== 0) throw new DecodeError('unsupported', `PMD: ECG frame type ${frameType} is not supported (only 0)`, 9);
  if (r.remaining % 3 !== 0) throw new DecodeError('bad-frame', `PMD: ${r.remaining} sample bytes are not whole 3-byte samples`, r.offset);
  const samplesUv = new Int32Array(r.remaining / 3);
  for (let i = 0; i < samplesUv.length; i++) samplesUv[i] = r.i24('sample');
  return { timestampNs, samplesUv };
}

export function encodePmdEcgFrame(frame: PmdEcgFrame): Uint8Array {
  const w = new ByteWriter().u8(PMD_MEASUREMENT.ecg).u64(frame.timestampNs).u8(0);
  for (const s of frame.samplesUv) w.i24(s);
  return w.toBytes();
}
