import { describe, expect, it } from 'vitest';
import { GENESIS_HASH, auditHash, canonicalJson, sealAuditEntry, verifyAuditChain, type AuditContent } from '../../../common/audit/chain';
import { canonicalJsonFast, createFastAuditHash } from '../../../common/backup/audit-hasher';

const contents: AuditContent[] = [
  { id: 'a', at: '2026-11-25T10:00:00.000Z', actor: 'Nurse Ünal', workstation: 'ws', action: 'patient.view', entity: 'patient', entityId: 'p1' },
  {
    id: 'b',
    at: '2026-11-25T10:00:01.000Z',
    actor: 'Dr "Quote" \\ Back',
    workstation: 'ws',
    action: 'patient.update',
    entity: 'patient',
    entityId: 'p1',
    patientId: 'p1',
    reason: undefined,
    changes: { 'phone number': { before: undefined, after: '+44 20 7946 0018' }, tags: { before: ['a', undefined], after: [] }, z: { before: 1.5e-7, after: null }, 'é\n': { before: { y: 1, x: [{ b: 2, a: 1 }] }, after: true } },
  },
];

describe('the fast audit hash used by careloop audit verify', () => {
  it('writes the same canonical JSON as the chain', () => {
    const sparse: unknown[] = [1];
    sparse[2] = 3;
    for (const v of [...contents, sparse, 'x', 3, null, undefined, { $weird: 1, 'a b': [undefined] }]) expect(canonicalJsonFast(v)).toBe(canonicalJson(v));
  });

  it('gives the same hashes as auditHash, so chains sealed by the app verify', async () => {
    const fast = await createFastAuditHash();
    for (const c of contents) expect(fast(c, 7, GENESIS_HASH)).toBe(auditHash(c, 7, GENESIS_HASH));
    const first = sealAuditEntry(contents[0]!, 1, GENESIS_HASH);
    const chain = [first, sealAuditEntry(contents[1]!, 2, first.hash)];
    expect(verifyAuditChain(chain, fast)).toEqual({ intact: true, entries: 2 });
    expect(verifyAuditChain([first, { ...chain[1]!, actor: 'x' }], fast)).toMatchObject({ intact: false, firstBadSeq: 2, problem: 'altered' });
  });
});
