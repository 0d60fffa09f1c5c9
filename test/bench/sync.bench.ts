import type { FastifyInstance } from 'fastify';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import http from 'node:http';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { newId } from '../../common/ids';
import { HybridLogicalClock } from '../../common/sync/hlc';
import { mergeIntoRecord, type StampedRecord } from '../../common/sync/merge';
import { MAX_CHANGES_PER_PUSH, PROTOCOL_VERSION, type Change, type FieldMap, type JsonValue, type PullPage } from '../../common/sync/protocol';
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
const PUSH_BATCH = MAX_CHANGES_PER_PUSH;
/** Workstations of different clinics pushing at once (the fleet figure), and pushes in flight to one clinic. */
const FLEET_CLINICS = 4;
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
 * The push bodies, serialised and UTF-8 encoded before the clock starts: a workstation does
 * that on its own CPU, while the bench's client shares this machine's CPU with the server.
 */
function pushBodies(changes: readonly Change[]): Uint8Array<ArrayBuffer>[] {
  const bodies: Uint8Array<ArrayBuffer>[] = [];
  for (let i = 0; i < changes.length; i += PUSH_BATCH) bodies.push(Buffer.from(JSON.stringify({ protocol: PROTOCOL_VERSION, changes: changes.slice(i, i + PUSH_BATCH) })));
  return bodies;
}

/**
 * One POST of a prepared body on a kept-alive connection. The load generator uses node:http
 * rather than fetch: it shares this process and these 2 cores with the server under test, and
 * undici's fetch spends about 3 ms more CPU per 1.6 MB body (measured), CPU a workstation
 * would spend on its own machine.
 */
function post(url: URL, token: string, body: Uint8Array, agent: http.Agent): Promise<void> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      { host: url.hostname, port: url.port, path: '/sync/push', method: 'POST', agent, headers: { 'content-type': 'application/json', 'content-length': body.byteLength, authorization: `Bearer ${token}` } },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => (res.statusCode === 200 ? resolve() : reject(new Error(`push failed: ${res.statusCode} ${Buffer.concat(chunks).toString('utf8')}`))));
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

/** Sends `bodies` to one clinic with `inFlight` pushes at a time; resolves when all are answered. */
async function pushBodiesTo(s: Session, bodies: readonly Uint8Array<ArrayBuffer>[], inFlight: number): Promise<void> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: inFlight });
  const url = new URL(s.url);
  let next = 0;
  const sender = async () => {
    while (next < bodies.length) await post(url, s.token, bodies[next++]!, agent);
  };
  try {
    await Promise.all(Array.from({ length: inFlight }, sender));
  } finally {
    agent.destroy();
  }
}

/** `changes` split evenly into one list of push bodies per workstation. */
function splitBodies(workstations: number, changes: readonly Change[]): Uint8Array<ArrayBuffer>[][] {
  const share = Math.ceil(changes.length / workstations);
  return Array.from({ length: workstations }, (_, i) => pushBodies(changes.slice(i * share, (i + 1) * share)));
}

/**
 * Sends each session its bodies (one workstation per clinic, all at once), each with
 * `inFlight` pushes at a time. Pushes to one clinic commit one after another (the clinic's
 * counter row is locked), so versions stay ordered; different clinics do not wait for each
 * other. Returns the wall time in ms.
 */
