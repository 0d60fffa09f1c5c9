import { describe, expect, it } from 'vitest';
import { createFreeStyleDriver, FreeStyleCommandFailed } from '../../../../electron/devices/drivers/freestyle/driver';
import type { FreeStyleModel } from '../../../../electron/devices/drivers/freestyle/records';
import { runDownload } from '../../../../electron/devices/session/run-download';
import { FreeStyleSimulator } from '../../../../native/simulators/hid/freestyle-simulator';
import { generateGlucoseRecords, type SimGlucoseRecord } from '../../../../native/simulators/hid/glucose-records';
import { deviceErrorOf, download, HOST_NOW, MemoryStore } from '../../simulators/hid/harness';

function expectExactly(store: MemoryStore, serial: string, records: readonly SimGlucoseRecord[]) {
  expect(store.rows.size).toBe(records.length);
  for (const r of records) {
    const row = store.rows.get(`${serial}:s${r.sequence}:glucose`);
    expect(row, `record ${r.sequence}`).toBeDefined();
    expect(row!.value).toBe(Math.round(r.value));
    expect(row!.deviceTime).toEqual(r.time);
  }
}

describe('FreeStyle driver through runDownload', () => {
  for (const model of ['precision-neo', 'insulinx', 'libre'] as FreeStyleModel[]) {
    it(`downloads every record of a ${model}`, async () => {
      const sim = new FreeStyleSimulator({ model });
      const store = new MemoryStore();
      const { summary, capture } = await download(createFreeStyleDriver({ model }), sim, store);
      expect(summary.device).toMatchObject({ family: 'freestyle', serial: sim.serial, firmware: '1.43 2016-02-11' });
      expect(summary.newReadings).toBe(12);
      expect(summary.clock).toMatchObject({ offsetMs: 0, skewed: false });
      expectExactly(store, sim.serial, sim.records);
      expect(capture.every((c) => c.bytes.length === 64)).toBe(true);
      expect(sim.queued).toBe(0);
    });
  }

  it('sends the init sequence 0x04, 0x05, 0x15, 0x01 before any text command', async () => {
    const sim = new FreeStyleSimulator();
    const { capture } = await download(createFreeStyleDriver(), sim, new MemoryStore());
    const out = capture.filter((c) => c.dir === 'out').map((c) => c.bytes[0]);
    expect(out.slice(0, 5)).toEqual([0x04, 0x05, 0x15, 0x01, 0x60]);
    expect(sim.commands).toEqual(['$serlnum?', '$swver?', '$date?', '$time?', '$result?']);
  });

  it('resumes: a second download adds only records with a higher id', async () => {
    const driver = createFreeStyleDriver();
    const all = generateGlucoseRecords({ count: 20 });
    const store = new MemoryStore();
    await download(driver, new FreeStyleSimulator({ records: all.slice(0, 13) }), store);
    const { summary } = await download(driver, new FreeStyleSimulator({ records: all }), store);
    expect(summary.newReadings).toBe(7);
    expect(summary.highWater).toBe(20);
    expectExactly(store, 'CAGX123-E4567', all);
  });

  it('survives a disconnect at every step: the retry ends with exactly the meter records', async () => {
    const driver = createFreeStyleDriver();
    const records = generateGlucoseRecords({ count: 9 });
    const probe = new FreeStyleSimulator({ records });
    await download(driver, probe, new MemoryStore());
    const steps = probe.steps;
    expect(steps).toBeGreaterThan(15);
    for (let k = 1; k <= steps; k++) {
      const store = new MemoryStore();
      const err = await deviceErrorOf(download(driver, new FreeStyleSimulator({ records, disconnectAtStep: k }), store));
      expect(err.code, `step ${k}`).toBe('unplugged');
      await download(driver, new FreeStyleSimulator({ records }), store);
      expectExactly(store, probe.serial, records);
    }
  });

  it('asks again after a reply with a bad checksum', async () => {
    const sim = new FreeStyleSimulator({ corruptReply: 5 });
    const store = new MemoryStore();
    await download(createFreeStyleDriver(), sim, store);
    expect(sim.commands).toEqual(['$serlnum?', '$swver?', '$date?', '$time?', '$result?', '$result?']);
    expectExactly(store, sim.serial, sim.records);
  });

  it('skips the synchronisation packets of a busy meter', async () => {
    const sim = new FreeStyleSimulator({ busy: 3 });
    const store = new MemoryStore();
    await download(createFreeStyleDriver(), sim, store);
    expectExactly(store, sim.serial, sim.records);
  });

  it('detects a skewed clock, corrects the times and sets the meter clock when staff chose so', async () => {
    // The meter shows 10:15 while it is 09:30 UTC: 45 minutes ahead.
    const sim = new FreeStyleSimulator({ meterNow: { year: 2026, month: 4, day: 1, hours: 10, minutes: 15, seconds: 0 } });
    const store = new MemoryStore();
    const { summary } = await download(createFreeStyleDriver(), sim, store, { setClockIfSkewed: true });
    expect(summary.clock).toMatchObject({ offsetMs: -45 * 60_000, skewed: true });
    expect(summary.warnings).toContain('The device clock was set to the workstation time.');
    expect(sim.commands).toContain('$date,4,1,26');
    expect(sim.commands).toContain('$time,9,30');
    expect(sim.meterNow).toEqual({ year: 2026, month: 4, day: 1, hours: 9, minutes: 30, seconds: 0 });
    expect(store.rows.get(`${sim.serial}:s1:glucose`)!.utcMs).toBe(Date.UTC(2026, 2, 1, 6, 15));
    expect(HOST_NOW).toBe(Date.UTC(2026, 3, 1, 9, 30));
  });

  it('reports a meter without a set clock and takes its times as they are', async () => {
    const sim = new FreeStyleSimulator({ meterNow: null });
    const { summary } = await download(createFreeStyleDriver(), sim, new MemoryStore());
    expect(summary.clock).toBeNull();
    expect(summary.warnings.join(' ')).toContain('did not report its clock');
  });

  it('turns CMD Fail! into a typed error', async () => {
    const err = await deviceErrorOf(download(createFreeStyleDriver(), new FreeStyleSimulator({ cmdFail: ['$result?'] }), new MemoryStore()));
    expect(err).toBeInstanceOf(FreeStyleCommandFailed);
    expect(err.code).toBe('unsupported-device');
    const setFail = new FreeStyleSimulator({ cmdFail: ['$date,'], meterNow: { year: 2026, month: 4, day: 1, hours: 7, minutes: 0, seconds: 0 } });
    const e2 = await deviceErrorOf(download(createFreeStyleDriver(), setFail, new MemoryStore(), { setClockIfSkewed: true }));
    expect(e2.message).toContain('$date,4,1,26');
  });

  it('refuses a device that rejects the init sequence', async () => {
    const driver = createFreeStyleDriver();
    const err = await deviceErrorOf(
      runDownload({
        driver,
        openLink: async () => ({ write: async () => undefined, read: async () => Uint8Array.of(0x30, 0x01, 0x85) }),
        closeLink: async () => undefined,
        highWater: null,
        hostUtcMs: () => HOST_NOW,
        timeZone: 'UTC',
        store: async () => ({ added: 0, duplicates: 0 }),
      }),
    );
    expect(err.code).toBe('unsupported-device');
  });
});
