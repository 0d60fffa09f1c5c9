import { describe, expect, it } from 'vitest';
import { newId } from '../../../common/ids';
import { encodeHlc } from '../../../common/sync/hlc';
import { PullQuerySchema, PushRequestSchema, hasUnstorableText, isRowId, rowFields, toV1Row } from '../../../common/sync/protocol';

const stamp = encodeHlc({ wallMs: 1_700_000_000_000, counter: 0, node: 'ws1' });
const change = (over: Record<string, unknown> = {}) => ({ changeId: newId(), table: 'patients', rowId: newId(), fields: { family: { value: 'A', stamp } }, ...over });

describe('sync wire format', () => {
  it('accepts an outbox entry as the workstation writes it, including its clinicId field', () => {
    const parsed = PushRequestSchema.safeParse({ protocol: 2, changes: [change({ fields: { family: { value: 'A', stamp }, clinicId: { value: 'c', stamp }, deleted: { value: false, stamp } } })] });
    expect(parsed.success).toBe(true);
    expect(Object.keys(rowFields(parsed.data!.changes[0]!.fields))).toEqual(['family', 'deleted']);
  });

  it('accepts deterministic reading ids only for immutable tables', () => {
    expect(isRowId('observations', 'SN-1:s42:heart-rate')).toBe(true);
    expect(isRowId('patients', 'SN-1:s42:heart-rate')).toBe(false);
    expect(isRowId('observations', 'has space')).toBe(false);
  });

  it.each([
    ['an empty batch', { protocol: 2, changes: [] }],
    ['an unknown protocol', { protocol: 7, changes: [change()] }],
    ['a change without fields', { protocol: 2, changes: [change({ fields: {} })] }],
    ['a bad stamp', { protocol: 2, changes: [change({ fields: { family: { value: 'A', stamp: '2024-01-01' } } })] }],
    ['a table name with punctuation', { protocol: 2, changes: [change({ table: 'patients;' })] }],
    ['an extra property on a change', { protocol: 2, changes: [{ ...change(), clinicId: newId() }] }],
  ])('refuses %s', (_name, body) => {
    expect(PushRequestSchema.safeParse(body).success).toBe(false);
  });

  it('finds text PostgreSQL cannot store, without mistaking an escaped backslash for it', () => {
    expect(hasUnstorableText({ a: 'x\u0000' })).toBe(true);
    expect(hasUnstorableText({ a: '\ud800' })).toBe(true);
    expect(hasUnstorableText({ a: '\\u0000 is how you write NUL' })).toBe(false);
    expect(hasUnstorableText({ a: '😀 paired surrogates are fine' })).toBe(false);
  });

  it('defaults and bounds the pull query', () => {
    expect(PullQuerySchema.parse({})).toEqual({ protocol: 2, since: '0', limit: 1000 });
    expect(PullQuerySchema.safeParse({ since: '-1' }).success).toBe(false);
    expect(PullQuerySchema.safeParse({ limit: '0' }).success).toBe(false);
  });

  it('converts a pulled row to the previous protocol’s shape', () => {
    expect(toV1Row({ table: 'patients', rowId: 'r', version: 3, fields: { family: { value: 'A', stamp } } })).toEqual({ table: 'patients', id: 'r', version: 3, row: { family: 'A' }, stamps: { family: stamp } });
  });
});
