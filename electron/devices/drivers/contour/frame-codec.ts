import type { DecodedReading } from '../types';
import { decodeAstmFrame } from './astm-frame';
import { parseContourRecord, resultToReading, type ContourRecord } from './astm-records';

export interface ContourFrameDecoded {
  frameNumber: number;
  /** ETX (last frame of the message) or ETB (more frames follow). */
  end: 'ETX' | 'ETB';
  checksum: string;
  checksumOk: true;
  /** Records that end in this frame. */
  records: ContourRecord[];
  /** Text of a record that continues in the next frame, if any. */
  continues?: string;
  readings: DecodedReading[];
}

/**
 * The `contour-frame` codec: one ASTM E1381 frame → its frame number, the E1394 records it
 * completes and their glucose readings. A bad checksum or frame throws a DecodeError.
 */
export function decodeContourFrame(bytes: Uint8Array): ContourFrameDecoded {
  const frame = decodeAstmFrame(bytes);
  const pieces = frame.text.split('\r');
  const tail = pieces.pop() ?? '';
  const complete = pieces.filter((p) => p.length > 0);
  let continues: string | undefined;
  if (tail) {
    if (frame.final) complete.push(tail);
    else continues = tail;
  }
  const records = complete.map((text) => parseContourRecord(text));
  const readings: DecodedReading[] = [];
  for (const r of records) {
    if (r.kind !== 'result') continue;
    const reading = resultToReading(r);
    if (reading) readings.push(reading);
  }
  return {
    frameNumber: frame.frameNumber,
    end: frame.final ? 'ETX' : 'ETB',
    checksum: frame.checksum,
    checksumOk: true,
    records,
    ...(continues !== undefined ? { continues } : {}),
    readings,
  };
}
