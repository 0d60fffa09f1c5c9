import type { ContractClient, StreamSubscription } from '../../../../common/contract/channel';
import type { MainApi } from '../../../../common/contract/main-api';
import { RpcError } from '../../../../common/contract/rpc';
import type { Observation } from '../../../../common/readings/observation';
import type { CareLoopDb } from '../../db/database';
import { monitoringRefusal } from '../../db/devices';
import { SeriesStore } from '../../db/series/series-store';

export interface LiveHeartRate {
  deviceId: string;
  patientId: string;
  timeMs: number;
  bpm: number;
  contact: boolean | null;
}

/** Samples are written in small blocks: a live chart stays current and IndexedDB sees few transactions. */
const FLUSH_EVERY = 10;

/**
 * A connected device's live stream into the patient's record: heart rate is kept as a dense
 * series (blocks with rollups, not a row per sample), each sample is judged by the rules, and
 * the UI is told what to draw. One stream per device; stopping it ends the subscription.
 */
export class LiveStreams {
  private readonly running = new Map<string, StreamSubscription>();

  constructor(
    private readonly db: CareLoopDb,
    private readonly main: ContractClient<MainApi>,
    private readonly judge: (readings: Observation[]) => Promise<unknown>,
    private readonly show: (sample: LiveHeartRate) => void,
  ) {}

  async start(deviceId: string, seconds: number, speed: number): Promise<{ samples: number }> {
    if (this.running.has(deviceId)) throw new RpcError('busy', 'This device is already streaming.');
    const device = await this.db.devices.get(deviceId);
    if (!device || device.deleted) throw new RpcError('not-found', 'That device is not paired on this workstation.');
    const refusal = await monitoringRefusal(this.db, device.patientId);
    if (refusal) throw new RpcError('monitoring-consent-withdrawn', refusal);
    const target = device.target.kind === 'simulated' ? { ...device.target, records: speed } : device.target;
    const series = new SeriesStore(this.db);
    let times: number[] = [];
    let values: number[] = [];
    let pending: Observation[] = [];
    let samples = 0;
    let work: Promise<unknown> = Promise.resolve();
    const flush = () => {
      if (!times.length) return;
      const [t, v, obs] = [times, values, pending];
      times = [];
      values = [];
      pending = [];
      work = work.then(async () => {
        await series.appendPoints(device.patientId, 'heart-rate', t, v);
        await this.judge(obs);
      });
    };
    const sub = this.main.stream('devices.live', { target, seconds }, (chunk) => {
      if (chunk.type !== 'heart-rate') return;
      samples++;
      this.show({ deviceId, patientId: device.patientId, timeMs: chunk.timeMs, bpm: chunk.bpm, contact: chunk.contact });
      // A strap without skin contact sends a rate it did not measure: shown, never stored or judged.
      if (chunk.contact === false) return;
      times.push(chunk.timeMs);
      values.push(chunk.bpm);
      pending.push({
        id: `${device.serial}:live:${chunk.timeMs}:heart-rate`,
        clinicId: device.clinicId,
        patientId: device.patientId,
        metric: 'heart-rate',
        value: chunk.bpm,
        unit: '/min',
        timeMs: chunk.timeMs,
        source: { kind: 'device', grade: device.grade, deviceId: device.id },
        flags: [],
        receivedMs: Date.now(),
      });
      if (times.length >= FLUSH_EVERY) flush();
    });
    this.running.set(deviceId, sub);
    try {
      await sub.done;
    } finally {
      this.running.delete(deviceId);
      flush();
      await work;
    }
    return { samples };
  }

  runningDevices(): string[] {
    return [...this.running.keys()];
  }

  stop(deviceId: string): boolean {
    const sub = this.running.get(deviceId);
    sub?.cancel();
    return !!sub;
  }
}
