import { describe, expect, it } from 'vitest';
import { createBleGlucoseDriver } from '../../../../electron/devices/drivers/ble/ble-glucose-driver';
import { runDownload, type DownloadOptions } from '../../../../electron/devices/session/run-download';
import type { GattLink } from '../../../../electron/devices/session/links';
import { DeviceError, type DeviceReading, type DownloadEvent } from '../../../../electron/devices/session/types';
import { SimulatedGlucoseMeter, type GlucoseMeterOptions } from '../../../../native/simulators/ble/glucose-meter';

const NOW = Date.UTC(2026, 10, 24, 10, 0, 0);
const HOUR = 3_600_000;

/** The store of the engine, reduced to a map keyed by reading id plus the device's high-water mark. */
function memoryStore() {
  const rows = new Map<string, DeviceReading>();
  let highWater: number | null = null;
  return {
    rows,
    get highWater() {
      return highWater;
    },
    async store(readings: DeviceReading[], hw: number | null) {
      let added = 0;
      let duplicates = 0;
      for (const r of readings) {
        if (rows.has(r.id)) duplicates++;
        else {
          rows.set(r.id, r);
          added++;
        }
      }
      highWater = hw;
      return { added, duplicates };
    },
  };
}

function meter(options: GlucoseMeterOptions = {}) {
  return new SimulatedGlucoseMeter({ clock: () => NOW, ...options });
}

function download(sim: SimulatedGlucoseMeter, store: ReturnType<typeof memoryStore>, extra: Partial<DownloadOptions<GattLink>> = {}) {
  return runDownload<GattLink>({
    driver: createBleGlucoseDriver(),
    openLink: async () => sim,
    closeLink: async () => undefined,
    highWater: store.highWater,
    hostUtcMs: () => NOW,
    timeZone: 'UTC',
    store: (r, hw) => store.store(r, hw),
    batchSize: 2,
    timeoutMs: 1000,
    ...extra,
  });
}

/** The meter's records exactly: one row per record, same value, same true time, nothing else. */
function expectExactly(store: ReturnType<typeof memoryStore>, sim: SimulatedGlucoseMeter) {
  expect([...store.rows.keys()].sort()).toEqual(sim.records.map((r) => `SIMGLU0001:s${r.sequence}:glucose`).sort());
  for (const rec of sim.records) {
    const row = store.rows.get(`SIMGLU0001:s${rec.sequence}:glucose`)!;
    expect(row).toMatchObject({ metric: 'glucose', value: rec.value, unit: rec.unit, sequence: rec.sequence, utcMs: rec.trueWallMs });
  }
}

