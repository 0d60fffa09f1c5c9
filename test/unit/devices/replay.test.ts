import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync, gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { replayCommand } from '../../../cli/commands/replay';
import { createContourDriver } from '../../../electron/devices/drivers/contour/driver';
import { createStoredMeasurementDriver } from '../../../electron/devices/drivers/ble/stored-measurement-driver';
import { decodeCapture, encodeCapture } from '../../../electron/devices/session/capture-file';
import type { DeviceDriver } from '../../../electron/devices/session/driver';
import type { GattLink, HidLink } from '../../../electron/devices/session/links';
import { ReplayDivergenceError, ReplayGattLink, ReplayHidLink, replaySession } from '../../../electron/devices/session/replay';
import { runDownload } from '../../../electron/devices/session/run-download';
import { DeviceError, type DeviceReading, type RawCaptureEntry } from '../../../electron/devices/session/types';
import { SimulatedBloodPressureCuff, SimulatedOximeter } from '../../../native/simulators/ble/health-devices';
import { ContourSimulator } from '../../../native/simulators/hid/contour-simulator';

const NOW = Date.UTC(2026, 10, 24, 10, 0, 0);
const FIXTURES = join(dirname(fileURLToPath(import.meta.url)), '../../fixtures/captures');

interface Recorded {
  readings: DeviceReading[];
  capture: RawCaptureEntry[];
  failure?: DeviceError;
}

/** Runs a real session against a simulator, keeping what it stored and its raw capture also when it fails. */
async function record<L>(driver: DeviceDriver<L>, link: L, hostUtcMs = NOW): Promise<Recorded> {
  const readings: DeviceReading[] = [];
  const capture: RawCaptureEntry[] = [];
  try {
    await runDownload<L>({
      driver,
      openLink: async () => link,
      closeLink: async () => undefined,
      highWater: null,
      hostUtcMs: () => hostUtcMs,
      timeZone: 'UTC',
      timeoutMs: 1000,
      captureInto: capture,
      store: async (batch) => {
        readings.push(...batch);
        return { added: batch.length, duplicates: 0 };
      },
    });
    return { readings, capture };
  } catch (err) {
    return { readings, capture, failure: err as DeviceError };
  }
}

/** The committed fixture for this capture; UPDATE_FIXTURES=1 rewrites it from the recorded session. */
function fixture(name: string, capture: RawCaptureEntry[]): RawCaptureEntry[] {
  const path = join(FIXTURES, name);
  if (process.env.UPDATE_FIXTURES === '1') {
    mkdirSync(FIXTURES, { recursive: true });
    writeFileSync(path, gzipSync(encodeCapture(capture), { level: 9 }));
  }
  const stored = decodeCapture(new Uint8Array(gunzipSync(readFileSync(path))));
  // The session recorded today is byte for byte the committed one: the fixture is real, not hand-made.
  expect(stored).toEqual(capture);
  return stored;
}

const wire = (c: readonly RawCaptureEntry[]) => c.map((e) => ({ dir: e.dir, channel: e.channel, bytes: Array.from(e.bytes) }));

function cli(args: string[]) {
  let out = '';
  let err = '';
  return replayCommand.run(args, { stdout: (s) => (out += s), stderr: (s) => (err += s) }).then((code) => ({ code, out, err }));
}

describe('replay of a failed Bluetooth download', () => {
  const cuff = (o: { disconnectAtStep?: number } = {}) => new SimulatedBloodPressureCuff({ clock: () => NOW, currentTime: true, records: 4, ...o });
  // Steps: 4 Device Information reads, Current Time, subscribe, then one per indication: step 9 drops the link after two measurements.
  const DROP_AT = 9;

  it('fails the same way, recovers the measurements the device let go of, and the retry completes the set', async () => {
    const sim = cuff({ disconnectAtStep: DROP_AT });
    const original = await record(createStoredMeasurementDriver('blood-pressure', { quietMs: 0 }), sim as GattLink);
    expect(original.failure).toMatchObject({ name: 'DeviceError', code: 'unplugged' });
    expect(original.readings).toEqual([]);
    expect(sim.storedCount).toBe(2); // two measurements left the device with the failed session
    const capture = fixture('ble-blood-pressure-disconnect.clcap.gz', original.capture);

    // The workstation restarted: a new driver that has never seen this cuff replays the capture.
    const driver = createStoredMeasurementDriver('blood-pressure', { quietMs: 0 });
    const replay = await replaySession(driver, new ReplayGattLink(capture), { capture, hostUtcMs: NOW, timeZone: 'UTC' });
    expect(replay.failure).toBeInstanceOf(DeviceError);
    expect(replay.failure!.code).toBe(original.failure!.code);
    expect(replay.readings).toEqual(original.readings);
    expect(replay.unreplayed).toBe(0);
    expect(wire(replay.capture)).toEqual(wire(capture));

    // The nurse reconnects the cuff: the replayed measurements and the ones still stored make exactly the device's set.
    sim.reconnect();
    const retry = await record(driver, sim as GattLink);
    expect(retry.failure).toBeUndefined();
    const ids = retry.readings.map((r) => r.id).sort();
    const undisturbed = await record(createStoredMeasurementDriver('blood-pressure', { quietMs: 0 }), cuff() as GattLink);
    expect(ids).toEqual(undisturbed.readings.map((r) => r.id).sort());
    expect(ids).toHaveLength(16);
  });

  it('careloop replay prints the typed failure of the fixture and exits 1', async () => {
    const { code, out } = await cli([join(FIXTURES, 'ble-blood-pressure-disconnect.clcap.gz'), '--driver', 'ble-blood-pressure-cuff', '--host-time', new Date(NOW).toISOString(), '--time-zone', 'UTC']);
    expect(code).toBe(1);
    const lines = out.trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({ failure: { code: 'unplugged' } });
  });
});

