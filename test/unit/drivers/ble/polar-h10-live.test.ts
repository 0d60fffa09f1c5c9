import { describe, expect, it } from 'vitest';
import { PmdRefusedError, PolarEcgFrameStream, startPolarH10Ecg, type EcgChunk, type EcgGap } from '../../../../electron/devices/drivers/ble/polar-h10-live';
import { decodePmdCommand, encodePmdControlResponse, encodePmdEcgFrame } from '../../../../electron/devices/drivers/ble/polar-pmd';
import { POLAR_PMD } from '../../../../electron/devices/drivers/ble/uuids';
import type { GattLink } from '../../../../electron/devices/session/links';
import { DeviceError } from '../../../../electron/devices/session/types';
import { SimulatedPolarH10 } from '../../../../native/simulators/ble/polar-h10';
import { LiveEcgProcessor, type LiveEcgOutput } from '../../../../renderer/src/engine/signal/live-ecg';
import { syntheticEcg, syntheticEcgForProfile } from '../../../../renderer/src/engine/signal/synthetic-ecg';

const FS = 130;
const PER_FRAME = 73;
const HOST_START_MS = 1_767_000_000_000;

function ecgUv(seconds: number): Int32Array {
  const ecg = syntheticEcg({ fs: FS, rrMs: Array(Math.floor(seconds / 0.8)).fill(800), durationSeconds: seconds });
  return Int32Array.from(ecg.samplesUv, (v) => Math.round(v));
}

/** Runs the simulated sensor for `seconds` in `stepMs` ticks with a host clock that moves with it. */
async function stream(link: GattLink, h10: SimulatedPolarH10, seconds: number, stepMs = 10) {
  let now = HOST_START_MS;
  const chunks: EcgChunk[] = [];
  const gaps: EcgGap[] = [];
  let frameErrors = 0;
  const session = await startPolarH10Ecg(link, { hostNowMs: () => now, onChunk: (c) => chunks.push(c), onGap: (g) => gaps.push(g), onFrameError: () => frameErrors++ });
  for (let t = 0; t < seconds * 1000; t += stepMs) {
    now += stepMs;
    h10.tick(stepMs);
  }
  await session.close();
  return { chunks, gaps, frameErrors, session };
}

const concat = (chunks: EcgChunk[]) => chunks.flatMap((c) => Array.from(c.samplesUv));

/** A link that loses chosen data notifications on the air. */
function lossyLink(inner: GattLink, drop: (dataIndex: number) => boolean): GattLink {
  return {
    read: (s, c) => inner.read(s, c),
    write: (s, c, v, r) => inner.write(s, c, v, r),
    subscribe: (s, c, on) => {
      if (c !== POLAR_PMD.data) return inner.subscribe(s, c, on);
      let k = 0;
      return inner.subscribe(s, c, (v) => {
        if (!drop(k++)) on(v);
      });
    },
  };
}