describe('BLE glucose driver over the simulated meter', () => {
  it('downloads every record with identity, contexts, times and per-record progress', async () => {
    const sim = meter({ records: 12 });
    const store = memoryStore();
    const events: DownloadEvent[] = [];
    const { summary, capture } = await download(sim, store, { emit: (e) => events.push(e) });
    expect(summary).toMatchObject({ device: { family: 'ble-glucose', model: 'CareLoop Simulated GL-50 sim', serial: 'SIMGLU0001', firmware: '1.4.2' }, newReadings: 12, duplicates: 0, highWater: 12, warnings: [] });
    expect(summary.clock).toMatchObject({ offsetMs: 0, skewed: false });
    expectExactly(store, sim);
    // Every third record carries a Glucose Measurement Context, merged by sequence number.
    expect(store.rows.get('SIMGLU0001:s3:glucose')!.extra).toMatchObject({ meal: 'casual', carbohydrate: 'breakfast', carbohydrateG: 55, type: 'capillary-whole-blood', sampleLocation: 'finger' });
    expect(store.rows.get('SIMGLU0001:s4:glucose')!.extra).not.toHaveProperty('meal');
    const fetch = events.filter((e) => e.type === 'progress' && e.step === 'fetch').map((e) => (e.type === 'progress' ? e.done : -1));
    expect(fetch).toEqual([0, 0, ...Array.from({ length: 12 }, (_, i) => i + 1)]);
    expect(sim.requests).toEqual([
      { op: 'report-count', filter: { kind: 'all' } },
      { op: 'report-records', filter: { kind: 'all' } },
    ]);
    expect(capture.some((c) => c.channel === '2a52' && c.dir === 'out')).toBe(true);
  });

  it('resumes from the high-water mark: only the new records, then nothing', async () => {
    const sim = meter({ records: 5 });
    const store = memoryStore();
    await download(sim, store);
    sim.addRecords(3);
    const second = await download(sim, store);
    expect(second.summary).toMatchObject({ newReadings: 3, duplicates: 0, highWater: 8 });
    expect(sim.requests.slice(-2)).toEqual([
      { op: 'report-count', filter: { kind: 'at-least', sequence: 6 } },
      { op: 'report-records', filter: { kind: 'at-least', sequence: 6 } },
    ]);
    expectExactly(store, sim);
    const third = await download(sim, store);
    expect(third.summary).toMatchObject({ newReadings: 0, highWater: 8 });
    // Nothing to send: the driver stops after the count.
    expect(sim.requests.at(-1)).toEqual({ op: 'report-count', filter: { kind: 'at-least', sequence: 9 } });
  });

  it('ends with exactly the meter’s records after a disconnect at every step and a retry', async () => {
    const undisturbed = meter({ records: 6 });
    await download(undisturbed, memoryStore());
    const steps = undisturbed.steps;
    expect(steps).toBeGreaterThan(15);
    let interrupted = 0;
    for (let k = 1; k <= steps; k++) {
      const sim = meter({ records: 6, disconnectAtStep: k });
      const store = memoryStore();
      try {
        await download(sim, store);
      } catch (err) {
        expect(err).toBeInstanceOf(DeviceError);
        expect((err as DeviceError).code).toBe('unplugged');
        interrupted++;
      }
      sim.reconnect();
      await download(sim, store);
      expectExactly(store, sim);
    }
    // Only a drop while unsubscribing at the very end lets the first attempt finish.
    expect(interrupted).toBe(steps - 3);
  });

  it('resumes a later download cut at any step: the new records once, the old ones untouched', async () => {
    const probe = meter({ records: 4 });
    await download(probe, memoryStore());
    probe.addRecords(4);
    const before = probe.steps;
    await download(probe, memoryStore());
    const secondSteps = probe.steps - before;
    for (let k = 1; k <= secondSteps; k++) {
      const sim = meter({ records: 4 });
      const store = memoryStore();
      await download(sim, store);
      const firstRows = new Map(store.rows);
      sim.addRecords(4);
      sim.disconnectAfter(k);
      await download(sim, store).catch((err: unknown) => expect(err).toMatchObject({ code: 'unplugged' }));
      sim.reconnect();
      await download(sim, store);
      expectExactly(store, sim);
      for (const [id, row] of firstRows) expect(store.rows.get(id)).toBe(row);
    }
  });

  it('detects a skewed meter clock, corrects the times, and sets the clock when asked', async () => {
    const sim = meter({ records: 3, clockSkewMs: -2 * HOUR - 30_000 });
    const store = memoryStore();
    const { summary } = await download(sim, store, { setClockIfSkewed: true });
    expect(summary.clock).toMatchObject({ offsetMs: 2 * HOUR + 30_000, skewed: true });
    expect(summary.warnings).toEqual(['The device clock is 121 minutes behind; readings were corrected.', 'The device clock was set to the workstation time.']);
    expectExactly(store, sim); // corrected UTC equals when each sample was really taken
    const first = store.rows.get('SIMGLU0001:s1:glucose')!;
    expect(first.deviceTimeRaw).toBe('2026-11-24T00:59:30');
    expect(first.clockOffsetMs).toBe(2 * HOUR + 30_000);
    expect(sim.clockSkewMs).toBe(0);
  });

  it('warns when the meter has no clock to read, and takes its times as they are', async () => {
    const sim = meter({ records: 2, currentTime: false });
    const store = memoryStore();
    const { summary } = await download(sim, store);
    expect(summary.clock).toBeNull();
    expect(summary.warnings).toEqual(['The device did not report its clock; its times were taken as correct.']);
    expect(summary.newReadings).toBe(2);
  });

  it('reports a corrupted record as a frame error and stores nothing', async () => {
    const sim = meter({ records: 4, corruptSequence: 3 });
    const store = memoryStore();
    await expect(download(sim, store)).rejects.toMatchObject({ name: 'DeviceError', code: 'frame' });
    expect(store.rows.size).toBe(0);
  });

  it('aborts the transfer with RACP when the nurse cancels mid-download', async () => {
    const sim = meter({ records: 10 });
    const store = memoryStore();
    let cancel = false;
    const run = download(sim, store, {
      cancelled: () => cancel,
      emit: (e) => {
        if (e.type === 'progress' && e.step === 'fetch' && e.done === 3) cancel = true;
      },
    });
    await expect(run).rejects.toMatchObject({ code: 'cancelled' });
    expect(sim.requests.at(-1)).toEqual({ op: 'abort' });
    expect(store.rows.size).toBe(0);
  });

  it('refuses a meter without serial number or system id', async () => {
    const sim = meter({ records: 1 });
    // A peripheral whose Device Information lacks the serial: redefine it as unreadable.
    sim.define('180a', '2a25', {});
    await expect(download(sim, memoryStore())).rejects.toMatchObject({ code: 'unsupported-device' });
  });
});
