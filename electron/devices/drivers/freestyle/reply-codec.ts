import { asciiText } from './ascii';
import { DecodeError, type DecodedReading } from '../types';
import { parseReadingRecord, type FreeStyleModel } from './records';
import { parseMultiRecords, parseTextReply } from './text-reply';

export interface FreeStyleReplyDecoded {
  status: 'ok' | 'fail';
  checksum: string;
  checksumOk: true;
  lines: string[];
  /** Present when the message is a record list (count and its own checksum verified). */
  records?: string[][];
  readings: DecodedReading[];
}

/**
 * The `freestyle-reply` codec: one reply's text (the 0x60 reports' payloads joined) → its
 * lines, status, checksum check and, for a record list, the records and the glucose
 * readings they hold (record layout of `model`). Bad checksums and framing throw DecodeError.
 */
export function decodeFreeStyleReply(bytes: Uint8Array, model: FreeStyleModel = 'precision-neo'): FreeStyleReplyDecoded {
  const reply = parseTextReply(asciiText(bytes));
  const out: FreeStyleReplyDecoded = { status: reply.status, checksum: reply.checksum, checksumOk: true, lines: reply.lines, readings: [] };
  const looksLikeList = reply.message === 'Log Empty\r\n' || /(^|\r\n)\d{1,6},[0-9A-F]{8}\r\n$/.test(reply.message);
  if (!looksLikeList) return out;
  const list = parseMultiRecords(reply.message);
  out.records = list.records;
  for (const fields of list.records) {
    try {
      const r = parseReadingRecord(fields, model);
      if (r) out.readings.push(r);
    } catch (err) {
      if (!(err instanceof DecodeError)) throw err;
      throw new DecodeError(err.code, `Record ${list.records.indexOf(fields) + 1}: ${err.message}`);
    }
  }
  return out;
}
