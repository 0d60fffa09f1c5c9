import { DecodeError } from '../types';

/**
 * FreeStyle text replies (shared HID protocol): once the reports are joined,
 *   reply   = message "CKSM:" 8HEXDIG CRLF "CMD" SP ("OK" / "Fail!") CRLF
 * where the checksum is the 32-bit sum of the message bytes (its final CRLF included), and
 * "00000000" for the empty message of a failed command. Commands returning a list add
 *   message = ( "Log Empty" CRLF ) / ( *( record CRLF ) count "," 8HEXDIG CRLF )
 * with a second checksum over the records (their CRLFs included).
 */
export interface FreeStyleReply {
  message: string;
  /** The message's lines without their CRLF. */
  lines: string[];
  checksum: string;
  status: 'ok' | 'fail';
}

const TRAILER = /CKSM:([0-9A-Fa-f]{8})\r\nCMD (OK|Fail!)\r\n$/;

/** Whether the text joined so far ends a reply (so no more reports need be read). */
export function isReplyComplete(text: string): boolean {
  return text.endsWith('CMD OK\r\n') || text.endsWith('CMD Fail!\r\n');
}

export function textSum(text: string): number {
  let sum = 0;
  for (let i = 0; i < text.length; i++) sum = (sum + text.charCodeAt(i)) >>> 0;
  return sum;
}

export function hex8(n: number): string {
  return (n >>> 0).toString(16).toUpperCase().padStart(8, '0');
}

function splitLines(message: string): string[] {
  if (message === '') return [];
  const lines = message.split('\r\n');
  if (lines.at(-1) === '') lines.pop();
  return lines;
}

export function parseTextReply(text: string): FreeStyleReply {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c > 0x7e || (c < 0x20 && c !== 0x0d && c !== 0x0a)) throw new DecodeError('bad-frame', `A FreeStyle reply is printable ASCII; byte 0x${c.toString(16)} at ${i}.`, i);
  }
  const m = TRAILER.exec(text);
  if (!m) {
    if (!text.includes('CKSM:')) throw new DecodeError(text.length < 20 ? 'too-short' : 'bad-frame', 'The reply has no CKSM:/CMD trailer (truncated?).');
    throw new DecodeError('bad-frame', 'The reply does not end with CKSM:XXXXXXXX and CMD OK or CMD Fail!.');
  }
  const message = text.slice(0, m.index);
  const checksum = m[1]!.toUpperCase();
  const computed = hex8(textSum(message));
  if (checksum !== computed) throw new DecodeError('bad-checksum', `Reply checksum ${checksum} does not match the computed ${computed}.`, m.index);
  return { message, lines: splitLines(message), checksum, status: m[2] === 'OK' ? 'ok' : 'fail' };
}

export function encodeTextReply(message: string, status: 'ok' | 'fail' = 'ok'): string {
  return `${message}CKSM:${hex8(textSum(message))}\r\nCMD ${status === 'ok' ? 'OK' : 'Fail!'}\r\n`;
}

export interface MultiRecords {
  /** Each record's comma-separated values (double-quoted values unquoted). */
  records: string[][];
  /** Each record line as sent, for the raw capture. */
  lines: string[];
}

const COUNT_LINE = /^(\d{1,6}),([0-9A-Fa-f]{8})$/;

export function parseMultiRecords(message: string): MultiRecords {
  if (message === 'Log Empty\r\n') return { records: [], lines: [] };
  if (!message.endsWith('\r\n')) throw new DecodeError('bad-frame', 'A record list ends with CRLF.');
  const body = message.slice(0, -2);
  const lastBreak = body.lastIndexOf('\r\n');
  const countLine = body.slice(lastBreak + 2);
  const m = COUNT_LINE.exec(countLine);
  if (!m) throw new DecodeError('bad-frame', 'A record list ends with its count and checksum.');
  const recordsText = lastBreak < 0 ? '' : body.slice(0, lastBreak + 2);
  const computed = hex8(textSum(recordsText));
  if (m[2]!.toUpperCase() !== computed) throw new DecodeError('bad-checksum', `Record list checksum ${m[2]} does not match the computed ${computed}.`);
  const lines = splitLines(recordsText);
  if (lines.length !== Number(m[1])) throw new DecodeError('bad-field', `The record list says ${m[1]} records but holds ${lines.length}.`);
  return { records: lines.map(splitCsv), lines };
}

/** Comma-separated values; a double-quoted value may hold commas. */
export function splitCsv(line: string): string[] {
  const out: string[] = [];
  let value = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i]!;
    if (quoted) {
      if (c === '"') quoted = false;
      else value += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      out.push(value);
      value = '';
    } else value += c;
  }
  if (quoted) throw new DecodeError('bad-field', 'A quoted value is not closed.');
  out.push(value);
  return out;
}
