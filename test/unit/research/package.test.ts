import { strFromU8, unzipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { concat, ResearchZipWriter } from '../../../common/research/package';

describe('the research export zip', () => {
  it('writes a file pushed in many pieces, and whole files, into one zip that opens to the same text', () => {
    const zip = new ResearchZipWriter();
    zip.begin('readings.csv');
    const lines = Array.from({ length: 5000 }, (_, i) => `p${i % 37},heart-rate,${60 + (i % 40)},/min,2026-0${1 + (i % 9)}-11T08:00:00.000Z,consumer,\r\n`);
    for (let i = 0; i < lines.length; i += 100) zip.push(lines.slice(i, i + 100).join(''));
    zip.end();
    zip.file('manifest.json', '{"format":"careloop-research-export/1"}\n');
    const parts = zip.finish();
    expect(parts.length).toBeGreaterThan(1);
    const files = unzipSync(concat(parts));
    expect(Object.keys(files).sort()).toEqual(['manifest.json', 'readings.csv']);
    expect(strFromU8(files['readings.csv']!)).toBe(lines.join(''));
    // compressed: the parts held are a fraction of the text
    expect(concat(parts).length).toBeLessThan(lines.join('').length / 4);
  });

  it('refuses other names, two files at once and additions after the end', () => {
    const zip = new ResearchZipWriter();
    expect(() => zip.begin('../notes.txt')).toThrow(RangeError);
    zip.begin('patients.csv');
    expect(() => zip.begin('readings.csv')).toThrow(RangeError);
    expect(() => zip.finish()).toThrow(RangeError);
    zip.end();
    zip.finish();
    expect(() => zip.file('conditions.csv', 'x')).toThrow(RangeError);
  });
});
