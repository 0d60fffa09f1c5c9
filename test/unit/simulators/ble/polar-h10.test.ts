import { describe, expect, it } from 'vitest';
import { decodePmdControlResponse, decodePmdEcgFrame, encodePmdCommand, startEcgCommand, stopEcgCommand, type PmdEcgFrame } from '../../../../electron/devices/drivers/ble/polar-pmd';
import { POLAR_PMD } from '../../../../electron/devices/drivers/ble/uuids';
import { SimulatedPolarH10 } from '../../../../native/simulators/ble/polar-h10';

describe('simulated Polar H10 ECG stream', () => {
  it('answers the control point and streams 130 Hz frames stamped with their last sample', async () => {
    const samples = Array.from({ length: 200 }, (_, i) => (i % 2 ? -i : i) * 10);
    const h10 = new SimulatedPolarH10({ samplesUv: samples, startNs: 1_000_000_000n, samplesPerFrame: 65 });
    const answers: ReturnType<typeof decodePmdControlResponse>[] = [];
    const frames: PmdEcgFrame[] = [];
    await h10.subscribe(POLAR_PMD.service, POLAR_PMD.controlPoint, (v) => answers.push(decodePmdControlResponse(v)));
    await h10.subscribe(POLAR_PMD.service, POLAR_PMD.data, (v) => frames.push(decodePmdEcgFrame(v)));
    await h10.write(POLAR_PMD.service, POLAR_PMD.controlPoint, encodePmdCommand({ op: 'get-settings', measurementType: 0, settings: {} }), true);
    expect(answers[0]).toMatchObject({ op: 'get-settings', status: 'success', settings: { sampleRate: [130], resolution: [14] } });
    h10.tick(1000); // not started: nothing
    expect(frames).toHaveLength(0);
    await h10.write(POLAR_PMD.service, POLAR_PMD.controlPoint, startEcgCommand(), true);
    expect(answers[1]).toMatchObject({ op: 'start', status: 'success' });
    h10.tick(1000); // 130 samples: two frames of 65
    expect(frames).toHaveLength(2);
    expect(Array.from(frames[0]!.samplesUv)).toEqual(samples.slice(0, 65));
    expect(Array.from(frames[1]!.samplesUv)).toEqual(samples.slice(65, 130));
    expect(frames[0]!.timestampNs).toBe(1_000_000_000n + (64n * 1_000_000_000n) / 130n);
    expect(frames[1]!.timestampNs).toBe(1_000_000_000n + (129n * 1_000_000_000n) / 130n);
    h10.tick(1000); // loops over the 200 samples
    expect(Array.from(frames[3]!.samplesUv)).toEqual([...samples.slice(195, 200), ...samples.slice(0, 60)]);
    await h10.write(POLAR_PMD.service, POLAR_PMD.controlPoint, startEcgCommand(), true);
    expect(answers.at(-1)).toMatchObject({ status: 'already-in-state' });
    await h10.write(POLAR_PMD.service, POLAR_PMD.controlPoint, stopEcgCommand(), true);
    h10.tick(5000);
    expect(frames).toHaveLength(4);
  });

  it('refuses other measurement types and sample rates', async () => {
    const h10 = new SimulatedPolarH10({ samplesUv: [1, 2, 3] });
    const answers: ReturnType<typeof decodePmdControlResponse>[] = [];
    await h10.subscribe(POLAR_PMD.service, POLAR_PMD.controlPoint, (v) => answers.push(decodePmdControlResponse(v)));
    await h10.write(POLAR_PMD.service, POLAR_PMD.controlPoint, encodePmdCommand({ op: 'start', measurementType: 1, settings: {} }), true);
    await h10.write(POLAR_PMD.service, POLAR_PMD.controlPoint, encodePmdCommand({ op: 'start', measurementType: 0, settings: { sampleRate: [250] } }), true);
    await h10.write(POLAR_PMD.service, POLAR_PMD.controlPoint, Uint8Array.of(0x09, 0x00), true);
    expect(answers.map((a) => a.status)).toEqual(['not-supported', 'invalid-sample-rate', 'invalid-op-code']);
    expect(Array.from(await h10.read(POLAR_PMD.service, POLAR_PMD.controlPoint))).toEqual([0x0f, 0x05, 0x00]);
  });
});
