import { asciiBytes, asciiText } from '../../../electron/devices/drivers/freestyle/ascii';
import { decodeFreeStyleReport, encodeFreeStyleReport, FREESTYLE_MAX_PAYLOAD, INIT_REPLY, MESSAGE_TYPE } from '../../../electron/devices/drivers/freestyle/hid-message';
import { FREESTYLE_MODELS, type FreeStyleModel } from '../../../electron/devices/drivers/freestyle/records';
import { encodeTextReply, hex8, textSum } from '../../../electron/devices/drivers/freestyle/text-reply';
import type { DeviceTime } from '../../../electron/devices/drivers/types';
import { generateGlucoseRecords, type SimGlucoseRecord } from './glucose-records';
import { SimulatedHidLink, type HidFaults } from './simulated-hid-link';

export interface FreeStyleSimulatorOptions extends HidFaults {
  model?: FreeStyleModel;
  serial?: string;
  softwareVersion?: string;
  /** Stored readings (mg/dL); default: 12 generated ones. */
  records?: SimGlucoseRecord[];
  /** The meter's clock (wall time, any skew included); null: the clock lost power (255 in every field). */
  meterNow?: DeviceTime | null;
  /** Text reply (1-based, counting every text reply) sent once with a wrong checksum. */
  corruptReply?: number;
  /** Synchronisation packets (0x22 0x01 xx) the meter slips in before each reply, as busy meters do. */
  busy?: number;
  /** Commands (exact text or prefix such as '$date,') the meter answers with CMD Fail!; true: every text command. */
  cmdFail?: readonly string[] | true;
}

const DEFAULT_NOW: DeviceTime = { year: 2026, month: 4, day: 1, hours: 9, minutes: 30, seconds: 0 };

/**
 * A byte-faithful FreeStyle HID meter (Precision Neo, InsuLinx or Libre record layouts):
 * answers the init sequence, then text commands in 0x60 reports with replies split over
 * 62-byte payloads, each ending in CKSM and CMD OK / CMD Fail!.
 */
export class FreeStyleSimulator extends SimulatedHidLink {
  readonly model: FreeStyleModel;
  readonly serial: string;
  readonly records: readonly SimGlucoseRecord[];
  /** The meter clock, changed by $date, / $time,. */
  meterNow: DeviceTime | null;
  /** Text commands received, in order. */
  readonly commands: string[] = [];
  private initialised = false;
  private replies = 0;
  private corruptLeft: number;

  constructor(private readonly o: FreeStyleSimulatorOptions = {}) {
    super(o);
    this.model = o.model ?? 'precision-neo';
    this.serial = o.serial ?? (this.model === 'libre' ? 'JCMV1234567' : 'CAGX123-E4567');
    this.records = o.records ?? generateGlucoseRecords({ count: 12 });
    this.meterNow = o.meterNow === undefined ? DEFAULT_NOW : o.meterNow;
    this.corruptLeft = o.corruptReply !== undefined ? 1 : 0;
  }

  protected receive(report: Uint8Array): void {
    const { type, payload } = decodeFreeStyleReport(report);
    if (type === MESSAGE_TYPE.text) {
      if (this.initialised) this.answer(asciiText(payload));
      return;
    }
    const replyType = INIT_REPLY[type];
    if (replyType === undefined) {
      this.queue(encodeFreeStyleReport(MESSAGE_TYPE.error, Uint8Array.of(0x85)));
      return;
    }
    if (type === MESSAGE_TYPE.init) this.initialised = true;
    const body =
      type === MESSAGE_TYPE.querySerial
        ? [...asciiBytes(this.serial.slice(0, 13)), 0]
        : type === MESSAGE_TYPE.querySoftwareVersion
          ? [...asciiBytes(this.softwareVersion), 0]
          : type === MESSAGE_TYPE.init
            ? [0x01]
            : [0x2a];
    this.queue(encodeFreeStyleReport(replyType, Uint8Array.from(body)));
  }

