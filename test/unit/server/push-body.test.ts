import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { newId } from '../../../common/ids';
import { PushRequestSchema, hasUnstorableText } from '../../../common/sync/protocol';
import { HttpError } from '../../../server/http/errors';
import { holdsUnstorableText, parsePushBody } from '../../../server/sync/push-body';

const stamp = '1795619615418-000000-wsA';
const change = (value: unknown) => ({ changeId: newId(), table: 'patients', rowId: newId(), fields: { family: { value, stamp } } });

describe('push body validation on the server', () => {
  const samples: unknown[] = [
    'plain',
    'a\u0000b',
    '\ud800',
    'x\udc00',
    '\ud83d\ude00 paired surrogates are fine',
    '\\u0000 is how you write NUL',
    '\udc00\ud800 reversed pair',
    'ends on a high surrogate \ud83d',
    '\ud83d\ude00\udc00 a pair then a lone low one',
    { nested: ['ok', { deeper: 'a\u0000' }] },
    { ['key\ud800']: 1 },
    [1, true, null, 'é'],
  ];

  it('refuses exactly the text the shared protocol check refuses', () => {
    for (const value of samples) expect(holdsUnstorableText([change(value)]), JSON.stringify(value)).toBe(hasUnstorableText([change(value)]));
  });

  it('accepts and refuses the same bodies as PushRequestSchema', () => {
    const bodies: unknown[] = [
      ...samples.map((v) => ({ protocol: 2, changes: [change(v)] })),
      { protocol: 3, changes: [change('x')] },
      { protocol: 2, changes: [] },
      { protocol: 2, changes: [change('x')], clinicId: newId() },
      { protocol: 2, changes: [{ ...change('x'), rowId: 'not-a-uuid' }] },
      { protocol: 2, changes: [{ ...change('x'), fields: { family: { value: 'x' } } }] },
      { protocol: 2, changes: Array.from({ length: 1001 }, () => change('x')) },
    ];
    for (const body of bodies) {
      const shared = PushRequestSchema.safeParse(body).success;
      let ours = true;
      try {
        parsePushBody(body);
      } catch (err) {
        expect(err).toBeInstanceOf(HttpError);
        expect((err as HttpError).status).toBe(400);
        ours = false;
      }
      expect(ours).toBe(shared);
    }
  });

  it('names the rule without echoing the value', () => {
    expect(() => parsePushBody({ protocol: 2, changes: [change('secret\u0000')] })).toThrow(/U\+0000 or unpaired surrogates/);
    try {
      parsePushBody({ protocol: 2, changes: [change('secret\u0000')] });
    } catch (err) {
      expect((err as HttpError).reason).not.toContain('secret');
    }
  });

  type Body = { protocol: unknown; changes: Record<string, unknown>[] };
  /** A change of the body, or a detached object when a mutation emptied the list. */
  const at = (b: Body, i: number): Record<string, unknown> => b.changes[i % Math.max(1, b.changes.length)] ?? {};
  const fieldsAt = (b: Body, i: number): Record<string, unknown> => {
    const c = at(b, i);
    if (c['fields'] === null || typeof c['fields'] !== 'object') c['fields'] = {};
    return c['fields'] as Record<string, unknown>;
  };
  /** One way of breaking (or not) a valid body; the hand-written fast path must agree with the schema on each. */
  const mutations: ((body: Body, pick: number) => void)[] = [
    () => undefined,
    (b) => (b.protocol = 1),
    (b) => (b.protocol = 2.5),
    (b) => (b.protocol = '2'),
    (b, i) => (at(b, i)['extra'] = 1),
    (b, i) => delete at(b, i)['rowId'],
    (b, i) => (at(b, i)['changeId'] = 'nope'),
    (b, i) => (at(b, i)['table'] = 'Patients'),
    (b, i) => (at(b, i)['table'] = 'observations'),
    (b, i) => (at(b, i)['rowId'] = 'x'.repeat(201)),
    (b, i) => (at(b, i)['fields'] = []),
    (b, i) => (at(b, i)['fields'] = {}),
    (b, i) => (at(b, i)['fields'] = Object.fromEntries(Array.from({ length: 201 }, (_, k) => [`f${k}`, { value: k, stamp }]))),
    (b, i) => (fieldsAt(b, i)['bad-name'] = { value: 1, stamp }),
    (b, i) => (fieldsAt(b, i)['constructor'] = { value: 1, stamp }),
    (b, i) => (fieldsAt(b, i)['id'] = { value: 1, stamp }),
    (b, i) => (fieldsAt(b, i)['deleted'] = { value: 'yes', stamp }),
    (b, i) => (fieldsAt(b, i)['deleted'] = { value: true, stamp }),
    (b, i) => (fieldsAt(b, i)['family'] = { value: 1, stamp: 'yesterday' }),
    (b, i) => (fieldsAt(b, i)['family'] = { value: 1, stamp, extra: 1 }),
    (b, i) => (fieldsAt(b, i)['family'] = { stamp }),
    (b, i) => (fieldsAt(b, i)['family'] = null),
    (b, i) => (fieldsAt(b, i)['family'] = { value: { deep: ['x\ud800'] }, stamp }),
    (b, i) => (fieldsAt(b, i)['family'] = { value: { ['k\u0000']: 1 }, stamp }),
    (b, i) => b.changes.splice(i % b.changes.length, 1),
    (b, i) => b.changes.push(at(b, i)),
  ];

  it('the fast path and the schema accept and refuse the same bodies (property)', () => {
    const valid = fc.record({
      value: fc.jsonValue(),
      stamps: fc.array(fc.integer({ min: 0, max: 3 }), { minLength: 1, maxLength: 4 }),
      changes: fc.integer({ min: 1, max: 4 }),
    });
    fc.assert(
      fc.property(valid, fc.array(fc.tuple(fc.nat(mutations.length - 1), fc.nat()), { maxLength: 3 }), (v, picks) => {
        const body: Body = {
          protocol: 2,
          changes: Array.from({ length: v.changes }, (_, i) => ({
            changeId: newId(),
            table: 'patients',
            rowId: newId(),
            fields: Object.fromEntries(v.stamps.map((s, k) => [`f${k}`, { value: k === 0 && i === 0 ? v.value : k, stamp: `179561961541${s}-000000-wsA` }])),
          })),
        };
        for (const [m, i] of picks) mutations[m]!(body, i);
        const shared = PushRequestSchema.safeParse(body).success;
        let ours = true;
        try {
          const { newestStamp } = parsePushBody(body);
          const every = body.changes.flatMap((c) => Object.values(c.fields as Record<string, { stamp: string }>).map((f) => f.stamp));
          expect(newestStamp).toBe([...every].sort().at(-1));
        } catch (err) {
          expect(err).toBeInstanceOf(HttpError);
          ours = false;
        }
        expect(ours).toBe(shared);
      }),
      { numRuns: 400 },
    );
  });
});
