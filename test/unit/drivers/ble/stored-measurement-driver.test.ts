import { describe, expect, it } from 'vitest';
import { createStoredMeasurementDriver, STORED_MEASUREMENT_PROFILES, type StoredMeasurementProfile } from '../../../../electron/devices/drivers/ble/stored-measurement-driver';
import { defaultDeviceCatalog } from '../../../../electron/devices/default-catalog';
import type { DeviceDriver } from '../../../../electron/devices/session/driver';
import { formatDeviceTime } from '../../../../electron/devices/session/device-clock';
import type { GattLink } from '../../../../electron/devices/session/links';
import { runDownload, type DownloadOptions } from '../../../../electron/devices/session/run-download';
import { DeviceError, type DeviceReading, type DownloadEvent } from '../../../../electron/devices/session/types';
import type { BloodPressureFrame, PlxSpotCheckFrame, TemperatureFrame, WeightFrame } from '../../../../native/simulators/ble/frames';
import { SimulatedBloodPressureCuff, SimulatedOximeter, SimulatedScale, SimulatedThermometer } from '../../../../native/simulators/ble/health-devices';
import type { MeasuringDeviceOptions, SimulatedMeasuringDevice } from '../../../../native/simulators/ble/measuring-device';

const NOW = Date.UTC(2026, 10, 24, 10, 0, 0);
const HOUR = 3_600_000;

/** The engine's store reduced to a map keyed by reading id. */
function memoryStore() {
  const rows = new Map<string, DeviceReading>();
  return {
    rows,
    async store(readings: DeviceReading[]) {
      let added = 0;
      for (const r of readings) {
        if (rows.has(r.id)) continue;
        rows.set(r.id, r);
        added++;
      }
      return { added, duplicates: readings.length - added };
    },
  };
}
type Store = ReturnType<typeof memoryStore>;

type AnyDevice = SimulatedMeasuringDevice<unknown>;
type Options = MeasuringDeviceOptions<never> & { racp?: boolean };

interface Case {
  name: string;
  profile: StoredMeasurementProfile;
  family: string;
  serial: string;
  make(o: Options): AnyDevice;
  /** The readings one measurement must become: metric and value, from what the simulator sent. */
  expected(m: unknown): [string, number][];
  racp?: boolean;
}

const cases: Case[] = [
  {
    name: 'blood pressure cuff',
    profile: 'blood-pressure',
    family: 'ble-blood-pressure',
    serial: 'SIMBPM0001',
    make: (o) => new SimulatedBloodPressureCuff(o) as AnyDevice,
    expected: (m) => {
      const f = m as BloodPressureFrame;
      return [
        ['blood-pressure-systolic', f.systolic],
        ['blood-pressure-diastolic', f.diastolic],
        ['blood-pressure-mean', f.meanArterial],
        ['pulse-rate', f.pulseRate!],
      ];
    },
  },
  {
    name: 'thermometer',
    profile: 'thermometer',
    family: 'ble-thermometer',
    serial: 'SIMTHM0001',
    make: (o) => new SimulatedThermometer(o) as AnyDevice,
    expected: (m) => [['body-temperature', (m as TemperatureFrame).value]],
  },
  {
    name: 'scale',
    profile: 'scale',
    family: 'ble-scale',
    serial: 'SIMWSC0001',
    make: (o) => new SimulatedScale(o) as AnyDevice,
    expected: (m) => {
      const f = m as WeightFrame;
      return [
        ['body-weight', f.weight],
        ['bmi', f.bmiAndHeight!.bmi],
        ['body-height', f.bmiAndHeight!.height],
      ];
    },
  },
  {
    name: 'pulse oximeter (stored spot checks by indication)',
    profile: 'oximeter',
    family: 'ble-oximeter',
    serial: 'SIMPLX0001',
    make: (o) => new SimulatedOximeter(o) as AnyDevice,
    expected: (m) => {
      const f = m as PlxSpotCheckFrame;
      return [
        ['spo2', f.spo2],
        ['pulse-rate', f.pulseRate],
        ['perfusion-index', f.pulseAmplitudeIndex!],
      ];
    },
  },
  {
    name: 'pulse oximeter (stored spot checks by RACP)',
    profile: 'oximeter',
    family: 'ble-oximeter',
    serial: 'SIMPLX0001',
    racp: true,
    make: (o) => new SimulatedOximeter({ ...o, racp: true }) as AnyDevice,
    expected: (m) => {
      const f = m as PlxSpotCheckFrame;
      return [
        ['spo2', f.spo2],
        ['pulse-rate', f.pulseRate],
        ['perfusion-index', f.pulseAmplitudeIndex!],
      ];
    },
  },
];

function download(driver: DeviceDriver<GattLink>, sim: AnyDevice, store: Store, extra: Partial<DownloadOptions<GattLink>> = {}) {
  return runDownload<GattLink>({
    driver,
    openLink: async () => sim,
    closeLink: async () => undefined,
    highWater: null,
    hostUtcMs: () => NOW,
    timeZone: 'UTC',
    store: (r) => store.store(r),
    batchSize: 3,
    timeoutMs: 1000,
    ...extra,
  });
}

