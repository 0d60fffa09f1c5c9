/**
 * What every driver produces. Drivers are pure codecs (DESIGN.md decision 1): bytes in,
 * typed readings out, no I/O and no clock — the download session supplies the host time
 * and applies the clock correction.
 */

/** Metrics known to CareLoop. The UCUM unit travels with each reading. */
export type Metric =
  | 'heart-rate'
  | 'rr-interval'
  | 'energy-expended'
  | 'blood-pressure-systolic'
  | 'blood-pressure-diastolic'
  | 'blood-pressure-mean'
  | 'spo2'
  | 'pulse-rate'
  | 'perfusion-index'
  | 'glucose'
  | 'body-temperature'
  | 'body-weight'
  | 'body-height'
  | 'bmi'
  | 'ecg'
  | 'respiratory-rate'
  | 'steps'
  | 'hrv-sdnn'
  | 'hrv-rmssd'
  | 'ecg-quality'
  // Kept as series from wearables' exports (the app or watch computed them).
  | 'resting-heart-rate'
  | 'sleep-duration'
  // Laboratory results entered from the record (risk scores read them; issue 11).
  | 'total-cholesterol'
  | 'hdl-cholesterol'
  | 'ldl-cholesterol'
  | 'egfr'
  | 'hba1c';

/** Quality flags derived from a device's status bits; a flagged value is kept, never dropped. */
export type QualityFlag =
  | 'sensor-contact-lost'
  | 'body-movement'
  | 'cuff-fit-loose'
  | 'irregular-pulse'
  | 'pulse-rate-out-of-range'
  | 'improper-position'
  | 'measurement-ongoing'
  | 'early-estimate'
  | 'validated'
  | 'questionable'
  | 'low-perfusion'
  | 'signal-weak'
  | 'device-error'
  | 'sensor-malfunction'
  | 'value-out-of-range'
  | 'control-solution'
  | 'not-a-number'
  | 'not-at-this-resolution'
  | 'infinity'
  | 'invalid'
  | 'measurement-unavailable'
  | 'calibration-ongoing'
  | 'demonstration-data'
  | 'testing-data'
  | 'battery-low'
  | 'clock-not-set';

/** Date-time exactly as the device reported it, without any zone (devices keep local time). */
export interface DeviceTime {
  year: number;
  month: number;
  day: number;
  hours: number;
  minutes: number;
  seconds: number;
}

export interface DecodedReading {
  metric: Metric;
  /** NaN is allowed only together with a flag saying why (not-a-number, not-at-this-resolution, infinity). */
  value: number;
  /** UCUM unit, e.g. 'mm[Hg]', '/min', '%', 'mg/dL', 'mmol/L', 'Cel', 'kg', 'ms', 'uV'. */
  unit: string;
  /** Device-local time as reported; absent when the measurement carried none. */
  deviceTime?: DeviceTime;
  /** Record sequence number on the device where the protocol has one (glucose, meters). */
  sequence?: number;
  flags: QualityFlag[];
  /** Protocol-specific extras kept for provenance (user id, meal context, body site…). */
  extra?: Record<string, string | number | boolean>;
}

/** Every decoder failure is one of these, with a machine-readable code and a one-line reason. */
export type DecodeErrorCode =
  | 'too-short'
  | 'too-long'
  | 'bad-checksum'
  | 'bad-frame'
  | 'bad-field'
  | 'unsupported'
  | 'out-of-sequence';

export class DecodeError extends Error {
  override readonly name = 'DecodeError';
  constructor(
    readonly code: DecodeErrorCode,
    message: string,
    /** Byte offset where decoding failed, when known. */
    readonly offset?: number,
  ) {
    super(message);
  }
}
