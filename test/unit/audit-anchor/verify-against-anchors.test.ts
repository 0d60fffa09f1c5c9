import { describe, expect, it } from 'vitest';
import { chainHead, verifyAgainstAnchors } from '../../../common/audit/anchors';
import { GENESIS_HASH, sealAuditEntry, verifyAuditChain, type AuditContent, type AuditEntry } from '../../../common/audit/chain';

function content(i: number, actor = 'nurse-1'): AuditContent {
  return { id: `e${i}`, at: new Date(Date.UTC(2026, 0, 1, 8, i)).toISOString(), actor, workstation: 'ws1', action: 'patient.view', entity: 'patient', entityId: `p${i % 3}` };
}

/** A well-formed chain: every hash computed from the content, as the app writes it. */
function chain(contents: readonly AuditContent[]): AuditEntry[] {
  const out: AuditEntry[] = [];
  let prev = GENESIS_HASH;
  contents.forEach((c, i) => {
    const e = sealAuditEntry(c, i + 1, prev);
    out.push(e);
    prev = e.hash;
  });
  return out;
}

describe('verifyAgainstAnchors', () => {
  const original = chain(Array.from({ length: 20 }, (_, i) => content(i + 1)));
  const anchors = [chainHead(original.slice(0, 8))!, chainHead(original.slice(0, 15))!];

  it('passes an untouched chain, also one that grew after the last anchor', () => {
    expect(verifyAgainstAnchors(original.slice(0, 15), anchors)).toEqual({ matches: true, anchors: 2 });
    expect(verifyAgainstAnchors(original, anchors)).toEqual({ matches: true, anchors: 2 });
  });

  it('catches a chain rewritten end to end with fresh hashes, which the plain chain check calls intact', () => {
    // Entry 5 changed to hide who looked at a record, and every hash after it recomputed.
    const rewritten = chain(original.map((e, i) => (i === 4 ? content(5, 'someone-else') : content(i + 1))));
    expect(verifyAuditChain(rewritten)).toEqual({ intact: true, entries: 20 });
    const verdict = verifyAgainstAnchors(rewritten, anchors);
    expect(verdict).toMatchObject({ matches: false, problem: 'hash-differs', anchor: { seq: 8, hash: original[7]!.hash } });
  });

  it('names the first anchor whose entry is gone when the chain was cut short', () => {
    const cut = original.slice(0, 12);
    expect(verifyAuditChain(cut).intact).toBe(true);
    expect(verifyAgainstAnchors(cut, anchors)).toMatchObject({ matches: false, problem: 'entry-missing', anchor: { seq: 15 } });
  });

  it('checks anchors in seq order whatever order they come in', () => {
    const rewritten = chain(original.map((_, i) => content(i + 1, 'other')));
    expect(verifyAgainstAnchors(rewritten, [...anchors].reverse())).toMatchObject({ matches: false, anchor: { seq: 8 } });
  });

  it('takes the head as the last entry with the number of entries', () => {
    expect(chainHead(original)).toEqual({ seq: 20, hash: original[19]!.hash, count: 20 });
    expect(chainHead([])).toBeUndefined();
  });
});