describe.each(cases)('stored-measurement driver: $name', (c) => {
  const driverOf = () => createStoredMeasurementDriver(c.profile, { quietMs: 0 });
  const device = (o: Options = {}) => c.make({ clock: () => NOW, currentTime: true, records: 5, ...o });

  /** Exactly the device's generated measurements, with their values and true times; nothing else. */
  function expectExactly(store: Store, sim: AnyDevice, skipped: number[] = []) {
    const want = new Map<string, { value: number; utcMs: number }>();
    sim.generated.forEach((g, i) => {
      if (skipped.includes(i)) return;
      for (const [metric, value] of c.expected(g.measurement)) want.set(`${c.serial}:t${formatDeviceTime(g.deviceTime)}:${metric}`, { value, utcMs: g.trueWallMs });
    });
    expect([...store.rows.keys()].sort()).toEqual([...want.keys()].sort());
    for (const [id, w] of want) {
      const row = store.rows.get(id)!;
      expect(row.value).toBeCloseTo(w.value, 9);
      expect(row.utcMs).toBe(w.utcMs);
      expect(row.sequence).toBeUndefined();
    }
  }

  it('downloads every stored measurement with identity, times and per-record progress', async () => {
    const sim = device();
    const store = memoryStore();
    const events: DownloadEvent[] = [];
    const { summary, capture } = await download(driverOf(), sim, store, { emit: (e) => events.push(e) });
    const perMeasurement = c.expected(sim.generated[0]!.measurement).length;
    expect(summary).toMatchObject({ device: { family: c.family, serial: c.serial, firmware: '2.0.1' }, newReadings: 5 * perMeasurement, duplicates: 0, highWater: null, warnings: [] });
    expect(summary.device.model).toMatch(/^CareLoop Simulated /);
    expect(summary.clock).toMatchObject({ offsetMs: 0, skewed: false });
    expectExactly(store, sim);
    const fetchDone = events.flatMap((e) => (e.type === 'progress' && e.step === 'fetch' ? [e.done] : []));
    expect(fetchDone.slice(-5)).toEqual([1, 2, 3, 4, 5]);
    if (c.racp) {
      expect((sim as unknown as SimulatedOximeter).requests).toEqual([
        { op: 'report-count', filter: { kind: 'all' } },
        { op: 'report-records', filter: { kind: 'all' } },
      ]);
      expect(sim.storedCount).toBe(5); // RACP reports without deleting
    } else {
      expect(sim.storedCount).toBe(0);
    }
    // The raw capture keeps each measurement frame on its characteristic's channel.
    expect(capture.filter((e) => e.dir === 'in' && e.channel === STORED_MEASUREMENT_PROFILES[c.profile].measurement)).toHaveLength(5);
  });

  it('adds nothing when the same measurements are downloaded again', async () => {
    const driver = driverOf();
    const store = memoryStore();
    const sim = device();
    const first = await download(driver, sim, store);
    const again = await download(driver, sim, store);
    expect(again.summary.newReadings).toBe(0);
    // A device that still holds the same measurements (opened again, or a RACP oximeter) yields only duplicates.
    const twin = await download(driver, device(), store);
    expect(twin.summary).toMatchObject({ newReadings: 0, duplicates: first.summary.newReadings, highWater: null });
    expectExactly(store, sim);
  });

  it('ends with exactly the device’s measurements after a disconnect at every step and a retry', async () => {
    const probe = device();
    await download(driverOf(), probe, memoryStore());
    const steps = probe.steps;
    expect(steps).toBeGreaterThan(10);
    let interrupted = 0;
    for (let k = 1; k <= steps; k++) {
      const driver = driverOf();
      const sim = device({ disconnectAtStep: k });
      const store = memoryStore();
      try {
        await download(driver, sim, store);
      } catch (err) {
        expect(err).toBeInstanceOf(DeviceError);
        expect((err as DeviceError).code).toBe('unplugged');
        interrupted++;
      }
      sim.reconnect();
      await download(driver, sim, store);
      expectExactly(store, sim);
    }
    // Even a drop while letting go of the subscriptions fails the attempt: the transfer was not closed.
    expect(interrupted).toBe(steps);
  });

  it('corrects a skewed device clock read from Current Time, and sets it when asked', async () => {
    const sim = device({ clockSkewMs: -2 * HOUR - 30_000 });
    const store = memoryStore();
    const { summary } = await download(driverOf(), sim, store, { setClockIfSkewed: true });
    expect(summary.clock).toMatchObject({ offsetMs: 2 * HOUR + 30_000, skewed: true });
    expect(summary.warnings).toEqual(['The device clock is 121 minutes behind; readings were corrected.', 'The device clock was set to the workstation time.']);
    expectExactly(store, sim); // corrected UTC is when each measurement was really taken
    const first = [...store.rows.values()][0]!;
    expect(first.deviceTimeRaw).toBe(formatDeviceTime(sim.generated[0]!.deviceTime));
    expect(first.clockOffsetMs).toBe(2 * HOUR + 30_000);
    expect(sim.clockSkewMs).toBe(0);
  });

  it('without Current Time reports no device clock and keeps the time stamps as they are', async () => {
    const sim = device({ currentTime: false, clockSkewMs: HOUR });
    const store = memoryStore();
    const { summary } = await download(driverOf(), sim, store);
    expect(summary.clock).toBeNull();
    expect(summary.warnings).toEqual(['The device did not report its clock; its times were taken as correct.']);
    const g = sim.generated[0]!;
    const row = store.rows.get(`${c.serial}:t${formatDeviceTime(g.deviceTime)}:${c.expected(g.measurement)[0]![0]}`)!;
    expect(row.utcMs).toBe(g.trueWallMs + HOUR);
  });

  it('reports a corrupted frame as a typed frame error, stores nothing, and a retry brings the rest', async () => {
    const driver = driverOf();
    const sim = device({ corruptIndex: 2 });
    const store = memoryStore();
    await expect(download(driver, sim, store)).rejects.toMatchObject({ name: 'DeviceError', code: 'frame' });
    expect(store.rows.size).toBe(0);
    await download(driver, sim, store);
    // Indicated measurements have left the device: the corrupted one is lost (it stays in the raw capture); a RACP oximeter sends it again.
    expectExactly(store, sim, c.racp ? [] : [2]);
  });
});