describe('Polar H10 live ECG session', () => {
  it('delivers every sample of the synthetic ECG once, in order, with host times from the first frame anchor', async () => {
    const source = ecgUv(20);
    const h10 = new SimulatedPolarH10({ samplesUv: source, samplesPerFrame: PER_FRAME, loop: false });
    const { chunks, gaps, session } = await stream(h10, h10, 20);
    expect(gaps).toEqual([]);
    const total = Math.floor(source.length / PER_FRAME) * PER_FRAME;
    expect(concat(chunks)).toEqual(Array.from(source.subarray(0, total)));
    expect(chunks.every((c) => c.fs === 130)).toBe(true);
    // The first frame arrives when its 73rd sample is due: tick 570 ms (10 ms steps); its last sample anchors there.
    const anchorMs = HOST_START_MS + 570;
    expect(session.stream.clockAnchor?.hostMs).toBe(anchorMs);
    let index = 0;
    for (const c of chunks) {
      expect(c.startMs).toBeCloseTo(anchorMs + ((index - (PER_FRAME - 1)) * 1000) / FS, 3);
      index += c.samplesUv.length;
    }
    expect(h10.isStreaming).toBe(false); // close stopped the stream
    expect(h10.isSubscribed(POLAR_PMD.service, POLAR_PMD.data)).toBe(false);
  });

  it('reports a dropped frame as a gap of its samples and keeps the times of the frames after it', async () => {
    const source = ecgUv(10);
    const h10 = new SimulatedPolarH10({ samplesUv: source, samplesPerFrame: PER_FRAME, loop: false });
    const { chunks, gaps } = await stream(lossyLink(h10, (k) => k === 3), h10, 10);
    expect(gaps).toHaveLength(1);
    expect(gaps[0]).toMatchObject({ missingSamples: PER_FRAME, cause: 'missing-frames' });
    const received = concat(chunks);
    const expected = [...source.subarray(0, 3 * PER_FRAME), ...source.subarray(4 * PER_FRAME, Math.floor(source.length / PER_FRAME) * PER_FRAME)];
    expect(received).toEqual(expected);
    expect(gaps[0]!.endMs - gaps[0]!.startMs).toBeCloseTo((PER_FRAME * 1000) / FS, 3);
    expect(chunks[3]!.startMs - chunks[2]!.startMs).toBeCloseTo((2 * PER_FRAME * 1000) / FS, 3);
    expect(gaps[0]!.endMs).toBeCloseTo(chunks[3]!.startMs, 6);
  });

  it('reports a corrupted frame (one byte short) as a gap caused by corruption', async () => {
    const source = ecgUv(10);
    // Notifications 1 and 2 are the control point answers; 5 is the third data frame.
    const h10 = new SimulatedPolarH10({ samplesUv: source, samplesPerFrame: PER_FRAME, loop: false, corruptNotification: 5 });
    const { chunks, gaps, frameErrors } = await stream(h10, h10, 10);
    expect(frameErrors).toBe(1);
    expect(gaps).toEqual([expect.objectContaining({ missingSamples: PER_FRAME, cause: 'corrupted-frame' })]);
    expect(concat(chunks).slice(2 * PER_FRAME, 3 * PER_FRAME)).toEqual(Array.from(source.subarray(3 * PER_FRAME, 4 * PER_FRAME)));
  });

  it('restarts a stream left running by an earlier session', async () => {
    const h10 = new SimulatedPolarH10({ samplesUv: ecgUv(5), samplesPerFrame: PER_FRAME });
    await startPolarH10Ecg(h10, { hostNowMs: () => 0, onChunk: () => undefined });
    expect(h10.isStreaming).toBe(true);
    const chunks: EcgChunk[] = [];
    const second = await startPolarH10Ecg(h10, { hostNowMs: () => 0, onChunk: (c) => chunks.push(c) });
    h10.tick(1000);
    expect(chunks.length).toBeGreaterThan(0);
    await second.close();
    expect(h10.isStreaming).toBe(false);
  });

  it('turns a control point refusal into a typed error and cleans up its subscriptions', async () => {
    const h10 = new SimulatedPolarH10({ samplesUv: ecgUv(2) });
    let answer: ((v: Uint8Array) => void) | undefined;
    const charging: GattLink = {
      read: (s, c) => h10.read(s, c),
      subscribe: async (s, c, on) => {
        if (c === POLAR_PMD.controlPoint) answer = on;
        return h10.subscribe(s, c, on);
      },
      write: async (s, c, v, r) => {
        const cmd = decodePmdCommand(v);
        if (cmd.op !== 'start') return h10.write(s, c, v, r);
        answer?.(encodePmdControlResponse({ opCode: 2, measurementType: 0, status: 'device-in-charger', statusCode: 13, more: false, settings: {} }));
      },
    };
    const err = await startPolarH10Ecg(charging, { hostNowMs: () => 0, onChunk: () => undefined }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(PmdRefusedError);
    expect(err).toBeInstanceOf(DeviceError);
    expect(err).toMatchObject({ code: 'busy', status: 'device-in-charger', op: 'start' });
    expect(h10.isSubscribed(POLAR_PMD.service, POLAR_PMD.data)).toBe(false);
    expect(h10.isSubscribed(POLAR_PMD.service, POLAR_PMD.controlPoint)).toBe(false);
  });

  it('times out when the sensor never answers', async () => {
    const h10 = new SimulatedPolarH10({ samplesUv: [0] });
    const silent: GattLink = { read: (s, c) => h10.read(s, c), subscribe: (s, c, on) => h10.subscribe(s, c, on), write: async () => undefined };
    await expect(startPolarH10Ecg(silent, { hostNowMs: () => 0, onChunk: () => undefined, timeoutMs: 20 })).rejects.toMatchObject({ code: 'timeout' });
  });

  it('rejects a sensor without ECG in its feature bits', async () => {
    const link: GattLink = { read: async () => Uint8Array.of(0x0f, 0x04, 0x00), write: async () => undefined, subscribe: async () => async () => undefined };
    await expect(startPolarH10Ecg(link, { hostNowMs: () => 0, onChunk: () => undefined })).rejects.toMatchObject({ code: 'unsupported-device' });
  });

  it('feeds the live ECG processor end to end: heart rate of the synthetic ECG, the lost frame bridged and flagged', async () => {
    const ecg = syntheticEcgForProfile(FS, { profile: [{ bpm: 72, seconds: 60 }], rsaMs: 20, seed: 8 });
    const h10 = new SimulatedPolarH10({ samplesUv: Int32Array.from(ecg.samplesUv, (v) => Math.round(v)), samplesPerFrame: PER_FRAME, loop: false });
    const processor = new LiveEcgProcessor();
    const outputs: LiveEcgOutput[] = [];
    let now = HOST_START_MS;
    const session = await startPolarH10Ecg(lossyLink(h10, (k) => k === 40), { hostNowMs: () => now, onChunk: (c) => outputs.push(processor.push(c)) });
    for (let t = 0; t < 60_000; t += 20) {
      now += 20;
      h10.tick(20);
    }
    await session.close();
    outputs.push(processor.flush());
    const hr = outputs.flatMap((o) => o.heartRate).filter((h) => h.bpm !== null);
    expect(hr.length).toBeGreaterThan(50);
    for (const h of hr.slice(6)) expect(Math.abs(h.bpm! - 72)).toBeLessThanOrEqual(1.5);
    const quality = outputs.flatMap((o) => o.quality);
    // Frame 40 held samples 2920–2992 (22.5–23.0 s of the stream): the third window carries the gap.
    expect(quality.map((q) => q.gap)).toEqual([false, false, true, false, false, false]);
    expect(outputs.flatMap((o) => o.beats).length).toBeGreaterThanOrEqual(ecg.rPeaks.length - 2);
  });

  it('drops repeated samples of an overlapping frame', () => {
    const s = new PolarEcgFrameStream(130);
    const frame = (firstIndex: number, n: number) =>
      encodePmdEcgFrame({ timestampNs: 1_000_000_000n + (BigInt(firstIndex + n - 1) * 1_000_000_000n) / 130n, samplesUv: Int32Array.from({ length: n }, (_, i) => firstIndex + i) });
    const out = [...s.push(frame(0, 10), 5000), ...s.push(frame(5, 10), 5100), ...s.push(frame(10, 10), 5200)];
    const samples = out.flatMap((e) => (e.type === 'chunk' ? Array.from(e.chunk.samplesUv) : []));
    expect(samples).toEqual(Array.from({ length: 20 }, (_, i) => i));
    expect(out.some((e) => e.type === 'gap')).toBe(false);
  });
});
