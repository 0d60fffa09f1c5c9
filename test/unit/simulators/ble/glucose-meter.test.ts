import { describe, expect, it } from 'vitest';
import { decodeCurrentTime, encodeCurrentTime } from '../../../../electron/devices/drivers/ble/current-time';
import { decodeGlucoseContext } from '../../../../electron/devices/drivers/ble/glucose-context';
import { decodeGlucoseMeasurement } from '../../../../electron/devices/drivers/ble/glucose-measurement';
import { decodeRacpResponse, encodeRacpRequest, type RacpRequest } from '../../../../electron/devices/drivers/ble/racp';
import { DeviceError } from '../../../../electron/devices/session/types';
import { SimulatedGlucoseMeter } from '../../../../native/simulators/ble/glucose-meter';

const NOW = Date.UTC(2026, 10, 24, 10, 0, 0);

async function collector(sim: SimulatedGlucoseMeter) {
  const got = { measurements: [] as number[], contexts: [] as number[], racp: [] as ReturnType<typeof decodeRacpResponse>[] };
  await sim.subscribe('1808', '2a18', (v) => got.measurements.push(decodeGlucoseMeasurement(v).sequence));
  await sim.subscribe('1808', '2a34', (v) => got.contexts.push(decodeGlucoseContext(v).sequence));
  await sim.subscribe('1808', '2a52', (v) => got.racp.push(decodeRacpResponse(v)));
  const send = (req: RacpRequest | Uint8Array) => sim.write('1808', '2a52', req instanceof Uint8Array ? req : encodeRacpRequest(req), true);
  return { got, send };
}

describe('simulated glucose meter: Record Access Control Point', () => {
  it('counts and reports with every operator', async () => {
    const sim = new SimulatedGlucoseMeter({ clock: () => NOW, records: 6, firstSequence: 10 });
    const { got, send } = await collector(sim);
    await send({ op: 'report-count', filter: { kind: 'all' } });
    await send({ op: 'report-count', filter: { kind: 'at-least', sequence: 13 } });
    expect(got.racp).toEqual([
      { op: 'count-response', count: 6 },
      { op: 'count-response', count: 3 },
    ]);
    const report = async (filter: RacpRequest & { op: 'report-records' }) => {
      got.measurements.length = 0;
      await send(filter);
      return got.measurements.slice();
    };
    expect(await report({ op: 'report-records', filter: { kind: 'all' } })).toEqual([10, 11, 12, 13, 14, 15]);
    expect(await report({ op: 'report-records', filter: { kind: 'at-most', sequence: 11 } })).toEqual([10, 11]);
    expect(await report({ op: 'report-records', filter: { kind: 'range', from: 12, to: 13 } })).toEqual([12, 13]);
    expect(await report({ op: 'report-records', filter: { kind: 'first' } })).toEqual([10]);
    expect(await report({ op: 'report-records', filter: { kind: 'last' } })).toEqual([15]);
    expect(got.racp.at(-1)).toEqual({ op: 'response-code', requestOpCode: 1, request: 'report-records', code: 'success' });
    expect(got.contexts).toEqual([12, 15, 12, 15]); // every third sequence number carries a context, sent right after its record
  });

  it('answers "no records found" for an empty selection, and deletes', async () => {
    const sim = new SimulatedGlucoseMeter({ clock: () => NOW, records: 3 });
    const { got, send } = await collector(sim);
    await send({ op: 'report-records', filter: { kind: 'at-least', sequence: 4 } });
    expect(got.racp.at(-1)).toMatchObject({ requestOpCode: 1, code: 'no-records-found' });
    expect(got.measurements).toEqual([]);
    await send({ op: 'delete-records', filter: { kind: 'at-most', sequence: 2 } });
    expect(got.racp.at(-1)).toMatchObject({ requestOpCode: 2, code: 'success' });
    expect(sim.records.map((r) => r.sequence)).toEqual([3]);
    await send({ op: 'report-count', filter: { kind: 'at-most', sequence: 2 } });
    expect(got.racp.at(-1)).toEqual({ op: 'count-response', count: 0 });
  });

  it('refuses malformed requests with the specified response codes', async () => {
    const sim = new SimulatedGlucoseMeter({ clock: () => NOW, records: 1 });
    const { got, send } = await collector(sim);
    const answer = async (bytes: number[]) => {
      await send(Uint8Array.from(bytes));
      return got.racp.at(-1);
    };
    expect(await answer([0x09, 0x01])).toMatchObject({ requestOpCode: 9, code: 'op-code-not-supported' });
    expect(await answer([0x01, 0x00])).toMatchObject({ requestOpCode: 1, code: 'invalid-operator' });
    expect(await answer([0x01, 0x08])).toMatchObject({ code: 'operator-not-supported' });
    expect(await answer([0x01, 0x03, 0x01, 0x05])).toMatchObject({ code: 'invalid-operand' });
    expect(await answer([0x01, 0x03, 0x02, 0, 0, 0, 0, 0, 0, 0])).toMatchObject({ code: 'operand-not-supported' });
    expect(await answer([])).toMatchObject({ requestOpCode: 0, code: 'op-code-not-supported' });
  });

  it('stops a transfer on abort and answers the abort', async () => {
    const sim = new SimulatedGlucoseMeter({ clock: () => NOW, records: 8 });
    const got: number[] = [];
    const racp: ReturnType<typeof decodeRacpResponse>[] = [];
    await sim.subscribe('1808', '2a52', (v) => racp.push(decodeRacpResponse(v)));
    await sim.subscribe('1808', '2a18', (v) => {
      got.push(decodeGlucoseMeasurement(v).sequence);
      if (got.length === 2) void sim.write('1808', '2a52', encodeRacpRequest({ op: 'abort' }), true);
    });
    await sim.write('1808', '2a52', encodeRacpRequest({ op: 'report-records', filter: { kind: 'all' } }), true);
    expect(got).toEqual([1, 2]);
    expect(racp).toEqual([{ op: 'response-code', requestOpCode: 3, request: 'abort', code: 'success' }]);
  });

  it('is busy while a transfer runs, and needs indications enabled', async () => {
    const sim = new SimulatedGlucoseMeter({ clock: () => NOW, records: 3 });
    await expect(sim.write('1808', '2a52', encodeRacpRequest({ op: 'report-count', filter: { kind: 'all' } }), true)).rejects.toMatchObject({ code: 'frame' });
    const errors: unknown[] = [];
    await sim.subscribe('1808', '2a52', () => undefined);
    await sim.subscribe('1808', '2a18', () => {
      sim.write('1808', '2a52', encodeRacpRequest({ op: 'report-count', filter: { kind: 'all' } }), true).catch((e: unknown) => errors.push(e));
    });
    await sim.write('1808', '2a52', encodeRacpRequest({ op: 'report-records', filter: { kind: 'all' } }), true);
    expect(errors).toHaveLength(3);
    expect(errors[0]).toMatchObject({ code: 'busy' });
  });
});

