import type { SegmentFilter } from '../../engine/insights/segment-filter';

/** A segment's filter in a line staff read: "Age 60–90 · female · conditions: hypertension". */
export function describeFilter(f: SegmentFilter, programName: (id: string) => string): string {
  const parts: string[] = [];
  if (f.ageMin !== undefined && f.ageMax !== undefined) parts.push(`age ${f.ageMin}–${f.ageMax}`);
  else if (f.ageMin !== undefined) parts.push(`age ${f.ageMin}+`);
  else if (f.ageMax !== undefined) parts.push(`age up to ${f.ageMax}`);
  if (f.sexes?.length) parts.push(f.sexes.join(' or '));
  if (f.conditions?.length) parts.push(`conditions: ${f.conditions.join(', ')}`);
  if (f.programIds?.length) parts.push(`programs: ${f.programIds.map(programName).join(', ')}`);
  if (f.tags?.length) parts.push(`tags: ${f.tags.join(', ')}`);
  if (f.riskTiers?.length) parts.push(`risk: ${f.riskTiers.join(', ')}`);
  if (f.noReadingForDays !== undefined) parts.push(`no reading for ${f.noReadingForDays} days`);
  if (f.latestSystolicAbove !== undefined) parts.push(`latest systolic above ${f.latestSystolicAbove} mmHg`);
  return parts.length ? parts.join(' · ') : 'every active patient';
}
