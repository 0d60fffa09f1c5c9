import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { CliInputError, type CliCommand } from '../command';
import type { DeviceTarget } from '../../common/contract/main-api';
import { defaultDeviceCatalog } from '../../electron/devices/default-catalog';
import { toWireReading } from '../../electron/devices/download-service';
import { CaptureFormatError, decodeCapture } from '../../electron/devices/session/capture-file';
import type { DeviceDriver } from '../../electron/devices/session/driver';
import type { GattLink, HidLink } from '../../electron/devices/session/links';
import { ReplayGattLink, ReplayHidLink, replaySession, type ReplayResult } from '../../electron/devices/session/replay';
import type { RawCaptureEntry } from '../../electron/devices/session/types';

const USAGE = `Usage: careloop replay <capture.clcap | capture.clcap.gz> --driver <simulator or family> [--host-time ISO] [--time-zone ZONE]

Runs a recorded download session again through a driver, answering from the raw capture
instead of a device, and prints each decoded reading as one JSON line; a session that
failed prints its typed failure as the last line and exits 1. --driver takes a simulator
name (see careloop download --list) or a driver family (contour, freestyle, ble-glucose,
ble-blood-pressure, ble-thermometer, ble-scale, ble-oximeter). --host-time and --time-zone
set the workstation clock the device clock is compared with (default: now, local zone).`;

const GZIP = [0x1f, 0x8b];

function option(args: string[], name: string): string | undefined {
  const i = args.indexOf(name);
  if (i < 0) return undefined;
  const v = args[i + 1];
  if (v === undefined || v.startsWith('--')) throw new CliInputError(`${name} needs a value`);
  return v;
}

function readCapture(path: string): RawCaptureEntry[] {
  let bytes: Uint8Array;
  try {
    bytes = new Uint8Array(readFileSync(path));
  } catch {
    throw new CliInputError(`cannot read ${path}`);
  }
  try {
    if (bytes[0] === GZIP[0] && bytes[1] === GZIP[1]) bytes = new Uint8Array(gunzipSync(bytes));
    return decodeCapture(bytes);
  } catch (err) {
    if (err instanceof CaptureFormatError) throw new CliInputError(`${path}: ${err.message}`);
    throw new CliInputError(`${path}: not a gzip-compressed capture`);
  }
}

/** The driver and the wire it speaks, by simulator name or by family. */
function resolveDriver(name: string): { driver: DeviceDriver<unknown>; transport: 'usb' | 'ble' } {
  const catalog = defaultDeviceCatalog();
  const sim = catalog.simulators().find((s) => s.name === name);
  const target: DeviceTarget = sim
    ? { kind: 'simulated', simulator: name, serial: 'replay' }
    : name === 'contour' || name === 'freestyle'
      ? { kind: 'usb', family: name, vendorId: 0, productId: 0 }
      : { kind: 'ble', family: name, address: 'replay' };
  try {
    return { driver: catalog.driverFor(target), transport: sim ? sim.transport : target.kind === 'usb' ? 'usb' : 'ble' };
  } catch {
    throw new CliInputError(`no driver called '${name}' (simulators: ${catalog.simulators().filter((s) => s.mode === 'download').map((s) => s.name).join(', ')})`);
  }
}

export const replayCommand: CliCommand = {
  name: 'replay',
  summary: 'replay a recorded raw capture through its driver and print the decoded readings',
  usage: USAGE,
  async run(args, io) {
    const path = args.find((a, i) => !a.startsWith('--') && (i === 0 || !args[i - 1]!.startsWith('--')));
    const driverName = option(args, '--driver');
    if (!path || !driverName) {
      io.stderr(`${USAGE}\n`);
      return 2;
    }
    const hostTime = option(args, '--host-time');
    const hostUtcMs = hostTime === undefined ? Date.now() : Date.parse(hostTime);
    if (Number.isNaN(hostUtcMs)) throw new CliInputError('--host-time needs an ISO 8601 date and time');
    const timeZone = option(args, '--time-zone') ?? Intl.DateTimeFormat().resolvedOptions().timeZone;
    try {
      new Intl.DateTimeFormat('en-US', { timeZone });
    } catch {
      throw new CliInputError(`unknown time zone '${timeZone}'`);
    }
    const capture = readCapture(path);
    const { driver, transport } = resolveDriver(driverName);
    const options = { capture, hostUtcMs, timeZone };
    const result: ReplayResult =
      transport === 'usb'
        ? await replaySession(driver as DeviceDriver<HidLink>, new ReplayHidLink(capture), options)
        : await replaySession(driver as DeviceDriver<GattLink>, new ReplayGattLink(capture), options);
    for (const r of result.readings) io.stdout(`${JSON.stringify(toWireReading(r))}\n`);
    if (result.unreplayed > 0 && !result.failure) io.stderr(`careloop replay: the driver finished with ${result.unreplayed} capture entries not replayed\n`);
    if (result.failure) {
      const f = result.failure;
      io.stdout(`${JSON.stringify({ failure: { code: f.code, message: f.message, ...(f.hint ? { hint: f.hint } : {}) } })}\n`);
      return 1;
    }
    return 0;
  },
};
