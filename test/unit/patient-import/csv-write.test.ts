import { describe, expect, it } from 'vitest';
import { csvDocument, csvField, csvRecord } from '../../../common/csv/write';
import { CsvRows } from '../../../common/imports/csv/csv-rows';

describe('the CSV writer', () => {
  it('quotes per RFC 4180 and guards cells a spreadsheet would run as formulas', () => {
    expect(csvField('plain')).toBe('plain');
    expect(csvField('a,b')).toBe('"a,b"');
    expect(csvField('say "hi"')).toBe('"say ""hi"""');
    expect(csvField('two\nlines')).toBe('"two\nlines"');
    for (const bad of ['=SUM(A1)', '+1', '-2+3', '@cmd', '\tx', '\rx']) expect(csvField(bad)).toBe(`"'${bad.replaceAll('"', '""')}"`);
    expect(csvRecord(['a', 3, true, null, undefined, Number.NaN])).toBe('a,3,yes,,,');
  });

  it('writes a document with a BOM and CRLF that a CSV reader gives back cell for cell', () => {
    const rows = [['Ng, Eve', '=1+1', 'line\nbreak', ''], ['"q"', 'ü', '-', 'x']];
    const doc = csvDocument(['name', 'formula', 'note', 'empty'], rows);
    expect(doc.startsWith('\uFEFFname,formula,note,empty\r\n')).toBe(true);
    expect(csvDocument(['a'], [], { bom: false })).toBe('a\r\n');
    const back: string[][] = [];
    const reader = new CsvRows(',', (f) => back.push(f));
    reader.push(doc.slice(1));
    reader.end();
    expect(back.slice(1)).toEqual([['Ng, Eve', "'=1+1", 'line\nbreak', ''], ['"q"', 'ü', "'-", 'x']]);
  });
});
