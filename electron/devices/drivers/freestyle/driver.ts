import type { DeviceDriver, FetchedRecords, SessionIo } from '../../session/driver';
import type { HidLink } from '../../session/links';
import { DeviceError, type DeviceConfig } from '../../session/types';
import { asciiBytes, asciiText } from './ascii';
import { DecodeError, type DecodedReading } from '../types';
import { encodeTextCommand, parseMeterClock, setDateCommand, setTimeCommand } from './commands';
import { decodeFreeStyleReport, encodeFreeStyleReport, INIT_REPLY, INIT_SEQUENCE, MESSAGE_TYPE } from './hid-message';
import { FREESTYLE_MODELS, parseReadingRecord, recordSequence, type FreeStyleModel } from './records';
import { isReplyComplete, parseMultiRecords, parseTextReply, splitCsv, type FreeStyleReply } from './text-reply';

export interface FreeStyleDriverOptions {
  /** Chosen from the USB product id by the device service (1a61:3850 Precision Neo, 3460 InsuLinx, 3650 Libre). */
  model?: FreeStyleModel;
  readTimeoutMs?: number;
  /** Times a command is sent again after a reply that failed its checksum. */
  resends?: number;
}

/** The meter answered "CMD Fail!": it understood the command and refused it. */
export class FreeStyleCommandFailed extends DeviceError {
  constructor(readonly command: string) {
    super('unsupported-device', `The meter refused the command ${command} (CMD Fail!).`, 'The meter may not support this command; check the model chosen for it.');
  }
}

const CHANNEL = 'hid';
/** A reply longer than this many reports is not a reply (a meter holds at most a few thousand records). */
const MAX_REPLY_REPORTS = 20_000;

/**
 * The Abbott FreeStyle shared HID conversation: the init sequence (0x04, 0x05, 0x15, 0x01),
 * then text commands in 0x60 reports whose replies span reports until "CMD OK"/"CMD Fail!".
 * Readings come as one record list ($result?, $arresult? on the Libre), filtered here by
 * record id for resume. The clock is read with $date?/$time? and set with $date,/$time,.
 */
export function createFreeStyleDriver(options: FreeStyleDriverOptions = {}): DeviceDriver<HidLink> {
  const model = options.model ?? 'precision-neo';
  const spec = FREESTYLE_MODELS[model];
  const readTimeoutMs = options.readTimeoutMs ?? 5000;
  const resends = options.resends ?? 2;

  async function readMessage(link: HidLink, io: SessionIo) {
    for (;;) {
      const report = await link.read(readTimeoutMs);
      io.capture('in', CHANNEL, report);
      const message = decodeFreeStyleReport(report);
      if (message.type === MESSAGE_TYPE.sync && message.payload.length === 1) continue;
      return message;
    }
  }

  async function write(link: HidLink, io: SessionIo, report: Uint8Array): Promise<void> {
    io.capture('out', CHANNEL, report);
    await link.write(report);
  }

  /** Sends a text command and returns its verified reply; `check` may verify the message further. */
  async function command<T>(link: HidLink, io: SessionIo, text: string, check: (reply: FreeStyleReply) => T): Promise<T> {
    for (let attempt = 0; ; attempt++) {
      try {
        return await io.call(text, async () => {
          await write(link, io, encodeTextCommand(text));
          let joined = '';
          for (let n = 0; !isReplyComplete(joined); n++) {
            if (n > MAX_REPLY_REPORTS) throw new DecodeError('too-long', 'The reply never ended.');
            const message = await readMessage(link, io);
            if (message.type !== MESSAGE_TYPE.text) throw new DecodeError('bad-frame', `A text reply came as message type 0x${message.type.toString(16)}.`);
            joined += asciiText(message.payload);
          }
          const reply = parseTextReply(joined);
          if (reply.status === 'fail') throw new FreeStyleCommandFailed(text);
          return check(reply);
        });
      } catch (err) {
        // A garbled reply is asked for again: the text commands read or set state, so repeating them is safe.
        if (attempt < resends && err instanceof DeviceError && err.code === 'checksum') continue;
        throw err;
      }
    }
  }

  const firstLine = (r: FreeStyleReply) => r.lines[0] ?? '';

  return {
    family: 'freestyle',

    async connect(link, io) {
      for (const type of INIT_SEQUENCE) {
        await io.call(`init 0x${type.toString(16)}`, async () => {
          await write(link, io, encodeFreeStyleReport(type));
          const reply = await readMessage(link, io);
          if (reply.type === MESSAGE_TYPE.error) throw new DeviceError('unsupported-device', 'The meter does not speak the FreeStyle HID protocol (it refused the init sequence).');
          if (reply.type !== INIT_REPLY[type]) throw new DecodeError('bad-frame', `Init message 0x${type.toString(16)} was answered with type 0x${reply.type.toString(16)}.`);
        });
      }
    },

    async readConfig(link, io): Promise<DeviceConfig> {
      const serial = await command(link, io, spec.serialCommand, firstLine);
      if (!/^[\w-]{1,40}$/.test(serial)) throw new DeviceError('frame', 'The meter sent an unreadable serial number.');
      const firmware = await command(link, io, '$swver?', firstLine);
      const date = await command(link, io, '$date?', firstLine);
      const time = await command(link, io, '$time?', firstLine);
      const deviceNow = parseMeterClock(date, time);
      return {
        identity: { family: 'freestyle', model: spec.name, serial, ...(firmware ? { firmware } : {}) },
        ...(deviceNow ? { deviceNow } : {}),
        canSetClock: true,
      };
    },

    async fetch(link, io, highWater, onProgress): Promise<FetchedRecords> {
      const list = await command(link, io, spec.readingsCommand, (reply) => parseMultiRecords(reply.message));
      const kept: { seq: number; line: string }[] = [];
      list.records.forEach((fields, i) => {
        const seq = recordSequence(fields, model);
        if (seq !== null && (highWater === null || seq > highWater)) kept.push({ seq, line: list.lines[i]! });
        onProgress(i + 1, list.records.length);
      });
      kept.sort((a, b) => a.seq - b.seq);
      return { records: kept.map((k) => asciiBytes(k.line)) };
    },

    decode(fetched) {
      return decodeFreeStyleRecords(fetched.records, model);
    },

    async setClock(link, io, now) {
      await command(link, io, setDateCommand(now), () => undefined);
      await command(link, io, setTimeCommand(now), () => undefined);
    },

    async disconnect() {
      // The meter keeps no session state: nothing to close on the wire.
    },
  };
}

export function decodeFreeStyleRecords(records: Uint8Array[], model: FreeStyleModel): DecodedReading[] {
  const out: DecodedReading[] = [];
  for (const bytes of records) {
    const reading = parseReadingRecord(splitCsv(asciiText(bytes)), model);
    if (reading) out.push(reading);
  }
  return out;
}

export const freeStyleDriver: DeviceDriver<HidLink> = createFreeStyleDriver();
