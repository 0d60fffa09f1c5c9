import { ACK, ASTM_MAX_TEXT, encodeAstmFrame, ENQ, EOT, NAK } from '../../../electron/devices/drivers/contour/astm-frame';
import { formatAstmDateTime } from '../../../electron/devices/drivers/contour/astm-records';
import { decodeContourReport, encodeContourReports } from '../../../electron/devices/drivers/contour/hid-report';
import type { DeviceTime } from '../../../electron/devices/drivers/types';
import { generateGlucoseRecords, type SimGlucoseRecord } from './glucose-records';
import { SimulatedHidLink, type HidFaults } from './simulated-hid-link';

export interface ContourSimulatorOptions extends HidFaults {
  serial?: string;
  /** Header product code; 'Bayer7410' is the Contour Next USB. */
  productCode?: string;
  /** Unit the meter displays (header U=). */
  unit?: 'mg/dL' | 'mmol/L';
  /** Stored results; default: 12 generated ones. */
  records?: SimGlucoseRecord[];
  /** The meter's clock (wall time, any skew included). */
  meterNow?: DeviceTime;
  /** Transfer frame (1-based) whose first transmission carries a wrong checksum. */
  corruptFrame?: number;
  /** Wake requests the meter answers with NAK (busy) before it offers its data. */
  busy?: number;
  /** Text per frame; below 240 it forces records to split over ETB frames. */
  maxFrameText?: number;
}

type State = 'idle' | 'offered' | 'sending' | 'done';

const DEFAULT_NOW: DeviceTime = { year: 2026, month: 4, day: 1, hours: 9, minutes: 30, seconds: 0 };

/**
 * A byte-faithful Contour Next USB: ASTM E1381 frames carrying E1394 records in 64-byte
 * HID reports. The host wakes it with EOT; it answers ENQ (or NAK while busy); after the
 * host's ACK it sends header, patient, results and terminator, one frame per ACK, resending
 * a frame on NAK (at most 6 tries, then EOT, as E1381 requires of a sender), and ends with EOT.
 */
export class ContourSimulator extends SimulatedHidLink {
  readonly records: readonly SimGlucoseRecord[];
  readonly serial: string;
  /** Every frame of one transfer, in order (clean copies). */
  readonly frames: readonly Uint8Array[];
  private state: State = 'idle';
  private index = 0;
  private naks = 0;
  private busyLeft: number;
  private corruptLeft: number;

  constructor(private readonly o: ContourSimulatorOptions = {}) {
    super(o);
    this.serial = o.serial ?? '7410-1234567';
    this.records = o.records ?? generateGlucoseRecords({ count: 12, unit: o.unit ?? 'mg/dL' });
    this.busyLeft = o.busy ?? 0;
    this.corruptLeft = o.corruptFrame !== undefined ? 1 : 0;
    this.frames = this.buildFrames();
  }

  /** The E1394 records of one transfer, without their CR terminators. */
  recordTexts(): string[] {
    const unit = this.o.unit ?? 'mg/dL';
    const header =
      `H|\\^&||qvqOi8|${this.o.productCode ?? 'Bayer7410'}^01.24\\01.04\\09.02.20^${this.serial}^7410-|` +
      `A=1^C=63^G=1^I=0200^R=0^S=1^U=${unit === 'mg/dL' ? 0 : 1}^V=10600^X=070070070070180130150250^Y=360126090050099050300089^Z=1|` +
      `${this.records.length}||||||1|${formatAstmDateTime(this.o.meterNow ?? DEFAULT_NOW)}`;
    const results = this.records.map((r) => {
      const value = r.unit === 'mmol/L' ? r.value.toFixed(1) : String(Math.round(r.value));
      return `R|${r.sequence}|^^^Glucose|${value}|${r.unit}^P||${r.markers.join('/')}||${formatAstmDateTime(r.time)}`;
    });
    return [header, 'P|1', ...results, 'L|1||N'];
  }

  private buildFrames(): Uint8Array[] {
    const max = Math.min(this.o.maxFrameText ?? ASTM_MAX_TEXT, ASTM_MAX_TEXT);
    const texts: string[] = [];
    for (const record of this.recordTexts()) {
      const text = `${record}\r`;
      for (let at = 0; at < text.length; at += max) texts.push(text.slice(at, at + max));
    }
    return texts.map((text, i) => encodeAstmFrame((i + 1) % 8, text, i === texts.length - 1));
  }

  protected receive(report: Uint8Array): void {
    const { payload } = decodeContourReport(report);
    const byte = payload[payload.length - 1];
    if (byte === EOT) {
      if (this.busyLeft > 0) {
        this.busyLeft--;
        this.sendBytes(Uint8Array.of(NAK));
        return;
      }
      this.state = 'offered';
      this.sendBytes(Uint8Array.of(ENQ));
    } else if (byte === ACK) {
      if (this.state === 'offered') {
        this.state = 'sending';
        this.index = 0;
        this.naks = 0;
        this.sendFrame();
      } else if (this.state === 'sending') {
        this.index++;
        this.naks = 0;
        if (this.index >= this.frames.length) {
          this.state = 'done';
          this.sendBytes(Uint8Array.of(EOT));
        } else this.sendFrame();
      }
    } else if (byte === NAK && this.state === 'sending') {
      this.naks++;
      if (this.naks >= 6) {
        this.state = 'idle';
        this.sendBytes(Uint8Array.of(EOT));
      } else this.sendFrame();
    }
  }

  private sendFrame(): void {
    let frame = this.frames[this.index]!;
    if (this.corruptLeft > 0 && this.o.corruptFrame === this.index + 1) {
      this.corruptLeft--;
      frame = frame.slice();
      // Flip the first checksum digit to another hex digit: the frame stays well formed, its checksum wrong.
      const at = frame.length - 4;
      frame[at] = frame[at] === 0x30 ? 0x31 : 0x30;
    }
    this.sendBytes(frame);
  }

  private sendBytes(message: Uint8Array): void {
    this.queue(...encodeContourReports(message));
  }
}
