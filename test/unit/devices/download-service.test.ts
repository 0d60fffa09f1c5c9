import { gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { main } from '../../../cli/main';
import type { DownloadChunk } from '../../../common/contract/main-api';
import { defaultDeviceCatalog } from '../../../electron/devices/default-catalog';
import { streamDownload } from '../../../electron/devices/download-service';
import { decodeCapture, encodeCapture } from '../../../electron/devices/session/capture-file';

const cancel = { cancelled: false, onCancel: () => undefined };
const tz = 'Europe/Stockholm';

async function session(simulator: string, extra: { disconnectAt?: number; clockSkewMinutes?: number; records?: number } = {}, highWater: number | null = null) {
  const chunks: DownloadChunk[] = [];
  await streamDownload({ target: { kind: 'simulated', simulator, serial: 'T-1', ...extra }, highWater, setClockIfSkewed: false, timeZone: tz }, defaultDeviceCatalog(), (c) => chunks.push(c), cancel);
  return chunks;
}

describe('download sessions streamed from the main process', () => {
  it.each(['contour-next-usb', 'freestyle-precision-neo', 'freestyle-libre', 'ble-glucose-meter'])('%s: progress, readings, summary, then the raw capture', async (sim) => {
    const chunks = await session(sim, { records: 6, clockSkewMinutes: -45 });
    const types = chunks.map((c) => c.type);
    expect(types[0]).toBe('progress');
    expect(types).toContain('device');
    expect(types[types.length - 1]).toBe('capture');
    expect(types.indexOf('summary')).toBeGreaterThan(types.lastIndexOf('readings'));
    const readings = chunks.flatMap((c) => (c.type === 'readings' ? c.readings : []));
    expect(new Set(readings.filter((r) => r.metric === 'glucose').map((r) => r.sequence)).size).toBe(6);
    const summary = chunks.find((c) => c.type === 'summary')!;
    expect(summary).toMatchObject({ clockSkewed: true });
    // 45 minutes slow, corrected to within the minute the protocol's clock resolution allows.
    expect(Math.abs((summary as { clockOffsetMs: number }).clockOffsetMs - 45 * 60_000)).toBeLessThan(60_000);
    const capture = chunks.find((c) => c.type === 'capture')! as Extract<DownloadChunk, { type: 'capture' }>;
    const entries = decodeCapture(new Uint8Array(gunzipSync(Buffer.from(capture.gzipBase64, 'base64'))));
    expect(entries.length).toBe(capture.entries);
    expect(entries.some((e) => e.dir === 'in') && entries.some((e) => e.dir === 'out')).toBe(true);
  });

  it('a pulled cable ends in a typed failure, and the capture still arrives', async () => {
    const chunks = await session('contour-next-usb', { disconnectAt: 9 });
    expect(chunks.slice(-2).map((c) => c.type)).toEqual(['capture', 'failed']);
    expect(chunks[chunks.length - 1]).toMatchObject({ type: 'failed', code: 'unplugged' });
  });

  it('resuming from the high-water mark sends only newer records', async () => {
    const first = (await session('contour-next-usb', { records: 8 })).flatMap((c) => (c.type === 'readings' ? c.readings : []));
    const hw = Math.max(...first.map((r) => r.sequence ?? 0));
    const again = await session('contour-next-usb', { records: 8 }, hw);
    expect(again.flatMap((c) => (c.type === 'readings' ? c.readings : []))).toEqual([]);
    // The driver asks the meter only for records after the mark (or skips them itself).
    expect(again.find((c) => c.type === 'summary')).toMatchObject({ newReadings: 0, highWater: hw });
  });

  it('capture files round-trip and refuse damage with a typed error', () => {
    const entries = [{ dir: 'out' as const, atMs: 3, channel: 'hid', bytes: Uint8Array.of(4, 5) }, { dir: 'in' as const, atMs: 70_000, channel: 'gatt:2a18', bytes: new Uint8Array(64).fill(7) }];
    const file = encodeCapture(entries);
    expect(decodeCapture(file)).toEqual(entries);
    expect(() => decodeCapture(file.slice(0, file.length - 1))).toThrow(/truncated/);
    expect(() => decodeCapture(Uint8Array.of(1, 2, 3))).toThrow(/not a CareLoop capture/);
  });
});

describe('careloop download --simulate', () => {
  async function run(argv: string[]) {
    let out = '';
    let err = '';
    const code = await main(argv, { stdout: (s) => (out += s), stderr: (s) => (err += s) });
    return { code, out, err };
  }
  it('prints the summary of a full session as JSON', async () => {
    const r = await run(['download', '--simulate', 'freestyle-libre', '--records', '7', '--clock-skew', '120']);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.out)).toMatchObject({ outcome: 'completed', newReadings: 7, device: { family: 'freestyle' }, clock: { skewed: true } });
  });
  it('a disconnect gives exit code 1 and says where it stopped; unknown devices are refused', async () => {
    const r = await run(['download', '--simulate', 'ble-glucose-meter', '--disconnect-at', '3']);
    expect(r.code).toBe(1);
    expect(JSON.parse(r.out)).toMatchObject({ outcome: 'failed', error: { code: 'unplugged' } });
    const bad = await run(['download', '--simulate', 'toaster']);
    expect(bad.code).toBe(1);
    expect(bad.err).toMatch(/no simulated device to download called 'toaster'/);
    expect((await run(['download', '--records', 'x', '--simulate', 'contour-next-usb'])).err).toMatch(/--records needs a whole number/);
  });
});
