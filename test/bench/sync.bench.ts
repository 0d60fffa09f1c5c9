import type { FastifyInstance } from 'fastify';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { newId } from '../../common/ids';
import { HybridLogicalClock } from '../../common/sync/hlc';
import { mergeIntoRecord, type StampedRecord } from '../../common/sync/merge';
import { PROTOCOL_VERSION, type Change, type FieldMap, type JsonValue, type PullPage } from '../../common/sync/protocol';
import { generateDemoPatients } from '../../renderer/src/engine/demo/generate-patients';
import { generateDemoReadings } from '../../renderer/src/engine/demo/generate-readings';
import { buildServer } from '../../server/app';
import { issueSetupToken } from '../../server/auth/installation';
import type { Database } from '../../server/db/database';
import { openPglite } from '../../server/db/pglite';
import { openPostgres } from '../../server/db/postgres';
import { applyChanges } from '../../server/sync/apply-changes';
import { postgresMissing, startPostgres } from '../unit/server/support/postgres-cluster';
import type { BenchFigure, BenchSection } from './report';

const PUSH_ROWS = 20_000;
const PUSH_BATCH = 1000;
const PUSHES_IN_FLIGHT = 4;
const PULL_LIMIT = 5000;
const CLINIC_PATIENTS = 10_000;
const HISTORY_DAYS = 30;

interface Session {
  url: string;
  token: string;
  clinicId: string;
}

async function clinicSession(app: FastifyInstance, url: string): Promise<Session> {
  const setupToken = await issueSetupToken(app.careloop.ctx.db);
  const email = `bench-${newId().slice(-8)}@example.org`;
  const password = 'benchmark password 1';
  const post = (path: string, body: unknown, token?: string) =>
    fetch(`${url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) }, body: JSON.stringify(body) }).then((r) => r.json() as Promise<Record<string, string>>);
  const { clinicId } = await post('/auth/bootstrap', { setupToken, clinicName: 'Bench', admin: { email, name: 'Bench', password } });
  const { accessToken } = await post('/auth/sign-in', { clinicId, email, password });
  const { code } = await post('/admin/enrolment-codes', {}, accessToken);
  const { credential } = await post('/auth/enrol', { code, name: 'Bench workstation' });
  const ws = await post('/auth/workstation-token', { credential });
  return { url, token: ws.accessToken!, clinicId: clinicId! };
}

function toChange(clock: HybridLogicalClock, table: string, rowId: string, values: Record<string, unknown>): Change {
  const stamp = clock.tick();
  const fields: FieldMap = {};
  for (const [k, v] of Object.entries(values)) if (v !== undefined && k !== 'id' && k !== 'clinicId') fields[k] = { value: v as JsonValue, stamp };
  return { changeId: newId(), table, rowId, fields };
}

function patientChanges(count: number, clock: HybridLogicalClock): Change[] {
  return generateDemoPatients(count).map((p) => toChange(clock, 'patients', newId(), { ...p, createdAt: new Date().toISOString(), deleted: false }));
}

/** The 10,000-patient demo clinic: patients, 30 days of home readings for the monitored ones, appointments, messages, consents. */
function demoClinic(clock: HybridLogicalClock): { changes: Change[]; counts: Record<string, number> } {
  const patients = generateDemoPatients(CLINIC_PATIENTS);
  const changes: Change[] = [];
  const counts: Record<string, number> = {};
  const add = (c: Change) => {
    changes.push(c);
    counts[c.table] = (counts[c.table] ?? 0) + 1;
  };
  const end = Date.now() - 3_600_000;
  patients.forEach((p, i) => {
    const id = newId();
    add(toChange(clock, 'patients', id, { ...p, createdAt: new Date().toISOString(), deleted: false }));
    if (p.tags?.includes('remote-monitoring')) {
      const readings = generateDemoReadings({ id, clinicId: 'bench', mrn: p.mrn, conditionCodes: (p.conditions ?? []).map((c) => c.code ?? ''), monitored: true }, HISTORY_DAYS, end, i + 1);
      for (const r of readings) add(toChange(clock, 'observations', r.id, r as unknown as Record<string, unknown>));
    }
    for (let a = 0; a < 2; a++) {
      const startMs = end + (i % 60) * 86_400_000 + a * 3_600_000;
      add(toChange(clock, 'appointments', newId(), { patientId: id, staffId: newId(), roomId: newId(), typeId: newId(), startMs, endMs: startMs + 1_800_000, status: 'booked', createdAt: new Date().toISOString(), deleted: false }));
    }
    add(toChange(clock, 'messages', newId(), { patientId: id, direction: 'outbound', channel: 'sms', body: 'Reminder: your appointment is tomorrow at 10:00.', status: 'sent', to: '+15555550100', authorName: 'Front desk', createdMs: end, deleted: false }));
    add(toChange(clock, 'consents', newId(), { patientId: id, purpose: 'sms', status: 'given', recordedMs: end, recordedBy: 'Front desk', method: 'written' }));
  });
  return { changes, counts };
}

/**
 * Several batches in flight, as a clinic's workstations push at once: the server parses and
 * validates one batch while another holds the clinic's lock in the database. Pushes to one
 * clinic still commit one after another (the counter row's lock), so versions stay ordered.
 */
async function pushAll(s: Session, changes: readonly Change[]): Promise<number> {
  const t0 = performance.now();
  let next = 0;
  const sender = async () => {
    while (next < changes.length) {
      const batch = changes.slice(next, next + PUSH_BATCH);
      next += PUSH_BATCH;
      const res = await fetch(`${s.url}/sync/push`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${s.token}` }, body: JSON.stringify({ protocol: PROTOCOL_VERSION, changes: batch }) });
      if (!res.ok) throw new Error(`push failed: ${res.status} ${await res.text()}`);
      await res.arrayBuffer();
    }
  };
  await Promise.all(Array.from({ length: PUSHES_IN_FLIGHT }, sender));
  return performance.now() - t0;
}

