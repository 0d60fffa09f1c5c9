import { createReadStream } from 'node:fs';
import { access } from 'node:fs/promises';
import type { ProfileBridge } from '../../renderer/src/components/backup/profile-bridge';
import { CliInputError, type CliCommand } from '../command';
import { DEFAULT_PORT, loadBridge, outcomeError, parseProfileArgs, readPassphrase, withProfilePage } from './backup';

const usage = `Usage: careloop restore <backup-file> --profile <folder> [--port <n>] [--passphrase-file <file>]

Restores an encrypted CareLoop backup into an EMPTY browser-mode profile (a new Chromium
profile folder, or one whose CareLoop database is empty) and checks every table's record
count and content hash against the backup. A wrong passphrase, a truncated or a corrupted
file, or a profile that already holds data is refused with the reason, and the profile is
left as it was. --port is the port the profile will be served on (default ${DEFAULT_PORT}).
CareLoop must not be running on that profile meanwhile. Needs Chromium (CARELOOP_CHROMIUM).

The passphrase is the first line of --passphrase-file, or else CARELOOP_PASSPHRASE.
Exits 0 when restored and verified, 1 with the reason when not, 2 on usage errors.
`;

export const restoreCommand: CliCommand = {
  name: 'restore',
  summary: 'Restore an encrypted backup into an empty browser-mode profile, verified',
  usage,
  async run(args, io) {
    const parsed = parseProfileArgs('restore', args, io);
    if (!parsed) return 2;
    const [file, ...extra] = parsed.positional;
    if (file === undefined || extra.length || parsed.out !== undefined) {
      io.stderr('careloop restore: give one <backup-file>; see careloop restore --help\n');
      return 2;
    }
    const passphrase = readPassphrase(parsed.passphraseFile);
    try {
      await access(file);
    } catch {
      throw new CliInputError(`cannot read ${file}: no such file`);
    }
    const outcome = await withProfilePage(parsed, async (page) => {
      const stream = createReadStream(file, { highWaterMark: 512 * 1024 });
      const pieces = stream[Symbol.asyncIterator]();
      await page.exposeFunction('careloopCliRead', async () => {
        const next = await pieces.next();
        return next.done ? null : (next.value as Buffer).toString('base64');
      });
      await loadBridge(page);
      try {
        return await page.evaluate((p) => (window as unknown as { careloopProfile: ProfileBridge }).careloopProfile.restore(p), passphrase);
      } finally {
        stream.destroy();
      }
    });
    if (!outcome.ok) throw outcomeError(outcome);
    io.stdout(`restored and verified ${outcome.rows} records in ${outcome.tables} tables into ${parsed.profile} (counts and content hashes equal the backup's)\n`);
    return 0;
  },
};
