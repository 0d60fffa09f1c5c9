import { describe, expect, it } from 'vitest';
import { createSegment, emptySegmentForm, evaluateSegment, parseSegmentForm, segmentToForm, splitList, updateSegment, type SegmentFormFields } from '../../../renderer/src/db/segments';
import { NOW, openPopulation, ZONE } from '../insights/population-fixture';

const form = (patch: Partial<SegmentFormFields>): SegmentFormFields => ({ ...emptySegmentForm(), ...patch });

describe('segment form validation', () => {
  it('turns the typed fields into a segment filter', () => {
    const r = parseSegmentForm(form({ name: ' Hypertension over 60 ', ageMin: '60', ageMax: ' 90 ', sexes: ['female'], conditions: 'hypertension, I10, , Hypertension', tags: 'bp-clinic', riskTiers: ['high', 'rising'], programIds: ['p1'], noReadingForDays: '3', latestSystolicAbove: '140.5' }));
    expect(r.errors).toEqual({});
    expect(r.input).toEqual({
      name: 'Hypertension over 60',
      filter: { ageMin: 60, ageMax: 90, sexes: ['female'], conditions: ['hypertension', 'I10'], tags: ['bp-clinic'], riskTiers: ['high', 'rising'], programIds: ['p1'], noReadingForDays: 3, latestSystolicAbove: 140.5 },
    });
  });

  it('reports each problem at its field', () => {
    const r = parseSegmentForm(form({ name: '  ', ageMin: 'sixty', noReadingForDays: '2.5', latestSystolicAbove: '500', tags: 'x'.repeat(81) }));
    expect(r.input).toBeUndefined();
    expect(r.filter).toBeUndefined();
    expect(r.errors).toEqual({
      name: 'name the segment',
      ageMin: 'enter an age in whole years',
      noReadingForDays: 'enter a whole number of days',
      latestSystolicAbove: 'enter a value from 40 to 300',
      tags: 'keep each tag under 80 characters',
    });
  });

  it('refuses an age range that ends before it starts, at the highest age', () => {
    const r = parseSegmentForm(form({ name: 'Odd', ageMin: '70', ageMax: '60' }));
    expect(r.errors).toEqual({ ageMax: 'the lowest age must not be above the highest' });
  });

  it('gives a filter for the live preview while the name is still empty', () => {
    const r = parseSegmentForm(form({ ageMin: '18' }));
    expect(r.errors).toEqual({ name: 'name the segment' });
    expect(r.filter).toEqual({ ageMin: 18 });
    expect(r.input).toBeUndefined();
  });

  it('limits names and lists', () => {
    const r = parseSegmentForm(form({ name: 'n'.repeat(81), description: 'd'.repeat(501), conditions: Array.from({ length: 21 }, (_, i) => `c${i}`).join(',') }));
    expect(r.errors).toEqual({ name: 'keep the name under 80 characters', description: 'keep the description under 500 characters', conditions: 'at most 20 conditions' });
  });

  it('splits lists on commas, semicolons and new lines without blanks or repeats', () => {
    expect(splitList(' a, b;c\nA ,, ')).toEqual(['a', 'b', 'c']);
  });

  it('round-trips a saved segment through the form, and the saved filter selects the same patients', async () => {
    const pop = await openPopulation();
    const parsed = parseSegmentForm(form({ name: 'Women', sexes: ['female'], ageMin: '30' }));
    const saved = await createSegment(pop.db, pop.ctx, parsed.input!);
    const back = segmentToForm(saved);
    expect(back).toMatchObject({ name: 'Women', sexes: ['female'], ageMin: '30', ageMax: '' });
    const again = parseSegmentForm({ ...back, ageMin: '20' });
    await updateSegment(pop.db, pop.ctx, saved.id, again.input!);
    const r = await evaluateSegment(pop.db, again.input!.filter, { nowMs: NOW, zone: ZONE });
    // By name: Okafor, then Silva.
    expect(r.patientIds).toEqual([pop.ruth.id, pop.ana.id]);
    expect(r.total).toBe(2);
  });
});
