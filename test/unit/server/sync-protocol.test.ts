import fc from 'fast-check';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newId } from '../../../common/ids';
import { encodeHlc } from '../../../common/sync/hlc';
import { mergeRow } from '../../../common/sync/merge';
import type { Change, FieldMap, PullPage, PulledRowV1 } from '../../../common/sync/protocol';
import type { Database, Queryable } from '../../../server/db/database';
import { backends } from './support/backends';
import { SimClient, auth, clinicVersion, createClinic, enrolWorkstation, pullAll, push, rowCount, testServer } from './support/harness';

/** A database whose transactions lose their connection right after the statement matching `at` ran, while armed. */
function cutOff(db: Database, at: RegExp): Database & { armed: boolean } {
  const wrapped = {
    armed: false,
    kind: db.kind,
    query: db.query,
    exec: db.exec,
    close: db.close,
    transaction<T>(work: (tx: Queryable) => Promise<T>): Promise<T> {
      return db.transaction((tx) =>
        work({
          // The statement reaches the database and runs; the connection is lost before its answer arrives.
          query: async <R = Record<string, unknown>>(sql: string, params?: readonly unknown[]): Promise<R[]> => {
            const rows = await tx.query<R>(sql, params);
            if (wrapped.armed && at.test(sql)) throw new Error('connection lost');
            return rows;
          },
          exec: (sql) => tx.exec(sql),
        }),
      );
    },
  };
  return wrapped;
}

/** The state all changes converge to, computed with the pure merge alone. */
function reference(changes: readonly Change[]): Map<string, FieldMap> {
  const out = new Map<string, FieldMap>();
  for (const c of changes) out.set(`${c.table}/${c.rowId}`, mergeRow(c.table, out.get(`${c.table}/${c.rowId}`), c.fields).fields);
  return out;
}

