import { readFileSync, writeFileSync } from 'node:fs';
import { exportJWK, generateKeyPair } from 'jose';
import { ShareVerifyError } from '../../common/sharing/errors';
import { openSharePackage, summariseShare, type ShareOpenSecret } from '../../common/sharing/open';
import { CliInputError, type CliCommand } from '../command';
import { readPassphrase } from './backup';

const usage = `Usage: careloop share verify <file> [--passphrase <p> | --passphrase-file <file> | --key <jwk-file>]
                             [--expect-fingerprint <fingerprint>] [--at <ISO instant>]
       careloop share keygen --out <private-jwk-file>

keygen makes a recipient key pair (X25519): the private key goes to --out (a new file, mode
0600: keep it), the public key is printed — send that file to the clinic, which encrypts
packages for you with it ("the recipient's public key" on the Share record card).

Checks a CareLoop share package (.careloop-share): opens it with the passphrase or the
recipient's private key (a JSON Web Key file with "d", X25519 or P-256), then checks the
clinic's Ed25519 signature, the format version, the content hash and the expiry. Any changed
byte anywhere in the file fails.

Without --passphrase, --passphrase-file or --key the passphrase is read from the
CARELOOP_PASSPHRASE environment variable (safer than --passphrase, which other users of the
machine can see in the process list). --expect-fingerprint refuses a package signed by any
key but the clinic's, as the clinic told you its fingerprint (spaces and case do not matter).
--at checks the expiry at that instant instead of now.

Prints a JSON summary (issuer key id and fingerprint, patient count, resource counts, expiry;
no patient data) and exits 0 when every check passes. On any failure prints
{"valid":false,"error":<kind>,"reason":<text>}, the reason on standard error, and exits 1.
Usage errors exit 2.
`;

interface VerifyArgs {
  file: string;
  passphrase?: string;
  passphraseFile?: string;
  keyFile?: string;
  expectFingerprint?: string;
  atMs?: number;
}

const VALUE_FLAGS = new Set(['--passphrase', '--passphrase-file', '--key', '--expect-fingerprint', '--at']);

function parseArgs(args: string[]): VerifyArgs | string {
  if (args[0] !== 'verify') return args[0] === undefined ? 'missing subcommand (verify or keygen)' : `unknown subcommand '${args[0]}'`;
  const out: Partial<VerifyArgs> = {};
  for (let i = 1; i < args.length; i++) {
    const a = args[i]!;
    if (VALUE_FLAGS.has(a)) {
      const v = args[++i];
      if (v === undefined) return `${a} needs a value`;
      if (a === '--passphrase') out.passphrase = v;
      else if (a === '--passphrase-file') out.passphraseFile = v;
      else if (a === '--key') out.keyFile = v;
      else if (a === '--expect-fingerprint') out.expectFingerprint = v;
      else {
        const ms = Date.parse(v);
        if (!Number.isFinite(ms)) return `--at needs an ISO 8601 instant, not '${v}'`;
        out.atMs = ms;
      }
    } else if (a.startsWith('-') || out.file !== undefined) return `unexpected argument '${a}'`;
    else out.file = a;
  }
  if (out.file === undefined) return 'missing <file>';
  const secrets = [out.passphrase, out.passphraseFile, out.keyFile].filter((s) => s !== undefined).length;
  if (secrets > 1) return 'give one of --passphrase, --passphrase-file or --key';
  return out as VerifyArgs;
}

function readFile(path: string, what: string): Buffer {
  try {
    return readFileSync(path);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new CliInputError(`cannot read ${what} ${path}${code === 'ENOENT' ? ': no such file' : code ? ` (${code})` : ''}`);
  }
}

function secretOf(a: VerifyArgs): ShareOpenSecret {
  if (a.keyFile !== undefined) {
    let jwk: unknown;
    try {
      jwk = JSON.parse(readFile(a.keyFile, 'the key file').toString('utf8'));
    } catch (err) {
      if (err instanceof CliInputError) throw err;
      throw new CliInputError('the key file is not JSON (a JSON Web Key)');
    }
    return { kind: 'recipient-key', privateJwk: jwk };
  }
  if (a.passphrase !== undefined) return { kind: 'passphrase', passphrase: a.passphrase };
  return { kind: 'passphrase', passphrase: readPassphrase(a.passphraseFile) };
}

async function keygen(args: string[], io: { stdout(t: string): void; stderr(t: string): void }): Promise<number> {
  if (args.length !== 2 || args[0] !== '--out') {
    io.stderr('careloop share keygen: give --out <private-jwk-file>; see careloop share --help\n');
    return 2;
  }
  const pair = await generateKeyPair('ECDH-ES+A256KW', { crv: 'X25519', extractable: true });
  const privateJwk = await exportJWK(pair.privateKey);
  try {
    writeFileSync(args[1]!, `${JSON.stringify(privateJwk)}\n`, { encoding: 'utf8', flag: 'wx', mode: 0o600 });
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new CliInputError(`cannot write ${args[1]!}${code === 'EEXIST' ? ': the file exists' : code ? ` (${code})` : ''}`);
  }
  io.stdout(`${JSON.stringify(await exportJWK(pair.publicKey))}\n`);
  io.stderr(`private key written to ${args[1]!}; the public key above is what the clinic needs\n`);
  return 0;
}

export const shareCommand: CliCommand = {
  name: 'share',
  summary: 'verify a share package (signature, integrity, version, expiry); make a recipient key',
  usage,
  async run(args, io) {
    if (args[0] === 'keygen') return keygen(args.slice(1), io);
    const parsed = parseArgs(args);
    if (typeof parsed === 'string') {
      io.stderr(`careloop share: ${parsed}; see careloop share --help\n`);
      return 2;
    }
    const secret = secretOf(parsed);
    const bytes = new Uint8Array(readFile(parsed.file, 'the package'));
    try {
      const verified = await openSharePackage(bytes, secret, { nowMs: parsed.atMs ?? Date.now(), ...(parsed.expectFingerprint ? { expectedFingerprint: parsed.expectFingerprint } : {}) });
      io.stdout(`${JSON.stringify(summariseShare(verified), null, 2)}\n`);
      return 0;
    } catch (err) {
      if (!(err instanceof ShareVerifyError)) throw err;
      io.stdout(`${JSON.stringify({ valid: false, error: err.kind, reason: err.message })}\n`);
      io.stderr(`careloop share verify: ${err.message}\n`);
      return 1;
    }
  },
};
