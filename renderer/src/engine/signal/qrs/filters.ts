/**
 * Second-order IIR sections designed for the actual sampling rate by the bilinear transform
 * with frequency prewarping (the RBJ "Audio EQ Cookbook" forms), so the detector keeps the
 * same pass band at 125 Hz as at 1000 Hz.
 */
export interface Biquad {
  b0: number;
  b1: number;
  b2: number;
  a1: number;
  a2: number;
}

/** Q of the two sections of a 4th-order Butterworth filter. */
export const BUTTERWORTH4_Q = [0.5411961001461969, 1.3065629648763766] as const;
export const BUTTERWORTH2_Q = Math.SQRT1_2;

function checkCorner(fc: number, fs: number): void {
  if (!(fs > 0) || !(fc > 0) || fc >= fs / 2) throw new RangeError(`corner ${fc} Hz must lie between 0 and the Nyquist frequency of ${fs} Hz`);
}

export function lowpass(fc: number, fs: number, q: number): Biquad {
  checkCorner(fc, fs);
  const w = (2 * Math.PI * fc) / fs;
  const alpha = Math.sin(w) / (2 * q);
  const c = Math.cos(w);
  const a0 = 1 + alpha;
  return { b0: (1 - c) / 2 / a0, b1: (1 - c) / a0, b2: (1 - c) / 2 / a0, a1: (-2 * c) / a0, a2: (1 - alpha) / a0 };
}

export function highpass(fc: number, fs: number, q: number): Biquad {
  checkCorner(fc, fs);
  const w = (2 * Math.PI * fc) / fs;
  const alpha = Math.sin(w) / (2 * q);
  const c = Math.cos(w);
  const a0 = 1 + alpha;
  return { b0: (1 + c) / 2 / a0, b1: -(1 + c) / a0, b2: (1 + c) / 2 / a0, a1: (-2 * c) / a0, a2: (1 - alpha) / a0 };
}

/** Complex response H(e^{jw}) of one section, as [re, im]. */
function response(s: Biquad, w: number): [number, number] {
  const c1 = Math.cos(w), s1 = Math.sin(w), c2 = Math.cos(2 * w), s2 = Math.sin(2 * w);
  const nr = s.b0 + s.b1 * c1 + s.b2 * c2, ni = -(s.b1 * s1 + s.b2 * s2);
  const dr = 1 + s.a1 * c1 + s.a2 * c2, di = -(s.a1 * s1 + s.a2 * s2);
  const d = dr * dr + di * di;
  return [(nr * dr + ni * di) / d, (ni * dr - nr * di) / d];
}

/** Group delay in samples of a cascade at frequency f (numerical derivative of the phase). */
export function groupDelay(sections: readonly Biquad[], f: number, fs: number): number {
  const phase = (w: number): number => sections.reduce((p, s) => {
    const [re, im] = response(s, w);
    return p + Math.atan2(im, re);
  }, 0);
  const w = (2 * Math.PI * f) / fs;
  const h = 1e-4;
  let dp = phase(w + h) - phase(w - h);
  while (dp > Math.PI) dp -= 2 * Math.PI;
  while (dp < -Math.PI) dp += 2 * Math.PI;
  return -dp / (2 * h);
}

/** Magnitude of a cascade's response at frequency f. */
export function magnitude(sections: readonly Biquad[], f: number, fs: number): number {
  const w = (2 * Math.PI * f) / fs;
  return sections.reduce((m, s) => {
    const [re, im] = response(s, w);
    return m * Math.hypot(re, im);
  }, 1);
}
