import { describe, expect, it } from 'vitest';
import { GENESIS_HASH, auditHash, canonicalJson, sealAuditEntry, verifyAuditChain, type AuditContent, type AuditEntry } from '../../../common/audit/chain';
import { CanonicalBytesWriter } from '../../../common/audit/canonical-bytes';
import { createAuditEntryHash, createWasmSha256Hex, portableSha256Hex } from '../../../common/audit/fast-hash';
import { nodeSha256Hex } from '../../../cli/commands/audit';

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
    changes: {
      'phone number': { before: undefined, after: '+44 20 7946 0018' },
      tags: { before: ['a', undefined], after: [] },
      z: { before: 1.5e-7, after: null },
      'é\n': { before: { y: 1, x: [{ b: 2, a: 1 }] }, after: true },
      nums: { before: [Number.NaN, Number.POSITIVE_INFINITY, -0, 1e21], after: '\u2028 lone \ud800 emoji 😀 tab\t' },
    },
  },
  { id: 'c', at: '2026-11-25T10:00:02.000Z', actor: '小林', workstation: 'ws', action: 'consent.change', entity: 'consent', entityId: 'k1', reason: 'ctrl \u0001 char' },
];

function chainOf(list: readonly AuditContent[]): AuditEntry[] {
  const out: AuditEntry[] = [];
  let prev = GENESIS_HASH;
  for (const [i, c] of list.entries()) {
    const e = sealAuditEntry(c, i + 1, prev);
    out.push(e);
    prev = e.hash;
  }
  return out;
}

describe('the fast audit hash used by careloop audit verify', () => {
  it('writes the same bytes as UTF-8 of the chain\'s canonical JSON', () => {
    const sparse: unknown[] = [1];
    sparse[2] = 3;
    const writer = new CanonicalBytesWriter();
    const encoder = new TextEncoder();
    const values: unknown[] = [...contents, sparse, 'x', 3, null, undefined, true, { $weird: 1, 'a b': [undefined], f: () => 1 }, { long: 'x'.repeat(10_000) }];
    for (const v of values) expect(writer.valueBytes(v)).toEqual(encoder.encode(canonicalJson(v)));
  });

  it('gives the same hashes as auditHash on every SHA-256 (node:crypto, hash-wasm, pure JS)', async () => {
    const chain = chainOf(contents);
    for (const sha of [nodeSha256Hex, portableSha256Hex, await createWasmSha256Hex()]) {
      const entryHash = createAuditEntryHash(sha);
      for (const e of chain) expect(entryHash(e)).toBe(auditHash(contents[e.seq - 1]!, e.seq, e.prevHash));
    }
  });

  it('keeps every verdict of verifyAuditChain: intact, altered, removed, reordered, broken link', () => {
    const many = Array.from({ length: 6 }, (_, i) => ({ ...contents[i % contents.length]!, id: `e${i}` }));
    const chain = chainOf(many);
    const fast = { entryHash: createAuditEntryHash(nodeSha256Hex) };
    const cases: AuditEntry[][] = [
      chain,
      chain.map((e) => (e.seq === 3 ? { ...e, actor: 'someone else' } : e)),
      chain.map((e) => (e.seq === 4 ? { ...e, changes: { x: { before: 1, after: 2 } } } : e)),
      chain.filter((e) => e.seq !== 2),
      chain.filter((e) => e.seq !== 6),
      [chain[0]!, chain[2]!, chain[1]!, ...chain.slice(3)],
      chain.map((e) => (e.seq === 5 ? { ...e, prevHash: GENESIS_HASH } : e)),
      [],
    ];
    for (const c of cases) expect(verifyAuditChain(c, fast)).toEqual(verifyAuditChain(c));
    expect(verifyAuditChain(cases[1]!, fast)).toMatchObject({ intact: false, firstBadSeq: 3, problem: 'altered' });
    expect(verifyAuditChain(cases[3]!, fast)).toMatchObject({ intact: false, firstBadSeq: 2, problem: 'removed' });
    expect(verifyAuditChain(cases[5]!, fast)).toMatchObject({ intact: false, firstBadSeq: 2, problem: 'reordered' });
  });
});
