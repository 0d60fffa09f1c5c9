import { nameBasedId } from '../../../common/ids';
import { ImportError, type ImportPosition } from '../../../common/imports/errors';
import type { CancelSignal, ImportBatch, ImportedPoint, ImportedWaveform, ImportFormat, ImportSource, SkipTally } from '../../../common/imports/types';
import type { Metric, Observation } from '../../../common/readings/observation';
import { markImplausible } from '../engine/signal/plausibility';
import type { CareLoopDb } from './database';
import { monitoringRefusal } from './devices';
import { appendAudit, type WriteContext } from './journal';
import { storeObservations } from './observations';
import { SeriesStore } from './series/series-store';

/**
 * Metrics a wearable records densely (a watch's heart rate every few minutes, steps per
 * interval) and the two the Metric type lacks: these go to the series blocks (DESIGN.md
 * decision 2); the rest are point readings (observation rows).
 */
const SERIES_METRICS: ReadonlySet<string> = new Set(['heart-rate', 'steps', 'resting-heart-rate', 'sleep-duration']);

export interface WearableImportRequest {
  importId: string;
  patientId: string;
  fileName: string;
  format: ImportFormat;
}

export interface WearableImportProgress {
  bytesRead: number;
  added: number;
  duplicates: number;
  skipped: number;
}

export interface WearableImportResult {
  importId: string;
  outcome: 'completed' | 'cancelled' | 'failed' | 'refused';
  /** Readings stored (a series sample or a waveform piece counts as one reading). */
  added: number;
  /** Readings already stored by an earlier import. */
  duplicates: number;
  skipped: SkipTally[];
  sources: ImportSource[];
  bytesRead: number;
  /** Why the import stopped early; the batches before it are stored whole. */
  error?: { code: string; message: string; position: ImportPosition };
}

/** The provenance row of an import: which file, which apps and devices, what came of it. */
export const wearableImportKey = (importId: string) => `wearable-import:${importId}`;

/**
 * Stores the batches a wearable-file parser yields, each in one transaction with the import's
 * provenance row, so a cancelled or failed import leaves only whole batches and says how far
 * it got. Row ids derive from the patient and each reading's key (source + metric + time),
 * so importing the same file again adds nothing. Readings are labelled consumer-grade.
 */
export async function importWearableFile(
  db: CareLoopDb,
  ctx: Pick<WriteContext, 'actor' | 'clinicId' | 'workstation'>,
  request: WearableImportRequest,
  batches: AsyncIterable<ImportBatch>,
  options: { signal?: CancelSignal; onProgress?: (p: WearableImportProgress) => void } = {},
): Promise<WearableImportResult> {
  const result: WearableImportResult = { importId: request.importId, outcome: 'completed', added: 0, duplicates: 0, skipped: [], sources: [], bytesRead: 0 };
  const patient = await db.patients.get(request.patientId);
  if (!patient || patient.deleted) throw new ImportError('malformed', 'the patient of this import does not exist');
  const refusal = await monitoringRefusal(db, request.patientId);
  if (refusal) return { ...result, outcome: 'refused', error: { code: 'refused', message: refusal, position: {} } };

  const skips = new Map<string, SkipTally>();
  const sources = new Map<string, ImportSource>();
  const startedMs = Date.now();
  const series = new SeriesStore(db);
  const provenance = (status: WearableImportResult['outcome'] | 'running') => ({
    key: wearableImportKey(request.importId),
    value: {
      kind: 'wearable-import', status, format: request.format, fileName: request.fileName, patientId: request.patientId,
      actor: ctx.actor, startedMs, atMs: Date.now(), sources: [...sources.values()],
      added: result.added, duplicates: result.duplicates, skipped: [...skips.values()], bytesRead: result.bytesRead,
      ...(result.error ? { error: result.error } : {}),
    },
  });

  const iterator = batches[Symbol.asyncIterator]();
  try {
    for (;;) {
      if (options.signal?.aborted) {
        result.outcome = 'cancelled';
        break;
      }
      const next = await iterator.next();
      if (next.done) break;
      // Cancelling while the parser read ahead: this batch is not stored.
      if (options.signal?.aborted) {
        result.outcome = 'cancelled';
        break;
      }
      const batch = next.value;
      for (const s of batch.skipped) {
        const t = skips.get(s.reason);
        if (t) t.count += s.count;
        else skips.set(s.reason, { ...s, first: { ...s.first } });
      }
      for (const s of batch.sources) if (sources.size < 100) sources.set(`${s.app ?? ''}\u0000${s.device ?? ''}`, s);
      result.bytesRead = batch.bytesRead;
      await db.transaction('rw', [db.observations, db.seriesBlocks, db.rollups, db.meta], async () => {
        const stored = await storeBatch(db, series, ctx.clinicId, request, batch);
        result.added += stored.added;
        result.duplicates += stored.duplicates;
        await db.meta.put(provenance('running'));
      });
      options.onProgress?.({ bytesRead: result.bytesRead, added: result.added, duplicates: result.duplicates, skipped: countSkipped(skips) });
    }
  } catch (err) {
    if (!(err instanceof ImportError)) throw err;
    result.outcome = err.code === 'cancelled' ? 'cancelled' : 'failed';
    if (result.outcome === 'failed') result.error = { code: err.code, message: err.message, position: err.position };
  } finally {
    if (result.outcome !== 'completed') await iterator.return?.(undefined).catch(() => undefined);
  }
  result.skipped = [...skips.values()];
  result.sources = [...sources.values()];
  // The import as a whole is audited with its counts (which file, never its readings).
  await db.transaction('rw', [db.meta, db.audit], async () => {
    await db.meta.put(provenance(result.outcome));
    await appendAudit(db, ctx, {
      action: 'import',
      entity: 'wearable-import',
      entityId: request.importId,
      patientId: request.patientId,
      changes: {
        format: { before: undefined, after: request.format },
        outcome: { before: undefined, after: result.outcome },
        added: { before: undefined, after: result.added },
        duplicates: { before: undefined, after: result.duplicates },
      },
    });
  });
  return result;
}

