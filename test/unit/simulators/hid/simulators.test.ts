import { describe, expect, it } from 'vitest';
import { ACK, decodeAstmFrame, ENQ, EOT, NAK } from '../../../../electron/devices/drivers/contour/astm-frame';
import { decodeContourReport, encodeContourReports } from '../../../../electron/devices/drivers/contour/hid-report';
import { encodeTextCommand } from '../../../../electron/devices/drivers/freestyle/commands';
import { decodeFreeStyleReport, encodeFreeStyleReport } from '../../../../electron/devices/drivers/freestyle/hid-message';
import { parseMultiRecords, parseTextReply } from '../../../../electron/devices/drivers/freestyle/text-reply';
import { asciiText } from '../../../../electron/devices/drivers/freestyle/ascii';
import { DeviceError } from '../../../../electron/devices/session/types';
import { ContourSimulator } from '../../../../native/simulators/hid/contour-simulator';
import { FreeStyleSimulator } from '../../../../native/simulators/hid/freestyle-simulator';

async function rejection(p: Promise<unknown>): Promise<DeviceError> {
  try {
    await p;
  } catch (err) {
    if (err instanceof DeviceError) return err;
    throw err;
  }
  throw new Error('expected a rejection');
}

async function sendContour(sim: ContourSimulator, byte: number) {
  await sim.write(encodeContourReports(Uint8Array.of(byte))[0]!);
}

async function readContour(sim: ContourSimulator): Promise<Uint8Array> {
  const parts: number[] = [];
  for (;;) {
    const { payload, more } = decodeContourReport(await sim.read(100));
    parts.push(...payload);
    if (!more) return Uint8Array.from(parts);
  }
}

describe('Contour simulator', () => {
  it('never hangs: with nothing to send a read rejects with timeout at once', async () => {
    expect((await rejection(new ContourSimulator().read(5000))).code).toBe('timeout');
  });

  it('answers EOT with ENQ, sends frames 1, 2, … per ACK and ends with EOT', async () => {
    const sim = new ContourSimulator();
    await sendContour(sim, EOT);
    expect([...(await readContour(sim))]).toEqual([ENQ]);
    const numbers: number[] = [];
    await sendContour(sim, ACK);
    for (;;) {
      const msg = await readContour(sim);
      if (msg.length === 1) {
        expect(msg[0]).toBe(EOT);
        break;
      }
      const f = decodeAstmFrame(msg);
      numbers.push(f.frameNumber);
      await sendContour(sim, ACK);
    }
    expect(numbers.length).toBe(sim.frames.length);
    expect(numbers.slice(0, 9)).toEqual([1, 2, 3, 4, 5, 6, 7, 0, 1]);
  });

  it('answers NAK while busy, resends a NAKed frame and gives up with EOT after six tries', async () => {
    const sim = new ContourSimulator({ busy: 1, corruptFrame: 1 });
    await sendContour(sim, EOT);
    expect([...(await readContour(sim))]).toEqual([NAK]);
    await sendContour(sim, EOT);
    expect([...(await readContour(sim))]).toEqual([ENQ]);
    await sendContour(sim, ACK);
    const corrupted = await readContour(sim);
    expect(() => decodeAstmFrame(corrupted)).toThrow(/checksum/);
    for (let i = 0; i < 5; i++) {
      await sendContour(sim, NAK);
      expect(decodeAstmFrame(await readContour(sim)).frameNumber).toBe(1);
    }
    await sendContour(sim, NAK);
    expect([...(await readContour(sim))]).toEqual([EOT]);
  });

  it('is unplugged from the given step on', async () => {
    const sim = new ContourSimulator({ disconnectAtStep: 2 });
    await sendContour(sim, EOT);
    expect((await rejection(sim.read(10))).code).toBe('unplugged');
    expect((await rejection(sendContour(sim, ACK))).code).toBe('unplugged');
  });
});

describe('FreeStyle simulator', () => {
  async function text(sim: FreeStyleSimulator, command: string): Promise<string> {
    await sim.write(encodeTextCommand(command));
    let joined = '';
    while (!joined.endsWith('\r\n') || !/CMD (OK|Fail!)\r\n$/.test(joined)) {
      const m = decodeFreeStyleReport(await sim.read(100));
      if (m.type === 0x22) continue;
      joined += asciiText(m.payload);
    }
    return joined;
  }

  async function init(sim: FreeStyleSimulator) {
    for (const [type, reply] of [
      [0x04, 0x34],
      [0x05, 0x06],
      [0x15, 0x35],
      [0x01, 0x71],
    ] as const) {
      await sim.write(encodeFreeStyleReport(type));
      expect(decodeFreeStyleReport(await sim.read(100)).type).toBe(reply);
    }
  }

  it('answers nothing to text before the init sequence, and 0x30 0x01 0x85 to unknown types', async () => {
    const sim = new FreeStyleSimulator();
    await sim.write(encodeTextCommand('$swver?'));
    expect((await rejection(sim.read(100))).code).toBe('timeout');
    await sim.write(encodeFreeStyleReport(0x44));
    expect(decodeFreeStyleReport(await sim.read(100))).toEqual({ type: 0x30, payload: Uint8Array.of(0x85) });
  });

  it('splits long replies over 62-byte reports with a verifiable record list', async () => {
    const sim = new FreeStyleSimulator();
    await init(sim);
    const reply = parseTextReply(await text(sim, '$result?'));
    expect(parseMultiRecords(reply.message).records.length).toBe(12);
    expect(parseTextReply(await text(sim, '$nosuch?')).status).toBe('fail');
  });

  it('keeps and sets its clock; cmdFail refuses the named commands', async () => {
    const sim = new FreeStyleSimulator({ cmdFail: ['$time,'] });
    await init(sim);
    expect(parseTextReply(await text(sim, '$date,12,31,27')).status).toBe('ok');
    expect(parseTextReply(await text(sim, '$date?')).lines).toEqual(['12,31,27']);
    expect(parseTextReply(await text(sim, '$time,1,2')).status).toBe('fail');
  });
});
