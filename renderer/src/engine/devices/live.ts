import type { ContractClient, StreamSubscription } from '../../../../common/contract/channel';
import type { MainApi } from '../../../../common/contract/main-api';
import { RpcError } from '../../../../common/contract/rpc';
import type { Observation } from '../../../../common/readings/observation';
import type { CareLoopDb } from '../../db/database';
import { monitoringRefusal } from '../../db/devices';
import { SeriesStore } from '../../db/series/series-store';
import { LiveEcgProcessor } from '../signal/live-ecg';
import { heartRateFromRr } from '../signal/plausibility';

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
    private readonly showEcg: (strip: { deviceId: string; startMs: number; fs: number; samplesUv: number[] }) => void = () => undefined,
    private readonly showSignal: (signal: { deviceId: string; rmssdMs?: number; sdnnMs?: number; pnn50?: number; sqi?: number; noisy?: boolean }) => void = () => undefined,
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
    const heartRate = (timeMs: number, bpm: number, contact: boolean | null) => {
      samples++;
      this.show({ deviceId, patientId: device.patientId, timeMs, bpm, contact });
      // A strap without skin contact sends a rate it did not measure: shown, never stored or judged.
      if (contact === false) return;
      times.push(timeMs);
      values.push(bpm);
      pending.push({
        id: `${device.serial}:live:${timeMs}:heart-rate`,
        clinicId: device.clinicId,
        patientId: device.patientId,
        metric: 'heart-rate',
        value: bpm,
        unit: '/min',
        timeMs,
        source: { kind: 'device', grade: device.grade, deviceId: device.id },
        flags: [],
        receivedMs: Date.now(),
      });
      if (times.length >= FLUSH_EVERY) flush();
    };
    // An ECG strap: the waveform is kept in blocks, and the heart rate comes from its beats.
    const ecg = new LiveEcgProcessor();
    const sub = this.main.stream('devices.live', { target, seconds }, (chunk) => {
      if (chunk.type === 'heart-rate') {
        // A strap that sends RR intervals: the rate is taken from them (ectopic and impossible intervals left out).
        const fromRr = chunk.rrMs.length ? heartRateFromRr(chunk.rrMs).averageBpm : null;
        return heartRate(chunk.timeMs, fromRr !== null ? Math.round(fromRr) : chunk.bpm, chunk.contact);
      }
      const values = Float32Array.from(chunk.samplesUv);
      this.showEcg({ deviceId, startMs: chunk.startMs, fs: chunk.fs, samplesUv: chunk.samplesUv });
      work = work.then(() => series.appendWaveform(device.patientId, 'ecg', chunk.startMs, chunk.fs, values));
      const out = ecg.push({ startMs: chunk.startMs, fs: chunk.fs, samplesUv: values });
      for (const point of out.heartRate) if (point.bpm !== null) heartRate(point.timeMs, Math.round(point.bpm), true);
      // HRV over the last five minutes and the signal quality of each ten seconds are kept as series;
      // a noisy window is flagged on screen so nobody reads a rhythm into artefact.
      const hrv = out.hrv.filter((h) => Number.isFinite(h.rmssdMs) && Number.isFinite(h.sdnnMs));
      const q = out.quality;
      if (hrv.length || q.length) {
        work = work.then(async () => {
          if (hrv.length) {
            await series.appendPoints(device.patientId, 'hrv-rmssd', hrv.map((h) => h.timeMs), hrv.map((h) => h.rmssdMs));
            await series.appendPoints(device.patientId, 'hrv-sdnn', hrv.map((h) => h.timeMs), hrv.map((h) => h.sdnnMs));
          }
          if (q.length) await series.appendPoints(device.patientId, 'ecg-quality', q.map((w) => w.endMs), q.map((w) => w.sqi));
        });
        const lastHrv = hrv[hrv.length - 1];
        const lastQ = q[q.length - 1];
        this.showSignal({ deviceId, ...(lastHrv ? { rmssdMs: lastHrv.rmssdMs, sdnnMs: lastHrv.sdnnMs, pnn50: lastHrv.pnn50 } : {}), ...(lastQ ? { sqi: lastQ.sqi, noisy: lastQ.noisy } : {}) });
      }
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