async function pushAll(sessions: readonly Session[], bodies: readonly Uint8Array<ArrayBuffer>[][], inFlight: number): Promise<number> {
  const t0 = performance.now();
  await Promise.all(sessions.map((s, i) => pushBodiesTo(s, bodies[i]!, inFlight)));
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

/**
 * CPU time (ms) used so far by a PostgreSQL server on this machine: its postmaster and every
 * backend it started (Linux /proc; clock ticks of 10 ms). Undefined for PGlite, which runs
 * inside this process, or where /proc is not readable.
 */
async function postgresCpuMs(db: Database): Promise<number | undefined> {
  if (db.kind !== 'postgres') return undefined;
  try {
    const [dir] = await db.query<{ setting: string }>("SELECT setting FROM pg_settings WHERE name = 'data_directory'");
    const postmaster = Number(readFileSync(`${dir!.setting}/postmaster.pid`, 'utf8').split('\n')[0]);
    let ticks = 0;
    for (const pid of readdirSync('/proc').filter((d) => /^\d+$/.test(d))) {
      let stat: string;
      try {
        stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      } catch {
        continue;
      }
      const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (Number(pid) === postmaster || Number(f[1]) === postmaster) ticks += Number(f[11]) + Number(f[12]);
    }
    return ticks * 10;
  } catch {
    return undefined;
  }
}

interface PushFigures {
  fleet: number;
  oneClinicInFlight: number;
  singleStream: number;
  /** CPU per 1000 rows of the fleet push: this process (server and HTTP client) and PostgreSQL's processes. */
  fleetCpuPer1000: { node: number; postgres: number | undefined };
}

/** Push throughput (rows/s) three ways, each with fresh clinics and PUSH_ROWS new patient rows. */
async function measurePush(app: FastifyInstance, url: string, clock: HybridLogicalClock, db: Database): Promise<PushFigures> {
  const rate = (ms: number) => (PUSH_ROWS / ms) * 1000;
  const single = await clinicSession(app, url);
  const singleStream = rate(await pushAll([single], splitBodies(1, patientChanges(PUSH_ROWS, clock)), 1));
  const shared = await clinicSession(app, url);
  const oneClinicInFlight = rate(await pushAll([shared], splitBodies(1, patientChanges(PUSH_ROWS, clock)), PUSHES_IN_FLIGHT));
  const fleetSessions: Session[] = [];
  for (let i = 0; i < FLEET_CLINICS; i++) fleetSessions.push(await clinicSession(app, url));
  const bodies = splitBodies(FLEET_CLINICS, patientChanges(PUSH_ROWS, clock));
  const pg0 = await postgresCpuMs(db);
  const cpu0 = process.cpuUsage();
  const fleet = rate(await pushAll(fleetSessions, bodies, 1));
  const cpu = process.cpuUsage(cpu0);
  const pg1 = await postgresCpuMs(db);
  const per1000 = (ms: number) => Math.round((ms / PUSH_ROWS) * 1000 * 10) / 10;
  return { fleet, oneClinicInFlight, singleStream, fleetCpuPer1000: { node: per1000((cpu.user + cpu.system) / 1000), postgres: pg0 === undefined || pg1 === undefined ? undefined : per1000(pg1 - pg0) } };
}

async function measure(label: string, db: Database, note: string): Promise<{ figures: BenchFigure[]; clinicRows: string }> {
  const app = await buildServer({ db });
  const url = await app.listen({ host: '127.0.0.1', port: 0 });
  try {
    const clock = new HybridLogicalClock('bench', () => Date.now());
    const push = await measurePush(app, url, clock, db);
    const s1 = await clinicSession(app, url);
    await seed(db, s1.clinicId, patientChanges(PUSH_ROWS, clock));
    const pulled = await pullAll(s1);
    console.log(`  ${label}: push ${Math.round(push.fleet)} rows/s (fleet), ${Math.round(push.oneClinicInFlight)} (one clinic, ${PUSHES_IN_FLIGHT} in flight), ${Math.round(push.singleStream)} (single stream); pull ${Math.round(pulled.ms)} ms`);
    const s2 = await clinicSession(app, url);
    const demo = demoClinic(clock);
    const t0 = performance.now();
    await seed(db, s2.clinicId, demo.changes);
    console.log(`  ${label}: seeded ${demo.changes.length} rows in ${Math.round(performance.now() - t0)} ms`);
    const initial = await pullAll(s2);
    if (initial.rows !== demo.changes.length) throw new Error(`initial sync got ${initial.rows} of ${demo.changes.length} rows`);
    const pullRate = (pulled.rows / pulled.ms) * 1000;
    const pg = label === 'PostgreSQL';
    const target = (rate: number) => (pg ? { target: '≥ 20,000 rows/s', met: rate >= 20_000 } : {});
    return {
      clinicRows: Object.entries(demo.counts).map(([t, n]) => `${n.toLocaleString('en-US')} ${t}`).join(', '),
      figures: [
        { name: `push, ${label}, ${FLEET_CLINICS} workstations of ${FLEET_CLINICS} clinics at once`, value: Math.round(push.fleet), unit: 'rows/s', note, ...target(push.fleet) },
        { name: `push, ${label}, one clinic, ${PUSHES_IN_FLIGHT} pushes in flight`, value: Math.round(push.oneClinicInFlight), unit: 'rows/s', note },
        { name: `push, ${label}, single stream (one workstation, one push at a time)`, value: Math.round(push.singleStream), unit: 'rows/s', note },
        {
          name: `CPU per 1000 rows of the fleet push, ${label}`,
          value: Math.round((push.fleetCpuPer1000.node + (push.fleetCpuPer1000.postgres ?? 0)) * 10) / 10,
          unit: 'ms',
          note: push.fleetCpuPer1000.postgres === undefined ? 'this process: server, database and HTTP client' : `this process (server and HTTP client) ${push.fleetCpuPer1000.node} ms + PostgreSQL ${push.fleetCpuPer1000.postgres} ms`,
        },
        { name: `pull, ${label}`, value: Math.round(pullRate), unit: 'rows/s', note, ...target(pullRate) },
        { name: `initial sync of the 10,000-patient clinic, ${label}`, value: Math.round(initial.ms / 100) / 10, unit: 's', note: `${initial.rows.toLocaleString('en-US')} rows`, target: '< 60 s', met: initial.ms < 60_000 },
      ],
    };
  } finally {
    await app.close();
  }
}

export async function benchSync(): Promise<BenchSection> {
  const loadAtStart = loadavg()[0]!.toFixed(1);
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
      `Real HTTP on 127.0.0.1 against \`buildServer\` (Fastify), a workstation token per clinic. Push: ${PUSH_ROWS.toLocaleString('en-US')} new demo patient rows (about 20 stamped fields each, about 1.7 kB of JSON per change) in batches of ${PUSH_BATCH} (the protocol's maximum), each batch validated, merged and committed in one transaction, measured three ways on fresh clinics: ` +
      `${FLEET_CLINICS} workstations of ${FLEET_CLINICS} different clinics pushing at once, one push at a time each (a fleet; the figure held against the target); one clinic with ${PUSHES_IN_FLIGHT} pushes in flight (they commit one after another on the clinic's lock); and a single stream (one workstation, one push at a time). ` +
      'Push bodies are serialised to UTF-8 before the clock starts (a workstation does that on its own CPU); the HTTP client (node:http, kept-alive connections) still runs in the server\'s process and on the same 2 cores as PostgreSQL. ' +
      `CPU per 1000 rows: CPU time of this process (server and HTTP client) and of PostgreSQL's processes during the fleet push, which other work on a shared machine disturbs less than rows/s (1-minute load average when the section started: ${loadAtStart}). ` +
      `Pull: ${PUSH_ROWS.toLocaleString('en-US')} patient rows of one clinic back in pages of ${PULL_LIMIT}, parsed and merged into local records with the client's merge function. ` +
      `Initial sync: a fresh client pulls the whole 10,000-patient demo clinic (${clinicRows}; ${HISTORY_DAYS} days of home readings for the monitored patients), seeded through the server's own merge path; ` +
      'the time covers HTTP, JSON and the per-row merge but not the workstation\'s IndexedDB writes (this section runs in Node, without a browser).',
    figures,
  };
}
