import { WfdbFormatError } from './errors';
import type { WfdbHeader, WfdbSignalSpec, WfdbStorageFormat } from './header';

/**
 * Sample decoders for WFDB signal files (WFDB Applications Guide, signal(5)).
 * Format 212: two 12-bit two's-complement samples in three bytes — byte 0 holds the low
 * 8 bits of the first sample, the low nibble of byte 1 its high 4 bits, the high nibble of
 * byte 1 the high 4 bits of the second sample and byte 2 its low 8 bits.
 * Format 16: 16-bit two's-complement samples, least significant byte first.
 */

/** Bytes needed to hold `count` consecutive samples of a format. */
export function bytesForSamples(format: WfdbStorageFormat, count: number): number {
  return format === 212 ? Math.floor(count / 2) * 3 + (count % 2) * 2 : count * 2;
}

/** Decodes `count` format-212 samples starting at `byteOffset`. */
export function decodeFormat212(bytes: Uint8Array, count: number, byteOffset = 0): Int16Array {
  const need = bytesForSamples(212, count);
  if (byteOffset < 0 || byteOffset + need > bytes.length) throw new WfdbFormatError('truncated', `format 212 data holds fewer than ${count} samples`, bytes.length);
  const out = new Int16Array(count);
  let p = byteOffset;
  let i = 0;
  for (; i + 1 < count; i += 2, p += 3) {
    const b1 = bytes[p + 1]!;
    out[i] = (((b1 & 0x0f) << 8) | bytes[p]!) << 20 >> 20;
    out[i + 1] = (((b1 & 0xf0) << 4) | bytes[p + 2]!) << 20 >> 20;
  }
  if (i < count) out[i] = (((bytes[p + 1]! & 0x0f) << 8) | bytes[p]!) << 20 >> 20;
  return out;
}

/** Decodes `count` format-16 samples starting at `byteOffset`. */
export function decodeFormat16(bytes: Uint8Array, count: number, byteOffset = 0): Int16Array {
  if (byteOffset < 0 || byteOffset + count * 2 > bytes.length) throw new WfdbFormatError('truncated', `format 16 data holds fewer than ${count} samples`, bytes.length);
  const out = new Int16Array(count);
  for (let i = 0, p = byteOffset; i < count; i++, p += 2) out[i] = ((bytes[p + 1]! << 8) | bytes[p]!) << 16 >> 16;
  return out;
}

/** The header's checksum rule: the sum of every sample, as a 16-bit two's-complement number. */
export function checksum16(samples: Int16Array): number {
  let sum = 0;
  for (let i = 0; i < samples.length; i++) sum = (sum + samples[i]!) | 0;
  return (sum << 16) >> 16;
}

/** True when the header's checksum (if any) matches the decoded samples. */
export function checksumMatches(spec: WfdbSignalSpec, samples: Int16Array): boolean {
  return spec.checksum === undefined || ((spec.checksum - checksum16(samples)) & 0xffff) === 0;
}

/** ADC units to physical units (header(5): (value − baseline) / gain). */
export function toPhysical(samples: Int16Array, spec: Pick<WfdbSignalSpec, 'adcGain' | 'baseline'>): Float32Array {
  const out = new Float32Array(samples.length);
  const inv = 1 / spec.adcGain;
  for (let i = 0; i < samples.length; i++) out[i] = (samples[i]! - spec.baseline) * inv;
  return out;
}

export interface WfdbSignalData {
  spec: WfdbSignalSpec;
  /** ADC units, samplesPerFrame per frame. */
  samples: Int16Array;
}

/**
 * Decodes every signal of a record. `loadFile` returns a signal file's bytes by the name the
 * header gives. Signals sharing a file are interleaved frame by frame in header order.
 */
export function decodeSignals(header: WfdbHeader, loadFile: (fileName: string) => Uint8Array): WfdbSignalData[] {
  const result: WfdbSignalData[] = [];
  const groups = new Map<string, number[]>();
  header.signals.forEach((s, i) => {
    const g = groups.get(s.fileName);
    if (g) g.push(i);
    else groups.set(s.fileName, [i]);
  });
  for (const [fileName, members] of groups) {
    const specs = members.map((i) => header.signals[i]!);
    const first = specs[0]!;
    if (specs.some((s) => s.format !== first.format || s.byteOffset !== first.byteOffset)) {
      throw new WfdbFormatError('unsupported-format', `signals in ${fileName} mix formats or byte offsets`);
    }
    if (specs.some((s) => s.skew !== 0)) throw new WfdbFormatError('unsupported-format', 'skewed signals are not supported');
    const perFrame = specs.reduce((n, s) => n + s.samplesPerFrame, 0);
    const bytes = loadFile(fileName);
    const available = Math.max(0, bytes.length - first.byteOffset);
    const maxFrames = Math.floor((first.format === 212 ? Math.floor(available / 3) * 2 + (available % 3 >= 2 ? 1 : 0) : Math.floor(available / 2)) / perFrame);
    const frames = header.nSamples ?? maxFrames;
    if (frames > maxFrames) throw new WfdbFormatError('truncated', `${fileName} holds ${maxFrames} frames, the header announces ${frames}`, bytes.length);
    const flat = first.format === 212 ? decodeFormat212(bytes, frames * perFrame, first.byteOffset) : decodeFormat16(bytes, frames * perFrame, first.byteOffset);
    let offsetInFrame = 0;
    for (let k = 0; k < specs.length; k++) {
      const spec = specs[k]!;
      const spf = spec.samplesPerFrame;
      const out = new Int16Array(frames * spf);
      for (let f = 0, o = 0; f < frames; f++) {
        const base = f * perFrame + offsetInFrame;
        for (let j = 0; j < spf; j++) out[o++] = flat[base + j]!;
      }
      offsetInFrame += spf;
      result[members[k]!] = { spec, samples: out };
    }
  }
  return result;
}
