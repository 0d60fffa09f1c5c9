import { createWriteStream, readFileSync } from 'node:fs';
import { rename, rm } from 'node:fs/promises';
import http from 'node:http';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Page } from 'playwright-core';
import type { ProfileBridge, ProfileOutcome } from '../../renderer/src/components/backup/profile-bridge';
import { CliInputError, type CliCommand, type CliIo } from '../command';

/**
 * `careloop backup` and `careloop restore` (issue 9) for a browser-mode profile. The local
 * database is IndexedDB inside a Chromium profile, keyed by the app's origin
 * (http://127.0.0.1:<port>), so plain Node cannot open it. The command serves a blank page on
 * that origin, opens the profile in a headless Chromium (playwright-core, --user-data-dir),
 * loads the renderer's own backup code into the page (profile-bridge.ts, bundled with esbuild)
 * and carries the file's bytes between the page and the disk. CareLoop must not be running
 * on that profile meanwhile (the port and the profile are then in use: a clear error).
 * The desktop app keeps its database under Electron's own origin; see the report for the
 * Electron variant (not built).
 */
export const DEFAULT_PORT = 5180;
const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'];

export interface ProfileArgs {
  profile: string;
  port: number;
  passphraseFile?: string;
  positional: string[];
  out?: string;
}

export function readPassphrase(file: string | undefined): string {
  if (file !== undefined) {
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      throw new CliInputError(`cannot read the passphrase file${code === 'ENOENT' ? ': no such file' : code ? ` (${code})` : ''}`);
    }
    const line = text.split(/\r?\n/)[0] ?? '';
    if (!line) throw new CliInputError('the passphrase file is empty');
    return line;
  }
  const env = process.env['CARELOOP_PASSPHRASE'];
  if (!env) throw new CliInputError('no passphrase: give --passphrase-file <file> or set CARELOOP_PASSPHRASE');
  return env;
}

/** Parses --profile, --port, --passphrase-file, --out; returns undefined after printing a usage error. */
export function parseProfileArgs(name: string, args: string[], io: CliIo): ProfileArgs | undefined {
  let profile: string | undefined;
  let port = DEFAULT_PORT;
  let passphraseFile: string | undefined;
  let out: string | undefined;
  const positional: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    const value = () => {
      const v = args[++i];
      if (v === undefined) throw new CliInputError(`${a} needs a value`);
      return v;
    };
    if (a === '--profile') profile = value();
    else if (a === '--passphrase-file') passphraseFile = value();
    else if (a === '--out') out = value();
    else if (a === '--port') {
      port = Number(value());
      if (!Number.isInteger(port) || port < 1 || port > 65535) throw new CliInputError('--port needs a port number (1-65535)');
    } else if (a.startsWith('-')) {
      io.stderr(`careloop ${name}: unexpected option '${a}'; see careloop ${name} --help\n`);
      return undefined;
    } else positional.push(a);
  }
  if (profile === undefined) {
    io.stderr(`careloop ${name}: missing --profile <folder>; see careloop ${name} --help\n`);
    return undefined;
  }
  return { profile: path.resolve(profile), port, positional, ...(passphraseFile !== undefined ? { passphraseFile } : {}), ...(out !== undefined ? { out } : {}) };
}

let bundle: Promise<string> | undefined;

/** The page side (renderer code), bundled once per process. */
function profileBundle(): Promise<string> {
  bundle ??= (async () => {
    const { build } = await import('esbuild');
    const entry = fileURLToPath(new URL('../../renderer/src/components/backup/profile-bridge.ts', import.meta.url));
    const result = await build({ entryPoints: [entry], bundle: true, format: 'iife', write: false, target: 'chrome120', minify: true, logLevel: 'silent' });
    return result.outputFiles[0]!.text;
  })();
  return bundle;
}

async function serveOrigin(port: number): Promise<http.Server> {
  const server = http.createServer((_req, res) => res.writeHead(200, { 'content-type': 'text/html' }).end('<!doctype html><title>CareLoop command line</title>'));
  await new Promise<void>((resolve, reject) => {
    server.once('error', (err: NodeJS.ErrnoException) =>
      reject(err.code === 'EADDRINUSE' ? new CliInputError(`port ${port} is in use: close CareLoop on this profile first (or back up from Settings → Backups)`) : err),
    );
    server.listen(port, '127.0.0.1', () => resolve());
  });
  return server;
}

