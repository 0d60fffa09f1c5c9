import { decodePmdCommand, encodePmdControlResponse, encodePmdEcgFrame, H10_ECG_RESOLUTION, H10_ECG_SAMPLE_RATE, PMD_MEASUREMENT, PMD_OP, type PmdStatus } from '../../../electron/devices/drivers/ble/polar-pmd';
import { POLAR_PMD } from '../../../electron/devices/drivers/ble/uuids';
import { DecodeError } from '../../../electron/devices/drivers/types';
import { SimulatedPeripheral, type PeripheralOptions } from './peripheral';

/**
 * Polar H10's measurement data service for ECG, after Polar's BLE SDK documentation:
 * the control point answers get-settings / start / stop by indication; while started,
 * `tick(ms)` streams 130 Hz samples from the provided array in data frames of
 * `samplesPerFrame`, each stamped with its last sample's time (ns since 2000-01-01).
 */
export interface PolarH10Options extends PeripheralOptions {
  /** ECG in µV, played in order (and looped). */
  samplesUv: ArrayLike<number>;
  /** Sensor time at the first sample, ns since 2000-01-01. */
  startNs?: bigint;
  samplesPerFrame?: number;
  loop?: boolean;
}

const FEATURES = Uint8Array.of(0x0f, 0b0000_0101, 0x00); // feature read: ECG and ACC available

export class SimulatedPolarH10 extends SimulatedPeripheral {
  private streaming = false;
  private next = 0; // index of the next sample to send
  private produced = 0; // samples produced since the stream started
  private elapsedMs = 0; // simulated time since the stream started
  private buffer: number[] = [];
  private readonly startNs: bigint;

  constructor(private readonly options: PolarH10Options) {
    super(options);
    this.startNs = options.startNs ?? 825_000_000_000_000_000n; // early 2026
    this.define(POLAR_PMD.service, POLAR_PMD.controlPoint, { read: () => FEATURES, notifies: true, write: (v) => this.onCommand(v) });
    this.define(POLAR_PMD.service, POLAR_PMD.data, { notifies: true });
  }

  get isStreaming(): boolean {
    return this.streaming;
  }

  private async answer(opCode: number, measurementType: number, status: PmdStatus, settings = {}): Promise<void> {
    await this.notify(POLAR_PMD.service, POLAR_PMD.controlPoint, encodePmdControlResponse({ opCode, measurementType, status, statusCode: 0, more: false, settings }));
  }

  private async onCommand(value: Uint8Array): Promise<void> {
    let cmd;
    try {
      cmd = decodePmdCommand(value);
    } catch (err) {
      if (!(err instanceof DecodeError)) throw err;
      await this.answer(value[0] ?? 0, value[1] ?? 0, err.code === 'unsupported' ? 'invalid-op-code' : 'invalid-parameter');
      return;
    }
    const opCode = PMD_OP[cmd.op === 'get-settings' ? 'getSettings' : cmd.op];
    if (cmd.measurementType !== PMD_MEASUREMENT.ecg) return this.answer(opCode, cmd.measurementType, 'not-supported');
    if (cmd.op === 'get-settings') return this.answer(opCode, 0, 'success', { sampleRate: [H10_ECG_SAMPLE_RATE], resolution: [H10_ECG_RESOLUTION] });
    if (cmd.op === 'stop') {
      this.streaming = false;
      return this.answer(opCode, 0, 'success');
    }
    if (this.streaming) return this.answer(opCode, 0, 'already-in-state');
    if ((cmd.settings.sampleRate ?? [H10_ECG_SAMPLE_RATE])[0] !== H10_ECG_SAMPLE_RATE) return this.answer(opCode, 0, 'invalid-sample-rate');
    if ((cmd.settings.resolution ?? [H10_ECG_RESOLUTION])[0] !== H10_ECG_RESOLUTION) return this.answer(opCode, 0, 'invalid-resolution');
    this.streaming = true;
    this.buffer = [];
    this.elapsedMs = 0;
    this.produced = 0;
    await this.answer(opCode, 0, 'success');
  }

  /** Advances simulated time; sends every data frame that fills up. */
  tick(ms: number): void {
    if (!this.streaming) return;
    this.elapsedMs += ms;
    const perFrame = this.options.samplesPerFrame ?? 73;
    const src = this.options.samplesUv;
    // Whole samples due so far, counted from the start so no rounding drift builds up.
    const due = Math.floor((this.elapsedMs * H10_ECG_SAMPLE_RATE) / 1000);
    while (this.produced < due) {
      if (this.next >= src.length) {
        if (!(this.options.loop ?? true) || src.length === 0) break;
        this.next = 0;
      }
      this.buffer.push(src[this.next++]!);
      this.produced++;
      if (this.buffer.length === perFrame) {
        const last = this.startNs + (BigInt(this.produced - 1) * 1_000_000_000n) / BigInt(H10_ECG_SAMPLE_RATE);
        const frame = encodePmdEcgFrame({ timestampNs: last, samplesUv: Int32Array.from(this.buffer) });
        this.buffer = [];
        if (this.isSubscribed(POLAR_PMD.service, POLAR_PMD.data)) this.notifyNow(POLAR_PMD.service, POLAR_PMD.data, frame);
      }
    }
  }
}
