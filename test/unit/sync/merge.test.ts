import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { encodeHlc } from '../../../common/sync/hlc';
import { MergeError, compareWrites, mergeImmutable, mergeIntoRecord, mergeMutable, mergeRow } from '../../../common/sync/merge';
import type { FieldMap } from '../../../common/sync/protocol';

const stamp = (wallMs: number, node = 'ws1', counter = 0) => encodeHlc({ wallMs, counter, node });

describe('per-field last-writer-wins merge', () => {
  it('keeps the newer write of each field and reports the value it replaced', () => {
    const held: FieldMap = { name: { value: 'Ada', stamp: stamp(100) }, phone: { value: '1', stamp: stamp(300) } };
    const out = mergeMutable(held, { name: { value: 'Ada L.', stamp: stamp(200, 'ws2') }, phone: { value: '2', stamp: stamp(150, 'ws2') } });
    expect(out.fields.name).toEqual({ value: 'Ada L.', stamp: stamp(200, 'ws2') });
    expect(out.fields.phone).toEqual({ value: '1', stamp: stamp(300) });
    expect(out.changed).toEqual(['name']);
    expect(out.overwritten).toEqual([
      { field: 'name', lost: { value: 'Ada', stamp: stamp(100) }, kept: { value: 'Ada L.', stamp: stamp(200, 'ws2') } },
      { field: 'phone', lost: { value: '2', stamp: stamp(150, 'ws2') }, kept: { value: '1', stamp: stamp(300) } },
    ]);
  });

  it('breaks equal stamps by value, the same way in either order', () => {
    const a = { value: 'apple', stamp: stamp(5) };
    const b = { value: 'pear', stamp: stamp(5) };
    expect(compareWrites(a, b)).toBe(-1);
    expect(mergeMutable({ f: a }, { f: b }).fields.f).toEqual(b);
    expect(mergeMutable({ f: b }, { f: a }).fields.f).toEqual(b);
  });

  it('treats a repeated write as nothing', () => {
    const held: FieldMap = { name: { value: { given: 'A', family: 'B' }, stamp: stamp(1) } };
    const out = mergeMutable(held, { name: { value: { family: 'B', given: 'A' }, stamp: stamp(1) } });
    expect(out.changed).toEqual([]);
    expect(out.overwritten).toEqual([]);
  });

  it('keeps fields it does not know and tombstones like any field', () => {
    const out = mergeMutable({ name: { value: 'A', stamp: stamp(1) } }, { futureField: { value: [1, 2], stamp: stamp(2) }, deleted: { value: true, stamp: stamp(3) } });
    expect(out.fields).toEqual({ name: { value: 'A', stamp: stamp(1) }, futureField: { value: [1, 2], stamp: stamp(2) }, deleted: { value: true, stamp: stamp(3) } });
  });

  it('refuses field names that would reach an object prototype', () => {
    const hostile = JSON.parse('{"__proto__": {"value": 1, "stamp": "0000000000001-000000-ws1"}}') as FieldMap;
    expect(() => mergeMutable(undefined, hostile)).toThrow(MergeError);
  });

  it('lets the first write of an immutable row win and reports a differing repeat', () => {
    const first: FieldMap = { value: { value: 72, stamp: stamp(10) }, metric: { value: 'heart-rate', stamp: stamp(10) } };
    expect(mergeImmutable(undefined, first).changed.sort()).toEqual(['metric', 'value']);
    const again = mergeImmutable(first, { value: { value: 72, stamp: stamp(50, 'ws2') }, metric: { value: 'heart-rate', stamp: stamp(50, 'ws2') } });
    expect(again).toEqual({ fields: first, changed: [], overwritten: [] });
    const altered = mergeRow('observations', first, { value: { value: 99, stamp: stamp(90) } });
    expect(altered.fields).toBe(first);
    expect(altered.overwritten).toEqual([{ field: 'value', lost: { value: 99, stamp: stamp(90) }, kept: first.value }]);
  });

  it('merges pulled fields into a stored record, keeping unstamped local fields', () => {
    const record = { id: 'x', clinicId: 'c', sortName: 'b a', name: 'A', stamps: { name: stamp(1) } };
    const out = mergeIntoRecord('patients', record, { name: { value: 'B', stamp: stamp(2) }, extra: { value: 1, stamp: stamp(2) } });
    expect(out.record).toEqual({ id: 'x', clinicId: 'c', sortName: 'b a', name: 'B', extra: 1, stamps: { name: stamp(2), extra: stamp(2) } });
    const observation = { id: 'o', value: 5 };
    expect(mergeIntoRecord('observations', observation, { value: { value: 6, stamp: stamp(1) } }).record).toBe(observation);
  });
});

interface Write {
  rowId: string;
  fields: FieldMap;
}

/** A set of writes by three workstations to a few fields of a few rows, with colliding stamps allowed. */
const writes = fc.array(
  fc.record({
    rowId: fc.constantFrom('r1', 'r2'),
    fields: fc.dictionary(
      fc.constantFrom('name', 'phone', 'deleted', 'newField'),
      fc.record({ value: fc.oneof(fc.string({ maxLength: 3 }), fc.integer({ min: 0, max: 3 }), fc.boolean(), fc.constant(null)), stamp: fc.tuple(fc.integer({ min: 1, max: 6 }), fc.constantFrom('a', 'b', 'c')).map(([t, n]) => stamp(t, n)) }),
      { minKeys: 1, maxKeys: 3 },
    ),
  }),
  { minLength: 1, maxLength: 12 },
);

function replay(deliveries: readonly Write[]): Record<string, FieldMap> {
  const state: Record<string, FieldMap> = {};
  for (const w of deliveries) state[w.rowId] = mergeMutable(state[w.rowId], w.fields).fields;
  return state;
}

describe('convergence', () => {
  it('converges to one state under any interleaving, duplication and re-ordering of the same changes', () => {
    fc.assert(
      fc.property(
        writes,
        fc.array(fc.nat(), { maxLength: 12 }),
        fc.infiniteStream(fc.nat()),
        (changes, dupIdx, order) => {
          const reference = replay(changes);
          const delivered = [...changes, ...dupIdx.map((i) => changes[i % changes.length]!)];
          const shuffled = delivered
            .map((w) => ({ w, key: order.next().value as number }))
            .sort((x, y) => x.key - y.key)
            .map((x) => x.w);
          expect(replay(shuffled)).toEqual(reference);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('two replicas that exchange their writes in different orders agree', () => {
    fc.assert(
      fc.property(writes, writes, (mine, theirs) => {
        expect(replay([...mine, ...theirs])).toEqual(replay([...theirs, ...mine]));
      }),
      { numRuns: 200 },
    );
  });
});