describe.each(backends())('sync protocol on $name', (backend) => {
  const run = backend.missing ? describe.skip : describe;
  if (backend.missing) console.warn(`skipping ${backend.name} sync protocol tests: ${backend.missing}`);

  run(backend.name, () => {
    let db: Database;
    let app: FastifyInstance;

    beforeAll(async () => {
      await backend.start();
      db = await backend.open();
      app = await testServer(db);
    }, 120_000);

    afterAll(async () => {
      await app?.close();
      await db?.close();
      await backend.stop();
    });

    it('answers health and readiness', async () => {
      expect((await app.inject('/health')).json()).toEqual({ status: 'ok' });
      const ready = await app.inject('/ready');
      expect(ready.statusCode).toBe(200);
      expect(ready.json()).toMatchObject({ status: 'ready', database: backend.name });
    });

    it('two clients editing the same patient offline converge, and the overwritten value is kept', async () => {
      const clinic = await createClinic(app);
      const token = await enrolWorkstation(app, clinic);
      const a = new SimClient('wsA');
      const b = new SimClient('wsB');
      const id = newId();
      a.edit('patients', id, { family: 'Lovelace', given: 'Ada', phone: '111', deleted: false });
      await a.sync(app, token);
      await b.pull(app, token);
      // Offline on both: different fields, and the same field.
      a.edit('patients', id, { phone: '222' });
      b.edit('patients', id, { given: 'Augusta' });
      b.edit('patients', id, { phone: '333' });
      await a.sync(app, token);
      await b.sync(app, token);
      await a.pull(app, token);
      const server = await pullAll(app, token);
      expect(a.rows).toEqual(server);
      expect(b.rows).toEqual(server);
      const row = server.get(`patients/${id}`)!;
      expect(row.given!.value).toBe('Augusta');
      expect(row.phone!.value).toBe('333');
      const conflicts = await app.inject({ url: '/sync/conflicts', headers: auth(clinic.adminToken) });
      expect(conflicts.json<{ conflicts: { field: string; lost: { value: unknown } }[] }>().conflicts).toEqual(
        expect.arrayContaining([expect.objectContaining({ field: 'phone', lost: expect.objectContaining({ value: '222' }) })]),
      );
    });

    it('three clients with skewed clocks, a tombstone and a field the server does not know converge', async () => {
      const clinic = await createClinic(app);
      const token = await enrolWorkstation(app, clinic);
      const clients = [new SimClient('ws1', -90_000), new SimClient('ws2'), new SimClient('ws3', 60_000)];
      const ids = [newId(), newId()];
      clients[0]!.edit('patients', ids[0]!, { family: 'A', deleted: false });
      clients[1]!.edit('appointments', ids[1]!, { status: 'booked', deleted: false });
      for (const c of clients) await c.sync(app, token);
      for (const c of clients) await c.pull(app, token);
      clients[0]!.edit('patients', ids[0]!, { family: 'B' });
      clients[1]!.edit('patients', ids[0]!, { deleted: true });
      clients[2]!.edit('appointments', ids[1]!, { status: 'checked-in', fieldFromSchemaV9: { nested: [1, 'x'] } });
      clients[0]!.edit('appointments', ids[1]!, { status: 'cancelled' });
      for (const c of [clients[2]!, clients[0]!, clients[1]!]) await c.sync(app, token);
      for (const c of clients) await c.pull(app, token);
      const server = await pullAll(app, token);
      for (const c of clients) expect(c.rows).toEqual(server);
      expect(server.get(`patients/${ids[0]}`)!.deleted!.value).toBe(true);
      expect(server.get(`appointments/${ids[1]}`)!.fieldFromSchemaV9!.value).toEqual({ nested: [1, 'x'] });
      // ws3's clock runs 60 s ahead, so its later-in-wall-time-but-earlier-in-reality edit wins: that is LWW by HLC.
      expect(server.get(`appointments/${ids[1]}`)!.status!.value).toBe('checked-in');
    });

    it('shuffled, duplicated and dropped-then-redelivered pushes converge to the merge of all changes', async () => {
      const clinic = await createClinic(app);
      const token = await enrolWorkstation(app, clinic);
      const rowIds = [newId(), newId()];
      const base = Date.now() - 60_000;
      const change = fc.record({
        row: fc.constantFrom(0, 1),
        node: fc.constantFrom('n1', 'n2', 'n3'),
        t: fc.integer({ min: 0, max: 20 }),
        fields: fc.dictionary(fc.constantFrom('family', 'phone', 'deleted', 'note'), fc.oneof(fc.string({ maxLength: 4 }), fc.boolean()), { minKeys: 1, maxKeys: 3 }),
      });
      let round = 0;
      await fc.assert(
        fc.asyncProperty(fc.array(change, { minLength: 1, maxLength: 10 }), fc.array(fc.nat(), { maxLength: 6 }), fc.array(fc.nat(), { maxLength: 4 }), fc.infiniteStream(fc.nat()), async (spec, dups, drops, order) => {
          round++;
          const table = `t${round}`;
          const changes: Change[] = spec.map((s, i) => ({
            changeId: newId(),
            table,
            rowId: rowIds[s.row]!,
            fields: Object.fromEntries(Object.entries(s.fields).map(([k, v]) => [k, { value: k === 'deleted' ? Boolean(v) : v, stamp: encodeHlc({ wallMs: base + s.t, counter: i, node: s.node }) }])),
          }));
          const dropped = new Set(drops.map((d) => d % changes.length));
          const first = [...changes.filter((_, i) => !dropped.has(i)), ...dups.map((d) => changes[d % changes.length]!)];
          const shuffled = first.map((c) => ({ c, k: order.next().value as number })).sort((x, y) => x.k - y.k).map((x) => x.c);
          const redelivered = [...dropped].map((i) => changes[i]!);
          for (let i = 0; i < shuffled.length; ) {
            const size = 1 + ((order.next().value as number) % 3);
            expect((await push(app, token, shuffled.slice(i, i + size))).statusCode).toBe(200);
            i += size;
          }
          for (const c of redelivered) expect((await push(app, token, [c])).statusCode).toBe(200);
          const server = await pullAll(app, token);
          const mine = new Map([...server].filter(([k]) => k.startsWith(`${table}/`)));
          expect(mine).toEqual(reference(changes));
        }),
        { numRuns: 12 },
      );
    });

    it('a push cut off mid-way changes nothing, and its retry applies it once', async () => {
      const clinic = await createClinic(app);
      const faulty = cutOff(db, /INSERT INTO sync_rows/);
      const app2 = await testServer(faulty);
      try {
        const token = await enrolWorkstation(app2, clinic);
        const client = new SimClient('wsCut');
        client.edit('patients', newId(), { family: 'Before' });
        await client.sync(app2, token);
        const before = { version: await clinicVersion(db, clinic.clinicId), rows: await pullAll(app2, token) };
        client.edit('patients', newId(), { family: 'New' });
        client.edit('patients', [...client.rows.keys()][0]!.split('/')[1]!, { family: 'Changed' });
        faulty.armed = true;
        const cut = await push(app2, token, client.outbox);
        faulty.armed = false;
        expect(cut.statusCode).toBe(500);
        expect(await clinicVersion(db, clinic.clinicId)).toBe(before.version);
        expect(await pullAll(app2, token)).toEqual(before.rows);
        const retry = await push(app2, token, client.outbox);
        expect(retry.json()).toMatchObject({ accepted: 2, duplicates: 0 });
        const again = await push(app2, token, client.outbox);
        expect(again.json()).toMatchObject({ accepted: 0, duplicates: 2, version: retry.json<{ version: number }>().version });
        client.outbox = [];
        await client.pull(app2, token);
        expect(client.rows).toEqual(await pullAll(app2, token));
      } finally {
        await app2.close();
      }
    });

    it('a server restart on the same data and a replayed push lose and duplicate nothing', async () => {
      const clinic = await createClinic(app);
      const token = await enrolWorkstation(app, clinic);
      const client = new SimClient('wsR');
      const changes = Array.from({ length: 30 }, (_, i) => client.edit('patients', newId(), { family: `P${i}`, deleted: false }));
      await client.push(app, token);
      const half = new SimClient('wsHalf');
      const page = await app.inject({ url: '/sync/pull?since=0&limit=10', headers: auth(token) });
      half.cursor = page.json<PullPage>().cursor;
      const before = await pullAll(app, token);
      const versionBefore = await clinicVersion(db, clinic.clinicId);

      await app.close();
      await db.close();
      db = await backend.open();
      app = await testServer(db);

      const replay = await push(app, token, changes);
      expect(replay.statusCode).toBe(200);
      expect(replay.json()).toMatchObject({ accepted: 0, duplicates: 30, version: versionBefore });
      expect(await pullAll(app, token)).toEqual(before);
      expect(await rowCount(db, clinic.clinicId)).toBe(30);
      // A pull interrupted after its first page resumes from its cursor and gets the rest exactly once.
      const rest = await app.inject({ url: `/sync/pull?since=${half.cursor}&limit=1000`, headers: auth(token) });
      expect(rest.json<PullPage>().rows).toHaveLength(20);
    });

    it('gives concurrent pushes distinct versions in commit order, so no pull skips a row', async () => {
      const clinic = await createClinic(app);
      const token = await enrolWorkstation(app, clinic);
      const clients = Array.from({ length: 4 }, (_, i) => new SimClient(`wsC${i}`));
      for (const c of clients) for (let i = 0; i < 25; i++) c.edit('patients', newId(), { family: `F${i}` });
      const seen = new Map<string, number>();
      let cursor = '0';
      const pullOnce = async () => {
        const page = (await app.inject({ url: `/sync/pull?since=${cursor}&limit=1000`, headers: auth(token) })).json<PullPage>();
        for (const r of page.rows) seen.set(r.rowId, r.version);
        cursor = page.cursor;
      };
      await Promise.all([...clients.map((c) => c.push(app, token)), pullOnce(), pullOnce()]);
      await pullOnce();
      expect(seen.size).toBe(100);
      expect(new Set(seen.values()).size).toBe(100);
      expect(await clinicVersion(db, clinic.clinicId)).toBe(100);
    });

    it('de-duplicates immutable observations by id: the first write wins', async () => {
      const clinic = await createClinic(app);
      const token = await enrolWorkstation(app, clinic);
      const a = new SimClient('wsObsA');
      const b = new SimClient('wsObsB');
      const obs = { patientId: newId(), metric: 'heart-rate', value: 72, unit: '/min', timeMs: 1_700_000_000_000 };
      a.edit('observations', 'SN123:s42:heart-rate', obs);
      b.edit('observations', 'SN123:s42:heart-rate', { ...obs, value: 99 });
      await a.sync(app, token);
      const res = await push(app, token, b.outbox);
      expect(res.json()).toMatchObject({ accepted: 1, conflicts: 1 });
      const rows = await pullAll(app, token);
      expect(rows.get('observations/SN123:s42:heart-rate')!.value!.value).toBe(72);
    });

    it('speaks the previous protocol version and refuses others', async () => {
      const clinic = await createClinic(app);
      const token = await enrolWorkstation(app, clinic);
      const client = new SimClient('wsV1');
      const id = newId();
      const change = client.edit('patients', id, { family: 'Old', deleted: false });
      expect((await push(app, token, [change], 1)).statusCode).toBe(200);
      const v1 = await app.inject({ url: '/sync/pull?protocol=1&since=0', headers: auth(token) });
      const page = v1.json<PullPage<PulledRowV1>>();
      expect(page.protocol).toBe(1);
      expect(page.rows[0]).toEqual({ table: 'patients', id, version: page.rows[0]!.version, row: { family: 'Old', deleted: false }, stamps: { family: change.fields.family!.stamp, deleted: change.fields.deleted!.stamp } });
      expect((await push(app, token, [change], 3)).statusCode).toBe(400);
      expect((await app.inject({ url: '/sync/pull?protocol=3', headers: auth(token) })).statusCode).toBe(400);
    });

    it("keeps clinics apart: one clinic can neither read nor write another's rows", async () => {
      const one = await createClinic(app, 'One');
      const two = await createClinic(app, 'Two');
      const tokenOne = await enrolWorkstation(app, one);
      const tokenTwo = await enrolWorkstation(app, two);
      const a = new SimClient('wsOne');
      const id = newId();
      a.edit('patients', id, { family: 'Private', deleted: false, clinicId: two.clinicId });
      await a.push(app, tokenOne);
      expect((await pullAll(app, tokenTwo)).size).toBe(0);
      // Writing the same row id from clinic two creates clinic two's own row and leaves clinic one's alone.
      const intruder = new SimClient('wsTwo', 120_000);
      intruder.edit('patients', id, { family: 'Overwritten', deleted: true });
      await intruder.push(app, tokenTwo);
      const ones = await pullAll(app, tokenOne);
      expect(ones.get(`patients/${id}`)).toEqual({ family: { value: 'Private', stamp: expect.any(String) }, deleted: { value: false, stamp: expect.any(String) } });
      expect((await pullAll(app, tokenTwo)).get(`patients/${id}`)!.family!.value).toBe('Overwritten');
      // The body cannot name a clinic.
      const sneaky = await app.inject({ method: 'POST', url: '/sync/push', headers: auth(tokenTwo), payload: { protocol: 2, clinicId: one.clinicId, changes: intruder.outbox.length ? intruder.outbox : [intruder.edit('patients', id, { family: 'x' })] } });
      expect(sneaky.statusCode).toBe(400);
      const conflictsOfOne = await app.inject({ url: '/sync/conflicts', headers: auth(one.adminToken) });
      expect(conflictsOfOne.json<{ conflicts: unknown[] }>().conflicts).toEqual([]);
    });

    describe('malformed and hostile payloads are refused with 4xx and change nothing', () => {
      let clinic: Awaited<ReturnType<typeof createClinic>>;
      let token: string;
      let good: Change;
      let before: { version: number; rows: Map<string, FieldMap> };

      beforeAll(async () => {
        clinic = await createClinic(app);
        token = await enrolWorkstation(app, clinic);
        const seed = new SimClient('wsSeed');
        seed.edit('patients', newId(), { family: 'Seed' });
        await seed.push(app, token);
        good = new SimClient('wsGood').edit('patients', newId(), { family: 'Good' });
        before = { version: await clinicVersion(db, clinic.clinicId), rows: await pullAll(app, token) };
      });

      const stamp = () => encodeHlc({ wallMs: Date.now(), counter: 0, node: 'h' });
      const cases: [string, () => unknown, number][] = [
        ['a value that is not a {value, stamp} pair', () => ({ protocol: 2, changes: [good, { ...good, changeId: newId(), fields: { family: 'x' } }] }), 400],
        ['a stamp of the wrong type', () => ({ protocol: 2, changes: [{ ...good, fields: { family: { value: 'x', stamp: 12 } } }] }), 400],
        ['a changes list that is not a list', () => ({ protocol: 2, changes: { 0: good } }), 400],
        ['a missing protocol version', () => ({ changes: [good] }), 400],
        ['a batch over the limit', () => ({ protocol: 2, changes: Array.from({ length: 1001 }, () => ({ ...good, changeId: newId() })) }), 400],
        ['SQL in the table name', () => ({ protocol: 2, changes: [{ ...good, table: "patients'; DROP TABLE sync_rows; --" }] }), 400],
        ['SQL in a field name', () => ({ protocol: 2, changes: [{ ...good, fields: { 'family = 1; --': { value: 'x', stamp: stamp() } } }] }), 400],
        ['a non-UUID row id', () => ({ protocol: 2, changes: [{ ...good, rowId: "1' OR '1'='1" }] }), 400],
        ['a prototype-polluting field name', () => JSON.parse(`{"protocol":2,"changes":[{"changeId":"${newId()}","table":"patients","rowId":"${newId()}","fields":{"__proto__":{"value":1,"stamp":"${stamp()}"}}}]}`), 400],
        ['a NUL character in a value', () => ({ protocol: 2, changes: [good, { ...good, changeId: newId(), fields: { family: { value: 'a\u0000b', stamp: stamp() } } }] }), 400],
        ['a tombstone that is not a boolean', () => ({ protocol: 2, changes: [{ ...good, fields: { deleted: { value: 'yes', stamp: stamp() } } }] }), 400],
        ['a clock stamp 10 minutes in the future', () => ({ protocol: 2, changes: [good, { ...good, changeId: newId(), fields: { family: { value: 'future', stamp: encodeHlc({ wallMs: Date.now() + 600_000, counter: 0, node: 'fast' }) } } }] }), 422],
        ['unknown top-level properties', () => ({ protocol: 2, changes: [good], clinicId: newId() }), 400],
      ];
      it.each(cases)('%s', async (_name, body, status) => {
        const res = await app.inject({ method: 'POST', url: '/sync/push', headers: auth(token), payload: body() as object });
        expect(res.statusCode).toBe(status);
        expect(res.json<{ reason: string }>().reason.length).toBeGreaterThan(0);
        expect(await clinicVersion(db, clinic.clinicId)).toBe(before.version);
        expect(await pullAll(app, token)).toEqual(before.rows);
      });

      it('a body over the size limit, a non-JSON body, and calls without a valid token', async () => {
        const huge = { protocol: 2, changes: [{ ...good, fields: { family: { value: 'x'.repeat(9 * 1024 * 1024), stamp: stamp() } } }] };
        expect((await app.inject({ method: 'POST', url: '/sync/push', headers: auth(token), payload: huge })).statusCode).toBe(413);
        expect((await app.inject({ method: 'POST', url: '/sync/push', headers: { ...auth(token), 'content-type': 'application/json' }, payload: '{"protocol":2,' })).statusCode).toBe(400);
        expect((await app.inject({ method: 'POST', url: '/sync/push', payload: { protocol: 2, changes: [good] } })).statusCode).toBe(401);
        expect((await app.inject({ method: 'POST', url: '/sync/push', headers: auth(`${token.slice(0, -2)}xx`), payload: { protocol: 2, changes: [good] } })).statusCode).toBe(401);
        expect((await app.inject({ url: "/sync/pull?since=0'--", headers: auth(token) })).statusCode).toBe(400);
        expect((await app.inject({ url: '/sync/pull?limit=100000', headers: auth(token) })).statusCode).toBe(400);
        expect(await clinicVersion(db, clinic.clinicId)).toBe(before.version);
      });

      it('stores SQL inside a value as plain text', async () => {
        const text = "'); DROP TABLE sync_rows; --";
        const res = await push(app, token, [{ ...good, changeId: newId(), rowId: newId(), fields: { family: { value: text, stamp: stamp() } } }]);
        expect(res.statusCode).toBe(200);
        const rows = await pullAll(app, token);
        expect([...rows.values()].some((f) => f.family?.value === text)).toBe(true);
      });
    });
  });
});