describe('simulated glucose meter: clock, corruption, disconnects', () => {
  it('keeps a skewed clock, stamps records with it, and lets a collector set it', async () => {
    const sim = new SimulatedGlucoseMeter({ clock: () => NOW, records: 2, clockSkewMs: -90 * 60_000 });
    const ct = decodeCurrentTime(await sim.read('1805', '2a2b'));
    expect(ct.time).toEqual({ year: 2026, month: 11, day: 24, hours: 8, minutes: 30, seconds: 0 });
    expect(sim.records[1]!.deviceTime).toEqual({ year: 2026, month: 11, day: 24, hours: 7, minutes: 30, seconds: 0 });
    expect(sim.records[1]!.trueWallMs).toBe(NOW - 3_600_000);
    await sim.write('1805', '2a2b', encodeCurrentTime({ year: 2026, month: 11, day: 24, hours: 10, minutes: 0, seconds: 0 }), true);
    expect(sim.clockSkewMs).toBe(0);
  });

  it('has no Current Time service when configured so', async () => {
    const sim = new SimulatedGlucoseMeter({ clock: () => NOW, currentTime: false });
    await expect(sim.read('1805', '2a2b')).rejects.toMatchObject({ code: 'unsupported-device' });
  });

  it('sends the chosen record truncated', async () => {
    const sim = new SimulatedGlucoseMeter({ clock: () => NOW, records: 3, corruptSequence: 2 });
    const frames: Uint8Array[] = [];
    await sim.subscribe('1808', '2a52', () => undefined);
    await sim.subscribe('1808', '2a18', (v) => frames.push(v));
    await sim.write('1808', '2a52', encodeRacpRequest({ op: 'report-records', filter: { kind: 'all' } }), true);
    expect(() => decodeGlucoseMeasurement(frames[0]!)).not.toThrow();
    expect(() => decodeGlucoseMeasurement(frames[1]!)).toThrow(/needs/);
  });

  it('drops the link at step K until reconnected', async () => {
    const sim = new SimulatedGlucoseMeter({ clock: () => NOW, disconnectAtStep: 2 });
    await sim.read('180a', '2a25');
    await expect(sim.read('180a', '2a25')).rejects.toBeInstanceOf(DeviceError);
    await expect(sim.read('180a', '2a24')).rejects.toMatchObject({ code: 'unplugged' });
    expect(sim.connected).toBe(false);
    sim.reconnect();
    expect(new TextDecoder().decode(await sim.read('180a', '2a25'))).toBe('SIMGLU0001');
  });
});