describe('stored-measurement driver identity', () => {
  it('refuses a device without serial number or system id', async () => {
    const sim = new SimulatedThermometer({ records: 1 });
    sim.define('180a', '2a25', {});
    await expect(download(createStoredMeasurementDriver('thermometer', { quietMs: 0 }), sim as AnyDevice, memoryStore())).rejects.toMatchObject({ code: 'unsupported-device' });
  });

  it('keeps the scale’s resolution from its Weight Scale Feature with each weight', async () => {
    const sim = new SimulatedScale({ records: 1, weightResolutionCode: 7 });
    const store = memoryStore();
    await download(createStoredMeasurementDriver('scale', { quietMs: 0 }), sim as AnyDevice, store);
    const weight = [...store.rows.values()].find((r) => r.metric === 'body-weight')!;
    expect(weight.extra).toMatchObject({ weightResolution: 0.005, userId: 1 });
  });
});

describe('stored-measurement driver timing', () => {
  it('waits out the quiet period: a measurement indicated shortly after the stored ones is part of the transfer', async () => {
    const sim = new SimulatedThermometer({ clock: () => NOW, records: 2 });
    const store = memoryStore();
    let late: ReturnType<typeof setTimeout> | undefined;
    const run = download(createStoredMeasurementDriver('thermometer', { quietMs: 300 }), sim as AnyDevice, store, {
      emit: (e) => {
        if (e.type === 'progress' && e.step === 'fetch' && e.done === 2) late = setTimeout(() => void sim.measure({ value: 38.2, unit: 'Cel', exponent: -1, time: { year: 2026, month: 11, day: 24, hours: 9, minutes: 58, seconds: 0 } }), 5);
      },
    });
    const { summary } = await run;
    clearTimeout(late);
    expect(summary.newReadings).toBe(3);
    expect(store.rows.get('SIMTHM0001:t2026-11-24T09:58:00:body-temperature')!.value).toBeCloseTo(38.2, 9);
  });
});

describe('training simulators in the device catalog', () => {
  it.each([
    ['ble-blood-pressure-cuff', 'ble-blood-pressure', 4],
    ['ble-thermometer', 'ble-thermometer', 1],
    ['ble-scale', 'ble-scale', 3],
    ['ble-pulse-oximeter', 'ble-oximeter', 3],
  ])('%s downloads its measurements, and opening it again adds nothing', async (name, family, perMeasurement) => {
    const catalog = defaultDeviceCatalog();
    expect(catalog.simulators().find((s) => s.name === name)).toMatchObject({ family, transport: 'ble', mode: 'download' });
    const target = { kind: 'simulated' as const, simulator: name, serial: 'TRAIN-1', records: 4 };
    const store = memoryStore();
    const once = async () => {
      let opened: Awaited<ReturnType<typeof catalog.open>> | undefined;
      return runDownload<unknown>({
        driver: catalog.driverFor(target),
        openLink: async () => (opened = await catalog.open(target, { timeZone: 'UTC' })).link,
        closeLink: async () => opened?.close(),
        highWater: null,
        hostUtcMs: () => NOW,
        timeZone: 'UTC',
        store: (r) => store.store(r),
      });
    };
    expect((await once()).summary).toMatchObject({ device: { family, serial: 'TRAIN-1' }, newReadings: 4 * perMeasurement });
    expect((await once()).summary).toMatchObject({ newReadings: 0, duplicates: 4 * perMeasurement });
  });
});
