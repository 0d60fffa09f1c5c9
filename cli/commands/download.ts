import { CliInputError, type CliCommand } from '../command';
import { defaultDeviceCatalog } from '../../electron/devices/default-catalog';
import { runDownload } from '../../electron/devices/session/run-download';
import { DeviceError, type DeviceReading } from '../../electron/devices/session/types';
import type { DeviceTarget } from '../../common/contract/main-api';

const USAGE = `Usage: careloop download --simulate <device> [--records N] [--disconnect-at K] [--clock-skew MINUTES] [--serial S] [--high-water SEQ]

Runs a whole download session (connect, configure, fetch, decode, store, disconnect) against
a byte-faithful simulator and prints its summary as JSON. --disconnect-at K pulls the cable at
the K-th transport call; the summary then says where it stopped. Devices: see --list.
       careloop download --list`;

function intOption(args: string[], name: string): number | undefined {
  const i = args.indexOf(name);
  if (i < 0) return undefined;
  const raw = args[i + 1];
  const n = Number(raw);
  if (raw === undefined || !Number.isInteger(n)) throw new CliInputError(`${name} needs a whole number`);
  return n;
}

export const downloadCommand: CliCommand = {
  name: 'download',
  summary: 'run a download session against a simulated device and print its summary',
  usage: USAGE,
  async run(args, io) {
    const catalog = defaultDeviceCatalog();
    if (args.includes('--list')) {
      io.stdout(`${JSON.stringify(catalog.simulators(), null, 2)}\n`);
      return 0;
    }
    const i = args.indexOf('--simulate');
    const name = i >= 0 ? args[i + 1] : undefined;
    if (!name) {
      io.stderr(`${USAGE}\n`);
      return 2;
    }
    const info = catalog.simulators().find((s) => s.name === name);
    if (!info || info.mode !== 'download') throw new CliInputError(`no simulated device to download called '${name}' (try: ${catalog.simulators().filter((s) => s.mode === 'download').map((s) => s.name).join(', ')})`);
    const records = intOption(args, '--records');
    const disconnectAt = intOption(args, '--disconnect-at');
    const skew = intOption(args, '--clock-skew');
    const highWater = intOption(args, '--high-water') ?? null;
    const s = args.indexOf('--serial');
    const target: DeviceTarget = {
      kind: 'simulated',
      simulator: name,
      serial: (s >= 0 ? args[s + 1] : undefined) ?? 'SIM-0001',
      ...(records !== undefined ? { records } : {}),
      ...(disconnectAt !== undefined ? { disconnectAt } : {}),
      ...(skew !== undefined ? { clockSkewMinutes: skew } : {}),
    };
    const timeZone = Intl.DateTimeFormat().resolvedOptions().timeZone;
    const stored = new Map<string, DeviceReading>();
    let opened: Awaited<ReturnType<typeof catalog.open>> | undefined;
    try {
      const { summary } = await runDownload<unknown>({
        driver: catalog.driverFor(target),
        openLink: async () => (opened = await catalog.open(target, { timeZone })).link,
        closeLink: async () => opened?.close(),
        highWater,
        hostUtcMs: Date.now,
        timeZone,
        store: async (readings) => {
          let added = 0;
          for (const r of readings) {
            if (stored.has(r.id)) continue;
            stored.set(r.id, r);
            added++;
          }
          return { added, duplicates: readings.length - added };
        },
      });
      io.stdout(`${JSON.stringify({ outcome: 'completed', ...summary }, null, 2)}\n`);
      return 0;
    } catch (err) {
      const e = err instanceof DeviceError ? err : new DeviceError('unplugged', String(err));
      io.stdout(`${JSON.stringify({ outcome: 'failed', error: { code: e.code, message: e.message, ...(e.hint ? { hint: e.hint } : {}) }, storedReadings: stored.size }, null, 2)}\n`);
      return 1;
    }
  },
};
