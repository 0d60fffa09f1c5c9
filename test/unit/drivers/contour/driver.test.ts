import { describe, expect, it } from 'vitest';
import { createContourDriver } from '../../../../electron/devices/drivers/contour/driver';
import { decodeContourReport } from '../../../../electron/devices/drivers/contour/hid-report';
import { NAK } from '../../../../electron/devices/drivers/contour/astm-frame';
import { ContourSimulator } from '../../../../native/simulators/hid/contour-simulator';
import { generateGlucoseRecords, type SimGlucoseRecord } from '../../../../native/simulators/hid/glucose-records';
import { deviceErrorOf, download, HOST_NOW, MemoryStore } from '../../simulators/hid/harness';

const driver = createContourDriver();

function expectExactly(store: MemoryStore, serial: string, records: readonly SimGlucoseRecord[]) {
  expect(store.rows.size).toBe(records.length);
  for (const r of records) {
    const row = store.rows.get(`${serial}:s${r.sequence}:glucose`);
    expect(row, `record ${r.sequence}`).toBeDefined();
    expect(row!.value).toBe(r.value);
    expect(row!.unit).toBe(r.unit);
    expect(row!.deviceTime).toEqual(r.time);
  }
}

describe('Contour Next USB driver through runDownload', () => {
  it('downloads every record with identity, meter clock and markers', async () => {
    const sim = new ContourSimulator();
    const store = new MemoryStore();
    const { summary, capture } = await download(driver, sim, store);
    expect(summary.device).toEqual({ family: 'contour', model: 'Contour Next USB', serial: '7410-1234567', firmware: '01.24/01.04/09.02.20' });
    expect(summary.newReadings).toBe(12);
    expect(summary.highWater).toBe(12);
    expect(summary.clock).toMatchObject({ offsetMs: 0, skewed: false });
    expectExactly(store, sim.serial, sim.records);
    const control = [...store.rows.values()].filter((r) => r.flags.includes('control-solution'));
    expect(control.map((r) => r.sequence)).toEqual(sim.records.filter((r) => r.markers.includes('C')).map((r) => r.sequence));
    expect(store.rows.get(`${sim.serial}:s2:glucose`)!.extra).toMatchObject({ meal: 'before-meal' });
    // Every byte crossed the wire as 64-byte reports and was captured.
    expect(capture.every((c) => c.bytes.length === 64)).toBe(true);
    expect(sim.queued).toBe(0);
  });

  it('reads mmol/L meters and records split over ETB frames', async () => {
    const records = generateGlucoseRecords({ count: 5, unit: 'mmol/L' });
    const sim = new ContourSimulator({ records, unit: 'mmol/L', maxFrameText: 17 });
    expect(sim.frames.length).toBeGreaterThan(records.length * 2);
    const store = new MemoryStore();
    await download(driver, sim, store);
    expectExactly(store, sim.serial, records);
  });

  it('resumes: a second download adds only the new records', async () => {
    const all = generateGlucoseRecords({ count: 15 });
    const store = new MemoryStore();
    await download(driver, new ContourSimulator({ records: all.slice(0, 9) }), store);
    expect(store.highWater).toBe(9);
    const { summary } = await download(driver, new ContourSimulator({ records: all }), store);
    expect(summary.newReadings).toBe(6);
    expect(summary.highWater).toBe(15);
    expectExactly(store, '7410-1234567', all);
    const again = await download(driver, new ContourSimulator({ records: all }), store);
    expect(again.summary.newReadings).toBe(0);
  });

  it('survives a disconnect at every step: the retry ends with exactly the meter records', async () => {
    const records = generateGlucoseRecords({ count: 6 });
    const probe = new ContourSimulator({ records });
    await download(driver, probe, new MemoryStore());
    const steps = probe.steps;
    expect(steps).toBeGreaterThan(20);
    for (let k = 1; k <= steps; k++) {
      const store = new MemoryStore();
      const err = await deviceErrorOf(download(driver, new ContourSimulator({ records, disconnectAtStep: k }), store));
      expect(err.code, `step ${k}`).toBe('unplugged');
      await download(driver, new ContourSimulator({ records }), store);
      expectExactly(store, probe.serial, records);
    }
  });

  it('NAKs a corrupted frame and takes the resent one', async () => {
    const sim = new ContourSimulator({ corruptFrame: 4 });
    const store = new MemoryStore();
    const { capture } = await download(driver, sim, store);
    const naks = capture.filter((c) => c.dir === 'out' && decodeContourReport(c.bytes).payload[0] === NAK);
    expect(naks.length).toBe(1);
    expectExactly(store, sim.serial, sim.records);
  });

  it('waits out a busy meter within the retries and gives up beyond them', async () => {
    const store = new MemoryStore();
    await download(driver, new ContourSimulator({ busy: 2 }), store);
    expect(store.rows.size).toBe(12);
    const err = await deviceErrorOf(download(driver, new ContourSimulator({ busy: 3 }), new MemoryStore()));
    expect(err.code).toBe('busy');
  });

  it('detects a skewed meter clock and corrects the times; it cannot set the clock', async () => {
    // The meter shows 07:30 while it is 09:30 in UTC: two hours behind.
    const sim = new ContourSimulator({ meterNow: { year: 2026, month: 4, day: 1, hours: 7, minutes: 30, seconds: 0 } });
    const store = new MemoryStore();
    const { summary } = await download(driver, sim, store, { setClockIfSkewed: true });
    expect(summary.clock).toMatchObject({ offsetMs: 2 * 3_600_000, skewed: true });
    expect(summary.warnings.join(' ')).toContain('120 minutes behind');
    expect(summary.warnings.join(' ')).not.toContain('was set');
    const first = store.rows.get(`${sim.serial}:s1:glucose`)!;
    expect(first.utcMs).toBe(Date.UTC(2026, 2, 1, 9, 0));
    expect(HOST_NOW).toBe(Date.UTC(2026, 3, 1, 9, 30));
  });

  it('fails with a timeout, never hangs, when the meter stops answering', async () => {
    const sim = new ContourSimulator();
    const err = await deviceErrorOf(download(driver, { write: async () => undefined, read: (ms: number) => sim.read(ms) }, new MemoryStore()));
    expect(err.code).toBe('timeout');
  });
});
