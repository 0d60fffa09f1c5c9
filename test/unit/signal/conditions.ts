import { applyGain, baselineWander, electrodeMotion, invert, mainsInterference, mix, moveBeats, muscleNoise, resample, seededRandom } from '../../../renderer/src/engine/signal/noise';

/** One stressed version of a record: the signal, its rate and the reference beats moved along. */
export interface Condition {
  name: string;
  make(): { x: Float32Array; fs: number; reference: Int32Array };
}

export interface Source {
  x: Float32Array;
  fs: number;
  ref: Int32Array;
  /** NSTDB-style signal power (qrsSignalPower) for SNR scaling. */
  power: number;
}

/**
 * The stress conditions of issue 6, built from one clean record (used by the QRS tests and
 * the benchmark): wander, mains, muscle noise, electrode motion, inversion, gains,
 * resampling, combinations, and two versions drawn from `freshSeed`. `source` is called when
 * a condition is made, so the record may be loaded after the list is built.
 */
export function stressConditions(source: () => Source, freshSeed: number): Condition[] {
  const emg = (s: Source, snrDb: number, seed: number) => muscleNoise(s.x.length, s.fs, { seed, snrDb, signalPower: s.power });
  const same = (name: string, build: (s: Source) => Float32Array): Condition => ({
    name,
    make: () => {
      const s = source();
      return { x: build(s), fs: s.fs, reference: s.ref };
    },
  });
  const resampled = (name: string, to: number, build: (s: Source) => Float32Array = (s) => s.x): Condition => ({
    name,
    make: () => {
      const s = source();
      return { x: resample(build(s), s.fs, to), fs: to, reference: moveBeats(s.ref, s.fs, to) };
    },
  });
  return [
    same('clean', (s) => s.x),
    same('baseline wander 1.5 mV', (s) => mix(s.x, baselineWander(s.x.length, s.fs, { seed: 11, amplitude: 1.5 }))),
    same('mains 50 Hz 0.5 mV', (s) => mix(s.x, mainsInterference(s.x.length, s.fs, { seed: 12, frequency: 50, amplitude: 0.5 }))),
    same('mains 60 Hz 0.5 mV', (s) => mix(s.x, mainsInterference(s.x.length, s.fs, { seed: 13, frequency: 60, amplitude: 0.5 }))),
    same('muscle noise 12 dB', (s) => mix(s.x, emg(s, 12, 14))),
    same('muscle noise 6 dB', (s) => mix(s.x, emg(s, 6, 15))),
    same('electrode motion 2/min', (s) => mix(s.x, electrodeMotion(s.x.length, s.fs, { seed: 16, perMinute: 2, amplitude: 2 }).noise)),
    same('inverted', (s) => invert(s.x)),
    same('gain ×0.25', (s) => applyGain(s.x, 0.25)),
    same('gain ×4', (s) => applyGain(s.x, 4)),
    same('gain drops ×0.25 at 9 min, rises ×16 at 18 min', (s) => applyGain(applyGain(s.x, 0.25, 9 * 60 * s.fs), 16, 18 * 60 * s.fs)),
    ...[125, 128, 130, 250, 500, 1000].map((to) => resampled(`resampled to ${to} Hz`, to)),
    resampled('130 Hz, inverted, 6 dB muscle, wander, 50 Hz mains', 130, (s) =>
      invert(mix(s.x, emg(s, 6, 21), baselineWander(s.x.length, s.fs, { seed: 22 }), mainsInterference(s.x.length, s.fs, { seed: 23, frequency: 50 }))),
    ),
    same('electrode motion + 12 dB muscle, gain ×0.5', (s) => applyGain(mix(s.x, emg(s, 12, 24), electrodeMotion(s.x.length, s.fs, { seed: 25 }).noise), 0.5)),
    resampled('500 Hz, 60 Hz mains, wander, gain ×4', 500, (s) =>
      applyGain(mix(s.x, mainsInterference(s.x.length, s.fs, { seed: 26, frequency: 60 }), baselineWander(s.x.length, s.fs, { seed: 27 })), 4),
    ),
    // Versions the project has never seen: seed and parameters drawn afresh on every run.
    {
      name: `fresh A (seed ${freshSeed}): random rate, 6–12 dB muscle, wander, mains, polarity`,
      make: () => {
        const s = source();
        const rand = seededRandom(freshSeed);
        const to = Math.round(125 + rand() * 875);
        const snr = 6 + 6 * rand();
        let y = mix(
          s.x,
          emg(s, snr, freshSeed + 1),
          baselineWander(s.x.length, s.fs, { seed: freshSeed + 2, amplitude: 0.5 + rand() }),
          mainsInterference(s.x.length, s.fs, { seed: freshSeed + 3, frequency: rand() < 0.5 ? 50 : 60, amplitude: 0.1 + 0.4 * rand() }),
        );
        if (rand() < 0.5) y = invert(y);
        console.log(`fresh A: seed ${freshSeed}, ${to} Hz, muscle noise ${snr.toFixed(1)} dB`);
        return { x: resample(y, s.fs, to), fs: to, reference: moveBeats(s.ref, s.fs, to) };
      },
    },
    {
      name: `fresh B (seed ${freshSeed}): electrode motion, 12 dB muscle, random gain`,
      make: () => {
        const s = source();
        const rand = seededRandom(freshSeed ^ 0x5bd1e995);
        const gain = 0.25 * 16 ** rand();
        console.log(`fresh B: seed ${freshSeed}, gain ×${gain.toFixed(2)}`);
        const motion = electrodeMotion(s.x.length, s.fs, { seed: freshSeed + 5, perMinute: 1 + rand() }).noise;
        return { x: applyGain(mix(s.x, emg(s, 12, freshSeed + 4), motion), gain), fs: s.fs, reference: s.ref };
      },
    },
  ];
}
