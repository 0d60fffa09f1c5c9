import { describe, expect, it } from 'vitest';
import { decodeBloodPressureMeasurement } from '../../../../electron/devices/drivers/ble/blood-pressure-measurement';
import { decodeHeartRateMeasurement, type HeartRateMeasurement } from '../../../../electron/devices/drivers/ble/heart-rate-measurement';
import { decodePlxContinuous } from '../../../../electron/devices/drivers/ble/plx-continuous';
import { decodePlxSpotCheck } from '../../../../electron/devices/drivers/ble/plx-spot-check';
import { decodeTemperatureMeasurement } from '../../../../electron/devices/drivers/ble/temperature-measurement';
import { decodeWeightMeasurement } from '../../../../electron/devices/drivers/ble/weight-measurement';
import { decodeWeightScaleFeature } from '../../../../electron/devices/drivers/ble/weight-scale-feature';
import { DecodeError } from '../../../../electron/devices/drivers/types';
import { SimulatedBloodPressureCuff, SimulatedOximeter, SimulatedScale, SimulatedThermometer } from '../../../../native/simulators/ble/health-devices';
import { SimulatedHeartRateStrap } from '../../../../native/simulators/ble/heart-rate-strap';

describe('simulated heart-rate strap', () => {
  it('notifies once per simulated second with the RR intervals that ended in it', async () => {
    const strap = new SimulatedHeartRateStrap({ rrMs: [750, 1000], energyKjPerMinute: 60 });
    const got: HeartRateMeasurement[] = [];
    strap.tick(5000); // nobody listening: nothing sent, time still moves
    await strap.subscribe('180d', '2a37', (v) => got.push(decodeHeartRateMeasurement(v)));
    strap.tick(999);
    expect(got).toHaveLength(0);
    strap.tick(3001);
    expect(got).toHaveLength(4);
    // Beats end at 750, 1750, 2500, 3500, 4250, 5250, 6000, 7000, 7750, 8750 ms; a beat on the second is in that second.
    expect(got.map((m) => m.rrIntervalsMs)).toEqual([[1000, 750], [1000], [750], [1000]]);
    expect(got.map((m) => m.heartRate)).toEqual([69, 60, 80, 60]);
    expect(got.every((m) => m.sensorContact === 'detected')).toBe(true);
    expect(got.map((m) => m.energyExpendedKj)).toEqual([6, 7, 8, 9]);
  });

  it('reports lost contact, a steady rate, the uint16 format, and drops at step K', async () => {
    const strap = new SimulatedHeartRateStrap({ bpm: 120, sensorContact: 'not-detected', uint16: true, disconnectAtStep: 4 });
    const got: HeartRateMeasurement[] = [];
    await strap.subscribe('180d', '2a37', (v) => got.push(decodeHeartRateMeasurement(v)));
    strap.tick(2000);
    expect(got.map((m) => [m.heartRate, m.rrIntervalsMs])).toEqual([
      [120, [500, 500]],
      [120, [500, 500]],
    ]);
    expect(got[0]!.readings[0]!.flags).toEqual(['sensor-contact-lost']);
    expect(() => strap.tick(1000)).toThrow(/disconnected/);
  });

  it('sends the chosen notification one byte short', async () => {
    const strap = new SimulatedHeartRateStrap({ bpm: 60, corruptNotification: 2 });
    const frames: Uint8Array[] = [];
    await strap.subscribe('180d', '2a37', (v) => frames.push(v));
    strap.tick(3000);
    expect(frames.map((f) => f.length)).toEqual([4, 3, 4]);
    expect(() => decodeHeartRateMeasurement(frames[1]!)).toThrow(DecodeError);
  });
});