describe('replay of a complete Bluetooth download', () => {
  const oximeter = () => new SimulatedOximeter({ clock: () => NOW, currentTime: true, clockSkewMs: 20 * 60_000, records: 3, racp: true });

  it('gives the same readings, times and capture as the original session', async () => {
    const original = await record(createStoredMeasurementDriver('oximeter'), oximeter() as GattLink);
    expect(original.failure).toBeUndefined();
    expect(original.readings).toHaveLength(9);
    const capture = fixture('ble-oximeter-complete.clcap.gz', original.capture);
    const replay = await replaySession(createStoredMeasurementDriver('oximeter'), new ReplayGattLink(capture), { capture, hostUtcMs: NOW, timeZone: 'UTC' });
    expect(replay.failure).toBeUndefined();
    expect(replay.readings).toEqual(original.readings);
    expect(replay.summary).toMatchObject({ newReadings: 9, clock: { offsetMs: -20 * 60_000, skewed: true } });
    expect(replay.unreplayed).toBe(0);
    expect(wire(replay.capture)).toEqual(wire(capture));
  });

  it('careloop replay prints one JSON line per reading', async () => {
    const { code, out, err } = await cli([join(FIXTURES, 'ble-oximeter-complete.clcap.gz'), '--driver', 'ble-oximeter', '--host-time', new Date(NOW).toISOString(), '--time-zone', 'UTC']);
    expect(err).toBe('');
    expect(code).toBe(0);
    const lines = out.trim().split('\n').map((l) => JSON.parse(l) as { id: string; metric: string; utcMs: number });
    expect(lines.map((l) => l.metric)).toEqual(['spo2', 'pulse-rate', 'perfusion-index', 'spo2', 'pulse-rate', 'perfusion-index', 'spo2', 'pulse-rate', 'perfusion-index']);
    expect(lines.every((l) => l.id.startsWith('SIMPLX0001:t'))).toBe(true);
  });

  it('reports the first place where the driver leaves the recorded conversation', async () => {
    const original = await record(createStoredMeasurementDriver('oximeter'), oximeter() as GattLink);
    const at = original.capture.findIndex((e) => e.dir === 'out' && e.channel === '2a52');
    const tampered = original.capture.map((e, i) => (i === at ? { ...e, bytes: Uint8Array.of(0x04, 0x06) } : e));
    const replay = await replaySession(createStoredMeasurementDriver('oximeter'), new ReplayGattLink(tampered), { capture: tampered, hostUtcMs: NOW, timeZone: 'UTC' });
    expect(replay.failure).toBeInstanceOf(ReplayDivergenceError);
    expect(replay.failure).toMatchObject({ code: 'frame', entryIndex: at });
    expect(replay.failure!.message).toMatch(/04 01 on 2a52/);
  });

  it('refuses a file that is not a capture', async () => {
    const path = join(mkdtempSync(join(tmpdir(), 'careloop-replay-')), 'notes.clcap');
    writeFileSync(path, 'not bytes from a device');
    await expect(cli([path, '--driver', 'ble-oximeter'])).rejects.toThrow(/not a CareLoop capture file/);
    await expect(cli([join(FIXTURES, 'ble-oximeter-complete.clcap.gz'), '--driver', 'no-such-device'])).rejects.toThrow(/no driver called 'no-such-device'/);
  });
});

describe('replay of USB HID sessions', () => {
  const HOST = Date.UTC(2026, 3, 1, 9, 30);

  it('replays a complete Contour session to the same readings, and a cut one to the same failure', async () => {
    const complete = await record(createContourDriver() as DeviceDriver<HidLink>, new ContourSimulator() as HidLink, HOST);
    expect(complete.readings).toHaveLength(12);
    const replay = await replaySession(createContourDriver(), new ReplayHidLink(complete.capture), { capture: complete.capture, hostUtcMs: HOST, timeZone: 'UTC' });
    expect(replay.readings).toEqual(complete.readings);
    expect(replay.unreplayed).toBe(0);

    const cut = await record(createContourDriver() as DeviceDriver<HidLink>, new ContourSimulator({ disconnectAtStep: 12 }) as HidLink, HOST);
    expect(cut.failure).toMatchObject({ code: 'unplugged' });
    const again = await replaySession(createContourDriver(), new ReplayHidLink(cut.capture), { capture: cut.capture, hostUtcMs: HOST, timeZone: 'UTC' });
    expect(again.failure).toMatchObject({ code: 'unplugged' });
    expect(again.readings).toEqual(cut.readings);
    expect(wire(again.capture)).toEqual(wire(cut.capture));
  });

  it('names the entry where the host wrote something else than recorded', async () => {
    const complete = await record(createContourDriver() as DeviceDriver<HidLink>, new ContourSimulator() as HidLink, HOST);
    const at = complete.capture.findIndex((e) => e.dir === 'out');
    const tampered = complete.capture.map((e, i) => (i === at ? { ...e, bytes: e.bytes.map((b, j) => (j === 4 ? b ^ 0xff : b)) } : e));
    const replay = await replaySession(createContourDriver(), new ReplayHidLink(tampered), { capture: tampered, hostUtcMs: HOST, timeZone: 'UTC' });
    expect(replay.failure).toBeInstanceOf(ReplayDivergenceError);
    expect((replay.failure as ReplayDivergenceError).entryIndex).toBe(at);
  });
});