  private get softwareVersion(): string {
    return this.o.softwareVersion ?? '1.43 2016-02-11';
  }

  private fails(command: string): boolean {
    const f = this.o.cmdFail;
    return f === true || (f !== undefined && f.some((c) => command === c || (c.endsWith(',') && command.startsWith(c))));
  }

  private answer(command: string): void {
    this.commands.push(command);
    const spec = FREESTYLE_MODELS[this.model];
    let message: string | null = null;
    if (this.fails(command)) message = null;
    else if (command === spec.serialCommand) message = `${this.serial}\r\n`;
    else if (command === '$swver?') message = `${this.softwareVersion}\r\n`;
    else if (command === '$date?') message = this.meterNow ? `${this.meterNow.month},${this.meterNow.day},${this.meterNow.year - 2000}\r\n` : '255,255,255\r\n';
    else if (command === '$time?') message = this.meterNow ? `${this.meterNow.hours},${this.meterNow.minutes}\r\n` : '255,255\r\n';
    else if (command === spec.readingsCommand) message = this.recordList();
    else if (command.startsWith('$date,') || command.startsWith('$time,')) message = this.setClock(command);
    this.reply(message === null ? encodeTextReply('', 'fail') : encodeTextReply(message));
  }

  private setClock(command: string): string | null {
    const values = command.slice(6).split(',').map(Number);
    const now = this.meterNow ?? { ...DEFAULT_NOW };
    if (command.startsWith('$date,') && values.length === 3 && values.every(Number.isInteger)) {
      this.meterNow = { ...now, month: values[0]!, day: values[1]!, year: 2000 + values[2]! };
      return '';
    }
    if (command.startsWith('$time,') && values.length === 2 && values.every(Number.isInteger)) {
      this.meterNow = { ...now, hours: values[0]!, minutes: values[1]!, seconds: 0 };
      return '';
    }
    return null;
  }

  /** The readings list in the model's record layout, with its count and checksum line. */
  recordList(): string {
    if (this.records.length === 0) return 'Log Empty\r\n';
    const lines = this.records.map((r) => `${this.recordLine(r)}\r\n`).join('');
    return `${lines}${this.records.length},${hex8(textSum(lines))}\r\n`;
  }

  private recordLine(r: SimGlucoseRecord): string {
    const t = r.time;
    const date = `${t.month},${t.day},${t.year - 2000},${t.hours},${t.minutes}`;
    const value = Number.isFinite(r.value) ? String(Math.round(r.value)) : 'HI';
    if (this.model === 'precision-neo') return `7,${r.sequence},${date},0,${value},0,0,0,0,0,0,0,0,0,0`;
    if (this.model === 'insulinx') return `0,${r.sequence},${date},0,0,0,0,0,0,${value},0,0`;
    const comments = Array.from({ length: 6 }, () => '""').join(',');
    return `${r.sequence},2,${date},${t.seconds},1,0,0,0,${value},0,3,0,0,0,0,0,0,0,0,0,0,0,0,0,0,${comments}`;
  }

  private reply(text: string): void {
    this.replies++;
    let bytes = asciiBytes(text);
    if (this.corruptLeft > 0 && this.o.corruptReply === this.replies) {
      this.corruptLeft--;
      bytes = bytes.slice();
      // Change one checksum digit: the reply keeps its form, its CKSM no longer matches.
      const at = text.lastIndexOf('CKSM:') + 5;
      bytes[at] = bytes[at] === 0x30 ? 0x31 : 0x30;
    }
    for (let i = 0; i < (this.o.busy ?? 0); i++) this.queue(encodeFreeStyleReport(MESSAGE_TYPE.sync, Uint8Array.of(i & 0xff)));
    for (let at = 0; at < bytes.length; at += FREESTYLE_MAX_PAYLOAD) this.queue(encodeFreeStyleReport(MESSAGE_TYPE.text, bytes.subarray(at, at + FREESTYLE_MAX_PAYLOAD)));
  }
}