/** Opens the profile headless on the app's origin with the bridge loaded, runs `work`, and closes everything. */
export async function withProfilePage<T>(args: ProfileArgs, work: (page: Page) => Promise<T>): Promise<T> {
  // Bundle before anything starts, so a build problem leaves no browser or server behind.
  await profileBundle();
  const server = await serveOrigin(args.port);
  try {
    const { chromium } = await import('playwright-core');
    let context;
    try {
      context = await chromium.launchPersistentContext(args.profile, { executablePath: process.env['CARELOOP_CHROMIUM'] ?? '/usr/bin/chromium', headless: true, args: CHROMIUM_ARGS, bypassCSP: true });
    } catch (err) {
      const text = err instanceof Error ? err.message : String(err);
      throw new CliInputError(/ProcessSingleton|SingletonLock|profile.*in use/i.test(text) ? `the profile ${args.profile} is open in another browser: close it first` : `cannot start Chromium (${text.split('\n')[0]}); set CARELOOP_CHROMIUM to its path`);
    }
    try {
      const page = context.pages()[0] ?? (await context.newPage());
      await page.goto(`http://127.0.0.1:${args.port}/`);
      return await work(page);
    } finally {
      await context.close();
    }
  } finally {
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}

export async function loadBridge(page: Page): Promise<void> {
  await page.addScriptTag({ content: await profileBundle() });
}

/** One line naming what went wrong, as the renderer's error kinds say it. */
export function outcomeError(outcome: Extract<ProfileOutcome, { ok: false }>): CliInputError {
  return new CliInputError(outcome.message);
}

const usage = `Usage: careloop backup --profile <folder> --out <file> [--port <n>] [--passphrase-file <file>]

Backs up the whole local database of a browser-mode CareLoop profile to one encrypted file
(AES-256-GCM, key from the passphrase via Argon2id) — the same file the Backups card in
Settings writes. --profile is the Chromium profile folder CareLoop is used from; --port the
port its host serves (default ${DEFAULT_PORT}: the database belongs to that address).
CareLoop must not be running on that profile meanwhile. Needs Chromium (CARELOOP_CHROMIUM,
default /usr/bin/chromium).

The passphrase is the first line of --passphrase-file, or else CARELOOP_PASSPHRASE.
Exits 0 after writing the file, 1 with the reason when it cannot, 2 on usage errors.
`;

export const backupCommand: CliCommand = {
  name: 'backup',
  summary: 'Back up a browser-mode profile\'s database to an encrypted file',
  usage,
  async run(args, io) {
    const parsed = parseProfileArgs('backup', args, io);
    if (!parsed) return 2;
    if (parsed.out === undefined || parsed.positional.length) {
      io.stderr('careloop backup: give --out <file> and no other arguments; see careloop backup --help\n');
      return 2;
    }
    const passphrase = readPassphrase(parsed.passphraseFile);
    const out = path.resolve(parsed.out);
    const partial = `${out}.partial`;
    const file = createWriteStream(partial, { flags: 'wx', mode: 0o600 });
    const opened = new Promise<void>((resolve, reject) => {
      file.once('open', () => resolve());
      file.once('error', (err: NodeJS.ErrnoException) => reject(new CliInputError(`cannot write ${partial}${err.code ? ` (${err.code})` : ''}`)));
    });
    await opened;
    let bytes = 0;
    try {
      const outcome = await withProfilePage(parsed, async (page) => {
        await page.exposeFunction('careloopCliWrite', async (base64: string) => {
          const piece = Buffer.from(base64, 'base64');
          bytes += piece.length;
          if (!file.write(piece)) await new Promise<void>((resolve) => file.once('drain', () => resolve()));
        });
        await loadBridge(page);
        return page.evaluate((p) => (window as unknown as { careloopProfile: ProfileBridge }).careloopProfile.backup(p), passphrase);
      });
      await new Promise<void>((resolve, reject) => file.end((err?: Error | null) => (err ? reject(err) : resolve())));
      if (!outcome.ok) throw outcomeError(outcome);
      await rename(partial, out);
      io.stdout(`backed up ${outcome.rows} records in ${outcome.tables} tables to ${out} (${bytes} bytes)\n`);
      return 0;
    } catch (err) {
      file.destroy();
      await rm(partial, { force: true });
      throw err;
    }
  },
};
