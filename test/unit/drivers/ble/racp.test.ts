import { describe, expect, it } from 'vitest';
import { decodeRacp, decodeRacpRequest, decodeRacpResponse, encodeRacpRequest, encodeRacpResponse, RACP_RESPONSE_CODES, RacpRejection, type RacpRequest } from '../../../../electron/devices/drivers/ble/racp';
import { DecodeError } from '../../../../electron/devices/drivers/types';
import { hex, toHex } from './hex';

describe('Record Access Control Point 0x2A52', () => {
  it('encodes the requests a collector sends (Glucose Profile §4.9)', () => {
    expect(toHex(encodeRacpRequest({ op: 'report-records', filter: { kind: 'all' } }))).toBe('01 01');
    expect(toHex(encodeRacpRequest({ op: 'report-records', filter: { kind: 'at-least', sequence: 0x0123 } }))).toBe('01 03 01 23 01');
    expect(toHex(encodeRacpRequest({ op: 'report-count', filter: { kind: 'all' } }))).toBe('04 01');
    expect(toHex(encodeRacpRequest({ op: 'report-count', filter: { kind: 'at-least', sequence: 5 } }))).toBe('04 03 01 05 00');
    expect(toHex(encodeRacpRequest({ op: 'abort' }))).toBe('03 00');
    expect(toHex(encodeRacpRequest({ op: 'delete-records', filter: { kind: 'range', from: 1, to: 2 } }))).toBe('02 04 01 01 00 02 00');
    expect(toHex(encodeRacpRequest({ op: 'report-records', filter: { kind: 'last' } }))).toBe('01 06');
  });

  it('round-trips every request form through the meter-side decoder', () => {
    const reqs: RacpRequest[] = [
      { op: 'abort' },
      ...(['report-records', 'delete-records', 'report-count'] as const).flatMap((op) =>
        [{ kind: 'all' }, { kind: 'first' }, { kind: 'last' }, { kind: 'at-most', sequence: 9 }, { kind: 'at-least', sequence: 65535 }, { kind: 'range', from: 3, to: 3 }].map((filter) => ({ op, filter }) as RacpRequest),
      ),
    ];
    for (const r of reqs) expect(decodeRacpRequest(encodeRacpRequest(r))).toEqual(r);
  });

  it('decodes the number-of-records response and every response code', () => {
    expect(decodeRacpResponse(hex('05 00 2a 01'))).toEqual({ op: 'count-response', count: 298 });
    expect(decodeRacpResponse(hex('06 00 01 01'))).toEqual({ op: 'response-code', requestOpCode: 1, request: 'report-records', code: 'success' });
    expect(decodeRacpResponse(hex('06 00 01 06'))).toMatchObject({ code: 'no-records-found' });
    expect(RACP_RESPONSE_CODES).toEqual(['success', 'op-code-not-supported', 'invalid-operator', 'operator-not-supported', 'invalid-operand', 'no-records-found', 'abort-unsuccessful', 'procedure-not-completed', 'operand-not-supported']);
    RACP_RESPONSE_CODES.forEach((code, i) => {
      const bytes = encodeRacpResponse({ op: 'response-code', requestOpCode: 3, code });
      expect(bytes[3]).toBe(i + 1);
      expect(decodeRacpResponse(bytes)).toEqual({ op: 'response-code', requestOpCode: 3, request: 'abort', code });
    });
    expect(decodeRacpResponse(hex('06 00 09 02'))).toEqual({ op: 'response-code', requestOpCode: 9, code: 'op-code-not-supported' });
  });

  it('decodes either direction by op code', () => {
    expect(decodeRacp(hex('04 01'))).toEqual({ op: 'report-count', filter: { kind: 'all' } });
    expect(decodeRacp(hex('05 00 00 00'))).toEqual({ op: 'count-response', count: 0 });
  });

  it('rejects malformed responses with typed errors', () => {
    expect(() => decodeRacpResponse(hex('06 00 01 00'))).toThrow(/reserved/);
    expect(() => decodeRacpResponse(hex('06 00 01 0a'))).toThrow(DecodeError);
    expect(() => decodeRacpResponse(hex('05 01 00 00'))).toThrow(/operator must be null/);
    expect(() => decodeRacpResponse(hex('05 00 00'))).toThrow(/too|needs/);
    expect(() => decodeRacpResponse(hex('05 00 00 00 00'))).toThrow(/unexpected/);
    expect(() => decodeRacpResponse(hex('01 00'))).toThrow(/not a response/);
    expect(() => decodeRacp(hex(''))).toThrow(DecodeError);
  });

  it('tells the meter which response code answers a bad request', () => {
    const rejected = (s: string) => {
      try {
        decodeRacpRequest(hex(s));
      } catch (e) {
        expect(e).toBeInstanceOf(RacpRejection);
        expect(e).toBeInstanceOf(DecodeError);
        return (e as RacpRejection).responseCode;
      }
      return 'accepted';
    };
    expect(rejected('07 01')).toBe('op-code-not-supported');
    expect(rejected('01')).toBe('invalid-operator');
    expect(rejected('01 00')).toBe('invalid-operator');
    expect(rejected('01 07')).toBe('operator-not-supported');
    expect(rejected('03 01')).toBe('invalid-operator');
    expect(rejected('03 00 01')).toBe('invalid-operand');
    expect(rejected('01 01 00')).toBe('invalid-operand');
    expect(rejected('01 03')).toBe('invalid-operand');
    expect(rejected('01 03 01 05')).toBe('invalid-operand');
    expect(rejected('01 03 02 ea 07 01 01 00 00 00')).toBe('operand-not-supported');
    expect(rejected('01 04 01 05 00 04 00')).toBe('invalid-operand');
    expect(rejected('01 03 01 05 00')).toBe('accepted');
  });
});
