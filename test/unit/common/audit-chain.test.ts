import { describe, expect, it } from 'vitest';
import { GENESIS_HASH, canonicalJson, sealAuditEntry, verifyAuditChain, type AuditEntry } from '../../../common/audit/chain';

function chain(n: number): AuditEntry[] {
  const out: AuditEntry[] = [];
  let prev = GENESIS_HASH;
  for (let i = 1; i <= n; i++) {
    const e = sealAuditEntry(
      { id: `id-${i}`, at: `2026-11-24T10:00:${String(i).padStart(2, '0')}Z`, actor: 'Nurse A', workstation: 'ws1', action: 'patient.update', entity: 'patient', entityId: 'p1', patientId: 'p1', changes: { phone: { before: `${i}`, after: `${i + 1}` } } },
      i,
      prev,
    );
    out.push(e);
    prev = e.hash;
  }
  return out;
}

describe('audit hash chain', () => {
  it('hashes canonical JSON independent of key order', () => {
    expect(canonicalJson({ b: 1, a: { d: [1, { f: 2, e: 3 }], c: null } })).toBe('{"a":{"c":null,"d":[1,{"e":3,"f":2}]},"b":1}');
  });
  it('verifies an untouched chain', () => {
    expect(verifyAuditChain(chain(10))).toEqual({ intact: true, entries: 10 });
  });
  it('names an altered entry', () => {
    const c = chain(10);
    c[4] = { ...c[4]!, actor: 'Someone else' };
    expect(verifyAuditChain(c)).toMatchObject({ intact: false, firstBadSeq: 5, problem: 'altered' });
  });
  it('names a removed entry', () => {
    const c = chain(10);
    c.splice(6, 1);
    expect(verifyAuditChain(c)).toMatchObject({ intact: false, firstBadSeq: 7, problem: 'removed' });
  });
  it('names reordered entries', () => {
    const c = chain(10);
    [c[2], c[3]] = [c[3]!, c[2]!];
    expect(verifyAuditChain(c)).toMatchObject({ intact: false, firstBadSeq: 3, problem: 'reordered' });
  });
  it('detects a re-sealed entry whose link no longer matches', () => {
    const c = chain(5);
    c[2] = sealAuditEntry({ ...c[2]!, actor: 'forger' }, 3, GENESIS_HASH);
    expect(verifyAuditChain(c)).toMatchObject({ intact: false, firstBadSeq: 3, problem: 'broken-link' });
  });
});