describe('simulated measuring devices', () => {
  const t = { year: 2026, month: 4, day: 1, hours: 7, minutes: 0, seconds: 0 };

  it('blood pressure cuff indicates stored measurements on subscribe, then new ones', async () => {
    const cuff = new SimulatedBloodPressureCuff({ stored: [{ unit: 'mmHg', systolic: 141, diastolic: 92, meanArterial: 108, time: t, pulseRate: 77, measurementStatus: 0x04 }] });
    const got: ReturnType<typeof decodeBloodPressureMeasurement>[] = [];
    await cuff.subscribe('1810', '2a35', (v) => got.push(decodeBloodPressureMeasurement(v)));
    expect(got).toHaveLength(1);
    expect(got[0]).toMatchObject({ systolic: 141, diastolic: 92, deviceTime: t, pulseRate: 77 });
    expect(got[0]!.readings[0]!.flags).toEqual(['irregular-pulse']);
    await cuff.measure({ unit: 'kPa', exponent: -1, systolic: 16.5, diastolic: 10.1, meanArterial: 12.2 });
    expect(got[1]).toMatchObject({ unit: 'kPa', systolic: 16.5 });
    expect(cuff.storedCount).toBe(0);
  });

  it('keeps a measurement stored when the link drops while indicating it, and can corrupt one', async () => {
    const cuff = new SimulatedBloodPressureCuff({ stored: [{ unit: 'mmHg', systolic: 120, diastolic: 80, meanArterial: 93 }], disconnectAtStep: 2 });
    await expect(cuff.subscribe('1810', '2a35', () => undefined)).rejects.toMatchObject({ code: 'unplugged' });
    expect(cuff.storedCount).toBe(1);
    const therm = new SimulatedThermometer({ stored: [{ value: 37, unit: 'Cel' }], corruptIndex: 0 });
    const frames: Uint8Array[] = [];
    await therm.subscribe('1809', '2a1c', (v) => frames.push(v));
    expect(() => decodeTemperatureMeasurement(frames[0]!)).toThrow(DecodeError);
  });

  it('thermometer and scale send their measurements; the scale reports its feature', async () => {
    const therm = new SimulatedThermometer();
    const temps: number[] = [];
    await therm.subscribe('1809', '2a1c', (v) => temps.push(decodeTemperatureMeasurement(v).value));
    await therm.measure({ value: 38.4, unit: 'Cel', time: t, type: 6 });
    expect(temps).toEqual([38.4]);

    const scale = new SimulatedScale({ stored: [{ unit: 'kg', weight: 81.35, time: t, userId: 1, bmiAndHeight: { bmi: 26.1, height: 1.765 } }] });
    const feature = decodeWeightScaleFeature(await scale.read('181d', '2a9e'));
    expect(feature).toMatchObject({ bmiSupported: true, weightResolutionKg: 0.05, heightResolutionM: 0.001 });
    const weights: ReturnType<typeof decodeWeightMeasurement>[] = [];
    await scale.subscribe('181d', '2a9d', (v) => weights.push(decodeWeightMeasurement(v, feature)));
    expect(weights[0]).toMatchObject({ weight: 81.35, bmi: 26.1, height: 1.765, userId: 1 });
  });

  it('oximeter indicates spot checks and notifies continuous readings each second', async () => {
    const ox = new SimulatedOximeter({ stored: [{ spo2: 95, pulseRate: 88, pulseAmplitudeIndex: 1.9 }], continuous: (s) => ({ normal: { spo2: 96 + (s % 2), pulseRate: 70 }, deviceSensorStatus: s === 2 ? 0x20 : 0 }) });
    const spot: ReturnType<typeof decodePlxSpotCheck>[] = [];
    const cont: ReturnType<typeof decodePlxContinuous>[] = [];
    await ox.subscribe('1822', '2a5e', (v) => spot.push(decodePlxSpotCheck(v)));
    await ox.subscribe('1822', '2a5f', (v) => cont.push(decodePlxContinuous(v)));
    expect(spot[0]).toMatchObject({ spo2: 95, pulseRate: 88, pulseAmplitudeIndex: 1.9 });
    ox.tick(2500);
    expect(cont.map((c) => c.normal.spo2)).toEqual([97, 96]);
    expect(cont[1]!.readings[0]!.flags).toEqual(['low-perfusion']);
  });
});
