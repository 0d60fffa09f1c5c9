import { DecodeError } from '../types';
import { ByteReader, ByteWriter } from './bytes';

/**
 * Record Access Control Point 0x2A52 (Glucose Service 1.0 §3.110, Glucose Profile 1.0
 * §4.9). The collector writes a request (op code, operator, operand); the meter answers
 * by notifying the stored records and then indicating a response on this characteristic.
 * Op codes: 1 report stored records, 2 delete stored records, 3 abort operation, 4 report
 * number of stored records, 5 number of stored records response, 6 response code.
 * Operators: 0 null, 1 all records, 2 ≤, 3 ≥, 4 within range (inclusive), 5 first record,
 * 6 last record. Operands filter on a type byte: 1 = sequence number (uint16 each).
 */
export type RacpFilter =
  | { kind: 'all' }
  | { kind: 'at-most'; sequence: number }
  | { kind: 'at-least'; sequence: number }
  | { kind: 'range'; from: number; to: number }
  | { kind: 'first' }
  | { kind: 'last' };

export type RacpRequest =
  | { op: 'report-records'; filter: RacpFilter }
  | { op: 'delete-records'; filter: RacpFilter }
  | { op: 'report-count'; filter: RacpFilter }
  | { op: 'abort' };

export const RACP_RESPONSE_CODES = [
  'success',
  'op-code-not-supported',
  'invalid-operator',
  'operator-not-supported',
  'invalid-operand',
  'no-records-found',
  'abort-unsuccessful',
  'procedure-not-completed',
  'operand-not-supported',
] as const;
export type RacpResponseCode = (typeof RACP_RESPONSE_CODES)[number];

export type RacpResponse =
  | { op: 'count-response'; count: number }
  | { op: 'response-code'; requestOpCode: number; request?: RacpRequest['op']; code: RacpResponseCode };

const OP = { reportRecords: 1, deleteRecords: 2, abort: 3, reportCount: 4, countResponse: 5, responseCode: 6 } as const;
const OPERATOR = { null: 0, all: 1, atMost: 2, atLeast: 3, range: 4, first: 5, last: 6 } as const;
const FILTER_SEQUENCE = 0x01;
const REQUEST_OP: Record<number, RacpRequest['op']> = { 1: 'report-records', 2: 'delete-records', 3: 'abort', 4: 'report-count' };
const OP_CODE: Record<RacpRequest['op'], number> = { 'report-records': 1, 'delete-records': 2, abort: 3, 'report-count': 4 };

/** A request the meter cannot carry out, with the response code it answers with. */
export class RacpRejection extends DecodeError {
  constructor(
    readonly requestOpCode: number,
    readonly responseCode: Exclude<RacpResponseCode, 'success'>,
    message: string,
  ) {
    super(responseCode === 'op-code-not-supported' ? 'unsupported' : 'bad-field', message);
  }
}

export function encodeRacpRequest(req: RacpRequest): Uint8Array {
  const w = new ByteWriter().u8(OP_CODE[req.op]);
  if (req.op === 'abort') return w.u8(OPERATOR.null).toBytes();
  const f = req.filter;
  switch (f.kind) {
    case 'all':
      return w.u8(OPERATOR.all).toBytes();
    case 'first':
      return w.u8(OPERATOR.first).toBytes();
    case 'last':
      return w.u8(OPERATOR.last).toBytes();
    case 'at-most':
      return w.u8(OPERATOR.atMost).u8(FILTER_SEQUENCE).u16(f.sequence).toBytes();
    case 'at-least':
      return w.u8(OPERATOR.atLeast).u8(FILTER_SEQUENCE).u16(f.sequence).toBytes();
    case 'range':
      return w.u8(OPERATOR.range).u8(FILTER_SEQUENCE).u16(f.from).u16(f.to).toBytes();
  }
}

