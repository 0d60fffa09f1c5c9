import { describe, expect, it } from 'vitest';
import type { LiveChunk } from '../../../common/contract/main-api';
import { simulatedDevices } from '../../../electron/devices/simulated-devices';
import { LiveEcgProcessor } from '../../../renderer/src/engine/signal/live-ecg';

const live = (name: string) => simulatedDevices().find((s) => s.info.name === name)!.live!;

describe('training live devices', () => {
  it('the Polar H10 streams ECG that the live processor turns into the scripted heart rate', async () => {
    const chunks: LiveChunk[] = [];
    // Time-lapse ×30 for 4 real seconds: two simulated minutes of ECG.
    await live('polar-h10')({ kind: 'simulated', simulator: 'polar-h10', serial: 'H10-T', records: 30 }, (c) => chunks.push(c), { cancelled: false, onCancel: () => undefined }, 4);
    const ecg = chunks.filter((c): c is Extract<LiveChunk, { type: 'ecg' }> => c.type === 'ecg');
    const samples = ecg.reduce((n, c) => n + c.samplesUv.length, 0);
    expect(samples).toBeGreaterThan(110 * 130);
    expect(ecg.every((c) => c.fs === 130)).toBe(true);
    // Chunks are contiguous in time.
    for (let i = 1; i < ecg.length; i++) expect(Math.abs(ecg[i]!.startMs - (ecg[i - 1]!.startMs + (ecg[i - 1]!.samplesUv.length * 1000) / 130))).toBeLessThan(10);
    const p = new LiveEcgProcessor();
    const hr = [...ecg.flatMap((c) => p.push(c).heartRate), ...p.flush().heartRate].filter((h) => h.bpm !== null);
    const t0 = ecg[0]!.startMs;
    const rest = hr.filter((h) => h.timeMs - t0 > 20_000 && h.timeMs - t0 < 55_000).map((h) => h.bpm!);
    const fast = hr.filter((h) => h.timeMs - t0 > 75_000).map((h) => h.bpm!);
    const mean = (x: number[]) => x.reduce((a, b) => a + b, 0) / x.length;
    expect(mean(rest)).toBeGreaterThan(62);
    expect(mean(rest)).toBeLessThan(74);
    expect(mean(fast)).toBeGreaterThan(118);
    expect(mean(fast)).toBeLessThan(132);
  }, 30_000);
});
