import { writeFileSync } from 'node:fs';
import { BackupError, BackupWrongPassphraseError } from '../../common/backup/errors';
import { openSealedExport, SealedExportError } from '../../common/exports/sealed-file';
import { CliInputError, type CliCommand } from '../command';
import { readPassphrase } from './backup';
import { fileBytes } from '../file-bytes';

const usage = `Usage: careloop open-export <file> [--passphrase-file <file>] [--out <file>]

Opens an encrypted CareLoop export (a FHIR Bundle, an audit CSV, a research export's zip, …)
with its passphrase and writes what it holds to --out (a new file: an existing one is never
overwritten) or, without --out, to standard output (text exports only: a zip needs --out). The passphrase is the first line of --passphrase-file, or else the
CARELOOP_PASSPHRASE environment variable.

Prints the name of what the export holds to standard error. A wrong passphrase, a truncated
or damaged file, or a file that is not an export exits 1 with the reason. Usage errors exit 2.
`;

interface OpenExportArgs {
  file: string;
  passphraseFile?: string;
  out?: string;
}

function parseArgs(args: string[]): OpenExportArgs | string {
  let file: string | undefined;
  let passphraseFile: string | undefined;
  let out: string | undefined;
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (a === '--passphrase-file' || a === '--out') {
      const value = args[++i];
      if (value === undefined) return `${a} needs a file`;
      if (a === '--out') out = value;
      else passphraseFile = value;
    } else if (a.startsWith('-') || file !== undefined) return `unexpected argument '${a}'`;
    else file = a;
  }
  if (file === undefined) return 'missing <file>';
  return { file, ...(passphraseFile !== undefined ? { passphraseFile } : {}), ...(out !== undefined ? { out } : {}) };
}

export const openExportCommand: CliCommand = {
  name: 'open-export',
  summary: 'decrypt an encrypted export (FHIR Bundle, audit CSV, research zip) with its passphrase',
  usage,
  async run(args, io) {
    const parsed = parseArgs(args);
    if (typeof parsed === 'string') {
      io.stderr(`careloop open-export: ${parsed}; see careloop open-export --help\n`);
      return 2;
    }
    const passphrase = readPassphrase(parsed.passphraseFile);
    let opened;
    try {
      opened = await openSealedExport(fileBytes(parsed.file), passphrase);
    } catch (err) {
      if (err instanceof BackupWrongPassphraseError) throw new CliInputError('the passphrase does not open this export');
      if (err instanceof BackupError || err instanceof SealedExportError) throw new CliInputError(err.message);
      throw err;
    }
    if (opened.bytes && parsed.out === undefined) throw new CliInputError(`this export holds ${opened.name} (binary): write it to a file with --out`);
    if (parsed.out !== undefined) {
      try {
        if (opened.bytes) writeFileSync(parsed.out, opened.bytes, { flag: 'wx', mode: 0o600 });
        else writeFileSync(parsed.out, opened.text, { encoding: 'utf8', flag: 'wx', mode: 0o600 });
      } catch (err) {
        const code = (err as NodeJS.ErrnoException).code;
        throw new CliInputError(`cannot write ${parsed.out}${code === 'EEXIST' ? ': the file exists' : code ? ` (${code})` : ''}`);
      }
    } else io.stdout(opened.text);
    io.stderr(`opened ${opened.name} (${opened.rows.length} rows, sealed ${opened.createdAt})\n`);
    return 0;
  },
};
