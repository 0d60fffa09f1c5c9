import type { DeviceDriver, FetchedRecords, SessionIo } from '../../session/driver';
import type { HidLink } from '../../session/links';
import { DeviceError, type DeviceConfig } from '../../session/types';
import { asciiBytes, asciiText } from './ascii';
import { DecodeError, type DecodedReading } from '../types';
import { ACK, AstmRecordAssembler, decodeAstmFrame, ENQ, EOT, NAK, STX } from './astm-frame';
import { DEFAULT_DELIMITERS, parseContourRecord, resultToReading, type AstmDelimiters, type ContourHeader } from './astm-records';
import { decodeContourReport, encodeContourReports } from './hid-report';

export interface ContourDriverOptions {
  /** How long one HID read waits for the meter (E1381 allows the sender 15 s between frames). */
  readTimeoutMs?: number;
  /** NAKs sent for one frame before giving up (E1381: the sender aborts after 6 failed tries). */
  maxNaks?: number;
}

interface Transfer {
  expected: number;
  lastAccepted: number | null;
  assembler: AstmRecordAssembler;
  delimiters: AstmDelimiters;
  header?: ContourHeader;
  /** Records received but not yet handed on (a frame can complete several). */
  pending: string[];
  sawTerminator: boolean;
}

const CHANNEL = 'hid';

/**
 * The Contour Next USB conversation (ASTM E1381 over HID, E1394 records). The meter is the
 * sender: the host wakes it with EOT, the meter asks to send with ENQ, the host ACKs, then
 * every frame (header, patient, results, terminator) is ACKed or NAKed by the host until the
 * meter ends with EOT. The meter cannot filter by sequence, so resume skips records here.
 * Its clock cannot be set over this protocol.
 */