const countSkipped = (skips: Map<string, SkipTally>) => [...skips.values()].reduce((n, s) => n + s.count, 0);

async function storeBatch(db: CareLoopDb, series: SeriesStore, clinicId: string, request: WearableImportRequest, batch: ImportBatch): Promise<{ added: number; duplicates: number }> {
  const receivedMs = Date.now();
  const points: Observation[] = [];
  const dense = new Map<string, { times: number[]; values: number[] }>();
  const waves: ImportedWaveform[] = [];
  for (const r of batch.readings) {
    if (r.kind === 'waveform') waves.push(r);
    else if (SERIES_METRICS.has(r.metric)) {
      let d = dense.get(r.metric);
      if (!d) dense.set(r.metric, (d = { times: [], values: [] }));
      d.times.push(r.timeMs);
      d.values.push(r.value);
    } else points.push(observationOf(r, clinicId, request, receivedMs));
  }
  let added = 0;
  let duplicates = 0;
  if (points.length) {
    const stored = await storeObservations(db, markImplausible(points));
    added += stored.added;
    duplicates += stored.duplicates;
  }
  for (const [metric, d] of dense) {
    // The same time twice in one batch (two apps counting steps) is one sample: the first wins.
    const fresh = await series.appendPoints(request.patientId, metric, d.times, d.values);
    added += fresh;
    duplicates += d.times.length - fresh;
  }
  for (const w of waves) {
    if ((await series.appendWaveform(request.patientId, w.metric, w.startMs, w.fs, w.values)) > 0) added++;
    else duplicates++;
  }
  return { added, duplicates };
}

function observationOf(r: ImportedPoint, clinicId: string, request: WearableImportRequest, receivedMs: number): Observation {
  return {
    id: nameBasedId(`wearable|${request.patientId}|${r.key}`),
    clinicId,
    patientId: request.patientId,
    // Only Metric members reach here: the others are series-only (SERIES_METRICS).
    metric: r.metric as Metric,
    value: r.value,
    unit: r.unit,
    timeMs: r.timeMs,
    ...(r.deviceTimeRaw !== undefined ? { deviceTimeRaw: r.deviceTimeRaw } : {}),
    source: { kind: 'import', grade: 'consumer', sessionId: request.importId },
    flags: [...r.flags],
    ...(r.groupKey ? { groupId: nameBasedId(`wearable|${request.patientId}|${r.groupKey}`) } : {}),
    receivedMs,
  };
}
