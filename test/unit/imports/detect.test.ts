import { Encoder, Profile, type Mesg } from '@garmin/fitsdk';
import { strToU8, zipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { parseAppleDate } from '../../../common/imports/apple-health/dates';
import { detectFormat } from '../../../common/imports/detect';
import { appleExportXml, appleExportZip } from './fixtures';

/** Writes a message by its profile name (the SDK's Mesg type has no per-message fields). */
function put(e: Encoder, name: string, fields: Record<string, unknown>): void {
  const n = Profile.MesgNum[name];
  if (n === undefined) throw new Error(`no FIT message ${name}`);
  e.onMesg(n, fields as Mesg);
}

describe('recognising a wearable file', () => {
  it('tells the formats apart by their first bytes and name', () => {
    const fit = new Encoder();
    put(fit, 'FILE_ID', { type: 'activity', manufacturer: 'garmin', product: 1, timeCreated: new Date(Date.UTC(2026, 10, 1)) });
    expect(detectFormat('x.fit', fit.close())).toBe('fit');
    expect(detectFormat('export.zip', appleExportZip(appleExportXml([])))).toBe('apple-health');
    expect(detectFormat('takeout-20261101.zip', zipSync({ 'Takeout/Fitbit/Global Export Data/steps-2026-11-01.json': strToU8('[]') }))).toBe('fitbit');
    expect(detectFormat('export.xml', strToU8(appleExportXml([])))).toBe('apple-health');
    expect(detectFormat('heart_rate-2026-11-01.json', strToU8('[{"dateTime":"11/01/26 07:00:00"}]'))).toBe('fitbit');
    expect(detectFormat('points.json', strToU8('[{"header":{}}]'))).toBe('open-mhealth');
    expect(detectFormat('readings.csv', strToU8('time,value\n'))).toBe('csv');
    expect(detectFormat('notes.txt', strToU8('just words'))).toBeUndefined();
    expect(detectFormat('page.html', strToU8('<html></html>'))).toBeUndefined();
  });

  it('reads Apple dates with their UTC offset and refuses anything else', () => {
    expect(parseAppleDate('2026-03-29 01:30:00 +0100')).toEqual({ utcMs: Date.UTC(2026, 2, 29, 0, 30), wall: '2026-03-29T01:30:00' });
    expect(parseAppleDate('2026-03-29 01:30:00 -0930')?.utcMs).toBe(Date.UTC(2026, 2, 29, 11, 0));
    for (const bad of ['2026-03-29 01:30:00', '2026-13-29 01:30:00 +0100', '2026-03-29T01:30:00 +0100', '2026-03-29 01:30:00 +01:00', '']) expect(parseAppleDate(bad)).toBeUndefined();
  });
});