function decodeFilter(r: ByteReader, opCode: number, operator: number): RacpFilter {
  const sequenceOperand = (count: number): number[] => {
    if (r.remaining === 0) throw new RacpRejection(opCode, 'invalid-operand', `RACP: operator ${operator} needs an operand`);
    const filterType = r.u8('filter type');
    if (filterType !== FILTER_SEQUENCE) throw new RacpRejection(opCode, 'operand-not-supported', `RACP: filter type ${filterType} is not supported (only sequence number)`);
    if (r.remaining !== 2 * count) throw new RacpRejection(opCode, 'invalid-operand', `RACP: operand of operator ${operator} must be ${2 * count} bytes of sequence number, got ${r.remaining}`);
    return Array.from({ length: count }, () => r.u16('sequence number'));
  };
  const noOperand = () => {
    if (r.remaining > 0) throw new RacpRejection(opCode, 'invalid-operand', `RACP: operator ${operator} takes no operand`);
  };
  switch (operator) {
    case OPERATOR.all:
      noOperand();
      return { kind: 'all' };
    case OPERATOR.first:
      noOperand();
      return { kind: 'first' };
    case OPERATOR.last:
      noOperand();
      return { kind: 'last' };
    case OPERATOR.atMost:
      return { kind: 'at-most', sequence: sequenceOperand(1)[0]! };
    case OPERATOR.atLeast:
      return { kind: 'at-least', sequence: sequenceOperand(1)[0]! };
    case OPERATOR.range: {
      const [from, to] = sequenceOperand(2) as [number, number];
      if (from > to) throw new RacpRejection(opCode, 'invalid-operand', `RACP: range ${from}..${to} is empty`);
      return { kind: 'range', from, to };
    }
    case OPERATOR.null:
      throw new RacpRejection(opCode, 'invalid-operator', 'RACP: this op code needs an operator');
    default:
      throw new RacpRejection(opCode, 'operator-not-supported', `RACP: operator ${operator} is not supported`);
  }
}

/** Decodes a request as the meter receives it; a request it cannot honour throws RacpRejection. */
export function decodeRacpRequest(bytes: Uint8Array): RacpRequest {
  const r = new ByteReader(bytes, 'RACP request');
  const opCode = r.u8('op code');
  const op = REQUEST_OP[opCode];
  if (!op) throw new RacpRejection(opCode, 'op-code-not-supported', `RACP: op code ${opCode} is not a request`);
  if (r.remaining === 0) throw new RacpRejection(opCode, 'invalid-operator', 'RACP: the operator byte is missing');
  const operator = r.u8('operator');
  if (op === 'abort') {
    if (operator !== OPERATOR.null) throw new RacpRejection(opCode, 'invalid-operator', 'RACP: abort takes the null operator');
    if (r.remaining > 0) throw new RacpRejection(opCode, 'invalid-operand', 'RACP: abort takes no operand');
    return { op };
  }
  return { op, filter: decodeFilter(r, opCode, operator) };
}

export function encodeRacpResponse(res: RacpResponse): Uint8Array {
  const w = new ByteWriter();
  if (res.op === 'count-response') return w.u8(OP.countResponse).u8(OPERATOR.null).u16(res.count).toBytes();
  return w
    .u8(OP.responseCode)
    .u8(OPERATOR.null)
    .u8(res.requestOpCode)
    .u8(RACP_RESPONSE_CODES.indexOf(res.code) + 1)
    .toBytes();
}

/** Decodes the meter's indication: a record count or a response code for a request. */
export function decodeRacpResponse(bytes: Uint8Array): RacpResponse {
  const r = new ByteReader(bytes, 'RACP response');
  const opCode = r.u8('op code');
  const operator = r.u8('operator');
  if (operator !== OPERATOR.null) throw new DecodeError('bad-field', `RACP response: operator must be null (0), got ${operator}`, 1);
  let res: RacpResponse;
  if (opCode === OP.countResponse) {
    res = { op: 'count-response', count: r.u16('number of records') };
  } else if (opCode === OP.responseCode) {
    const requestOpCode = r.u8('request op code');
    const value = r.u8('response code value');
    const code = RACP_RESPONSE_CODES[value - 1];
    if (!code) throw new DecodeError('bad-field', `RACP response: response code value ${value} is reserved`, 3);
    const request = REQUEST_OP[requestOpCode];
    res = { op: 'response-code', requestOpCode, ...(request ? { request } : {}), code };
  } else {
    throw new DecodeError('unsupported', `RACP response: op code ${opCode} is not a response`, 0);
  }
  r.end();
  return res;
}

/** Either direction, for the command line: requests by op codes 1–4, responses by 5–6. */
export function decodeRacp(bytes: Uint8Array): RacpRequest | RacpResponse {
  const opCode = bytes[0];
  return opCode === OP.countResponse || opCode === OP.responseCode ? decodeRacpResponse(bytes) : decodeRacpRequest(bytes);
}
