import { describe, expect, it } from 'vitest';
import { asciiBytes } from '../../../../electron/devices/drivers/contour/ascii';
import { codecs } from '../../../../electron/devices/drivers/codecs';
import { DecodeError } from '../../../../electron/devices/drivers/types';

describe('HID meter codecs in the `careloop decode` registry', () => {
  it('contour-frame decodes the Tidepool-quoted result frame and refuses a bad checksum', () => {
    const frame = asciiBytes('\x025R|3|^^^Glucose|93|mg/dL^P||A/M0/T1||201505261150\r\x1774\r\n');
    expect(codecs['contour-frame']!(frame)).toMatchObject({ frameNumber: 5, checksumOk: true, readings: [{ value: 93, sequence: 3 }] });
    const bad = frame.slice();
    bad[bad.length - 3] = 0x35;
    expect(() => codecs['contour-frame']!(bad)).toThrow(DecodeError);
  });

  it('freestyle-reply decodes a reply with its status', () => {
    expect(codecs['freestyle-reply']!(asciiBytes('CKSM:00000000\r\nCMD Fail!\r\n'))).toMatchObject({ status: 'fail', lines: [], readings: [] });
  });
});
