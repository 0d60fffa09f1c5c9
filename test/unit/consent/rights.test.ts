import { describe, expect, it } from 'vitest';
import type { ConsentDecision } from '../../../common/consent/consent';
import { currentConsents } from '../../../common/consent/consent';
import { isErased, isRestricted, restrictionOf, retentionBlocksUntil, sharingRefusal } from '../../../common/consent/rights';

const YEAR = 365.25 * 86_400_000;
const decision = (status: 'given' | 'withdrawn', recordedMs: number): ConsentDecision => ({ id: `d${recordedMs}`, clinicId: 'c1', patientId: 'p1', purpose: 'sharing', status, recordedMs, recordedBy: 'Nurse', method: 'written' });

describe('patient rights rules (pure)', () => {
  it('a retention duty lasts the period after the newest clinical record', () => {
    const now = Date.UTC(2026, 0, 1);
    expect(retentionBlocksUntil(undefined, now, 10)).toBeUndefined();
    expect(retentionBlocksUntil(now - 9 * YEAR, now, 10)).toBe(now + YEAR);
    expect(retentionBlocksUntil(now - 10 * YEAR, now, 10)).toBeUndefined();
    expect(retentionBlocksUntil(now - 1, now, 0)).toBeUndefined();
  });

  it('sharing needs a given consent: never recorded and withdrawn are refused with different reasons', () => {
    expect(sharingRefusal({})).toMatch(/has not consented/);
    expect(sharingRefusal(currentConsents([decision('given', 1)]))).toBeUndefined();
    expect(sharingRefusal(currentConsents([decision('given', 1), decision('withdrawn', 2)]))).toMatch(/withdrawn/);
    expect(sharingRefusal(currentConsents([decision('withdrawn', 1), decision('given', 2)]))).toBeUndefined();
  });

  it('reads restriction and erasure from a row, whatever else it holds', () => {
    expect(restrictionOf(undefined)).toBeUndefined();
    expect(isRestricted({ restriction: null })).toBe(false);
    expect(isRestricted({ restriction: { by: 'x' } })).toBe(false);
    expect(restrictionOf({ restriction: { ground: 'legal-claims', by: 'Ada', atMs: 5 } })).toEqual({ ground: 'legal-claims', by: 'Ada', atMs: 5 });
    expect(isErased({ erasedMs: 7 })).toBe(true);
    expect(isErased({ erasedMs: null })).toBe(false);
  });
});