export function createContourDriver(options: ContourDriverOptions = {}): DeviceDriver<HidLink> {
  const readTimeoutMs = options.readTimeoutMs ?? 15_000;
  const maxNaks = options.maxNaks ?? 6;
  const transfers = new WeakMap<HidLink, Transfer>();

  async function send(link: HidLink, io: SessionIo, byte: number): Promise<void> {
    for (const report of encodeContourReports(Uint8Array.of(byte))) {
      io.capture('out', CHANNEL, report);
      await io.call('write', () => link.write(report));
    }
  }

  /** Reads reports until one ends the message; `read` is the single-report read to use. */
  async function readMessage(io: SessionIo, read: () => Promise<Uint8Array>): Promise<Uint8Array> {
    const parts: Uint8Array[] = [];
    for (;;) {
      const report = await read();
      io.capture('in', CHANNEL, report);
      const { payload, more } = decodeContourReport(report);
      parts.push(payload);
      if (!more) break;
    }
    const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
    let at = 0;
    for (const p of parts) {
      out.set(p, at);
      at += p.length;
    }
    return out;
  }

  function transferOf(link: HidLink): Transfer {
    const t = transfers.get(link);
    if (!t) throw new DeviceError('frame', 'The meter conversation was not opened (connect first).');
    return t;
  }

  /** The next complete records, or null when the meter ended the transfer with EOT. */
  async function nextRecords(link: HidLink, io: SessionIo, t: Transfer): Promise<string[] | null> {
    if (t.pending.length) return t.pending.splice(0);
    let failures = 0;
    const reject = async (err: DecodeError): Promise<void> => {
      failures++;
      if (failures > maxNaks) throw new DeviceError(err.code === 'bad-checksum' ? 'checksum' : 'frame', `The meter sent ${failures} bad frames in a row: ${err.message}`);
      await send(link, io, NAK);
    };
    for (;;) {
      let message: Uint8Array;
      try {
        message = await readMessage(io, () => io.call('read', () => link.read(readTimeoutMs)));
      } catch (err) {
        if (err instanceof DecodeError) {
          await reject(err);
          continue;
        }
        throw err;
      }
      const stx = message.indexOf(STX);
      if (stx < 0) {
        const last = message[message.length - 1];
        if (last === EOT) return null;
        if (last === ENQ) {
          // The meter gave up waiting and starts its transfer again from frame 1.
          t.expected = 1;
          t.lastAccepted = null;
          t.assembler = new AstmRecordAssembler();
          await send(link, io, ACK);
          continue;
        }
        await reject(new DecodeError('bad-frame', 'The meter sent neither a frame nor EOT.'));
        continue;
      }
      const lf = message.lastIndexOf(0x0a);
      let frame;
      try {
        frame = decodeAstmFrame(message.subarray(stx, lf > stx ? lf + 1 : message.length));
      } catch (err) {
        if (!(err instanceof DecodeError)) throw err;
        await reject(err);
        continue;
      }
      if (frame.frameNumber === t.lastAccepted) {
        // Our ACK was lost and the meter sent the frame again: acknowledge, keep nothing.
        await send(link, io, ACK);
        continue;
      }
      if (frame.frameNumber !== t.expected) {
        await reject(new DecodeError('out-of-sequence', `Frame ${frame.frameNumber} arrived where frame ${t.expected} was due.`));
        continue;
      }
      t.lastAccepted = frame.frameNumber;
      t.expected = (frame.frameNumber + 1) % 8;
      failures = 0;
      const records = t.assembler.push(frame);
      await send(link, io, ACK);
      if (records.length) return records;
    }
  }

  return {
    family: 'contour',

    async connect(link, io) {
      await io.call('wake', async () => {
        for (const report of encodeContourReports(Uint8Array.of(EOT))) {
          io.capture('out', CHANNEL, report);
          await link.write(report);
        }
        const reply = await readMessage(io, () => link.read(readTimeoutMs));
        const last = reply[reply.length - 1];
        if (last === NAK) throw new DeviceError('busy', 'The meter is busy; it will be asked again.');
        if (last !== ENQ) throw new DeviceError('frame', 'The meter did not offer to send its data (no ENQ).');
      });
      transfers.set(link, { expected: 1, lastAccepted: null, assembler: new AstmRecordAssembler(), delimiters: DEFAULT_DELIMITERS, pending: [], sawTerminator: false });
      await send(link, io, ACK);
    },

    async readConfig(link, io): Promise<DeviceConfig> {
      const t = transferOf(link);
      const records = await nextRecords(link, io, t);
      const first = records?.[0];
      if (!records || first === undefined || first[0] !== 'H') throw new DeviceError('frame', 'The meter did not start its transfer with a header record.');
      const header = parseContourRecord(first) as ContourHeader;
      t.header = header;
      t.delimiters = header.delimiters;
      t.pending.push(...records.slice(1));
      return {
        identity: { family: 'contour', model: header.model, serial: header.serial, ...(header.versions.length ? { firmware: header.versions.join('/') } : {}) },
        deviceNow: header.meterTime,
        ...(header.recordCount !== undefined ? { recordCount: header.recordCount } : {}),
        canSetClock: false,
      };
    },

    async fetch(link, io, highWater, onProgress): Promise<FetchedRecords> {
      const t = transferOf(link);
      const total = t.header?.recordCount;
      const bySequence = new Map<number, string>();
      let seen = 0;
      for (;;) {
        const records = await nextRecords(link, io, t);
        if (records === null) break;
        for (const text of records) {
          if (text[0] === 'L') t.sawTerminator = true;
          if (text[0] !== 'R') continue;
          seen++;
          onProgress(seen, total);
          const seq = Number(text.split(t.delimiters.field)[1]);
          // Unreadable sequence numbers are kept so decode reports them.
          if (highWater === null || !Number.isInteger(seq) || seq > highWater) bySequence.set(Number.isInteger(seq) ? seq : -bySequence.size - 1, text);
        }
      }
      if (!t.sawTerminator) throw new DeviceError('frame', 'The meter ended its transfer before the terminator record; nothing was kept.');
      const ordered = [...bySequence.entries()].sort((a, b) => a[0] - b[0]).map(([, text]) => asciiBytes(text));
      const headerText = t.header ? [asciiBytes(headerLine(t.header))] : [];
      return { records: [...headerText, ...ordered] };
    },

    decode(fetched) {
      return decodeContourRecords(fetched.records);
    },

    async disconnect(link) {
      transfers.delete(link);
    },
  };
}

/** The delimiter prefix of the header, enough for decode to split the records that follow. */
function headerLine(h: ContourHeader): string {
  const d = h.delimiters;
  return `H${d.field}${d.repeat}${d.component}${d.escape}`;
}

/** Decodes fetched records (an optional leading header naming the delimiters, then result records). */
export function decodeContourRecords(records: Uint8Array[]): DecodedReading[] {
  let delimiters = DEFAULT_DELIMITERS;
  const out: DecodedReading[] = [];
  for (const bytes of records) {
    const text = asciiText(bytes);
    if (text[0] === 'H') {
      if (text.length < 5) throw new DecodeError('too-short', 'A header record starts with H and four delimiters.');
      delimiters = { field: text[1]!, repeat: text[2]!, component: text[3]!, escape: text[4]! };
      continue;
    }
    const record = parseContourRecord(text, delimiters);
    if (record.kind !== 'result') continue;
    const reading = resultToReading(record);
    if (reading) out.push(reading);
  }
  return out;
}

export const contourDriver: DeviceDriver<HidLink> = createContourDriver();