/**
 * A pull is idempotent, so a GET on a keep-alive socket the server closed while the
 * event loop was busy seeding (PGlite runs in this thread) is simply sent again.
 */
async function getOnce(url: string, token: string): Promise<Response> {
  try {
    return await fetch(url, { headers: { authorization: `Bearer ${token}` } });
  } catch {
    return fetch(url, { headers: { authorization: `Bearer ${token}` } });
  }
}

/** Pulls every page from the start and merges each row into a local record, as a client would (without IndexedDB). */
async function pullAll(s: Session): Promise<{ ms: number; rows: number }> {
  const t0 = performance.now();
  const local = new Map<string, StampedRecord>();
  let since = '0';
  let rows = 0;
  for (;;) {
    const res = await getOnce(`${s.url}/sync/pull?since=${since}&limit=${PULL_LIMIT}`, s.token);
    if (!res.ok) throw new Error(`pull failed: ${res.status}`);
    const page = (await res.json()) as PullPage;
    for (const r of page.rows) {
      const key = `${r.table}/${r.rowId}`;
      local.set(key, mergeIntoRecord(r.table, local.get(key), r.fields).record);
    }
    rows += page.rows.length;
    since = page.cursor;
    if (!page.hasMore) break;
  }
  return { ms: performance.now() - t0, rows };
}

async function seed(db: Database, clinicId: string, changes: readonly Change[]): Promise<void> {
  for (let i = 0; i < changes.length; i += 2000) await applyChanges(db, clinicId, changes.slice(i, i + 2000));
}

async function measure(label: string, db: Database, note: string): Promise<{ figures: BenchFigure[]; clinicRows: string }> {
  const app = await buildServer({ db });
  const url = await app.listen({ host: '127.0.0.1', port: 0 });
  try {
    const clock = new HybridLogicalClock('bench', () => Date.now());
    const s1 = await clinicSession(app, url);
    const pushMs = await pushAll(s1, patientChanges(PUSH_ROWS, clock));
    const pulled = await pullAll(s1);
    console.log(`  ${label}: push ${Math.round(pushMs)} ms, pull ${Math.round(pulled.ms)} ms`);
    const s2 = await clinicSession(app, url);
    const demo = demoClinic(clock);
    const t0 = performance.now();
    await seed(db, s2.clinicId, demo.changes);
    console.log(`  ${label}: seeded ${demo.changes.length} rows in ${Math.round(performance.now() - t0)} ms`);
    const initial = await pullAll(s2);
    if (initial.rows !== demo.changes.length) throw new Error(`initial sync got ${initial.rows} of ${demo.changes.length} rows`);
    const pushRate = (PUSH_ROWS / pushMs) * 1000;
    const pullRate = (pulled.rows / pulled.ms) * 1000;
    const pg = label === 'PostgreSQL';
    return {
      clinicRows: Object.entries(demo.counts).map(([t, n]) => `${n.toLocaleString('en-US')} ${t}`).join(', '),
      figures: [
        { name: `push, ${label}`, value: Math.round(pushRate), unit: 'rows/s', note, ...(pg ? { target: '≥ 20,000 rows/s', met: pushRate >= 20_000 } : {}) },
        { name: `pull, ${label}`, value: Math.round(pullRate), unit: 'rows/s', note, ...(pg ? { target: '≥ 20,000 rows/s', met: pullRate >= 20_000 } : {}) },
        { name: `initial sync of the 10,000-patient clinic, ${label}`, value: Math.round(initial.ms / 100) / 10, unit: 's', note: `${initial.rows.toLocaleString('en-US')} rows`, target: '< 60 s', met: initial.ms < 60_000 },
      ],
    };
  } finally {
    await app.close();
  }
}

export async function benchSync(): Promise<BenchSection> {
  const figures: BenchFigure[] = [];
  let clinicRows = '';
  const dir = mkdtempSync(join(tmpdir(), 'careloop-bench-pglite-'));
  try {
    const r = await measure('PGlite', await openPglite(dir), 'embedded, on disk');
    figures.push(...r.figures);
    clinicRows = r.clinicRows;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  const missing = postgresMissing();
  if (missing) {
    console.warn(`bench sync: PostgreSQL skipped: ${missing}`);
  } else {
    const cluster = await startPostgres({ durable: true });
    try {
      const r = await measure('PostgreSQL', openPostgres(cluster.url), 'PostgreSQL 15, default durability');
      figures.push(...r.figures);
    } finally {
      cluster.stop();
    }
  }
  return {
    title: 'Sync server: push, pull and initial sync (issue #8)',
    method:
      `Real HTTP on 127.0.0.1 against \`buildServer\` (Fastify), one workstation token. Push: ${PUSH_ROWS.toLocaleString('en-US')} demo patient rows (about 20 stamped fields each) in batches of ${PUSH_BATCH} with ${PUSHES_IN_FLIGHT} pushes in flight (as several workstations would send), each batch validated, merged and committed in one transaction. ` +
      `Pull: the same rows back in pages of ${PULL_LIMIT}, parsed and merged into local records with the client's merge function. Initial sync: a fresh client pulls the whole 10,000-patient demo clinic (${clinicRows}; ${HISTORY_DAYS} days of home readings for the monitored patients), seeded through the server's own merge path; ` +
      'the time covers HTTP, JSON and the per-row merge but not IndexedDB writes on the workstation (the client sync engine is not built yet).',
    figures,
  };
}
