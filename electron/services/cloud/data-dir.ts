import os from 'node:os';
import path from 'node:path';

/** The operating system's folder for per-user application data. */
export function appDataRoot(platform: NodeJS.Platform = process.platform, env: NodeJS.ProcessEnv = process.env, home = os.homedir()): string {
  if (platform === 'win32') return env['APPDATA'] ?? path.join(home, 'AppData', 'Roaming');
  if (platform === 'darwin') return path.join(home, 'Library', 'Application Support');
  return env['XDG_DATA_HOME'] ?? path.join(home, '.local', 'share');
}

/**
 * Where a host keeps this workstation's own files (the cloud credential). CARELOOP_DATA_DIR
 * wins; otherwise browser mode uses one folder per port, so two browser-mode hosts on
 * different ports are two workstations. Electron passes app.getPath('userData') instead.
 */
export function workstationDataDir(env: NodeJS.ProcessEnv = process.env, platform: NodeJS.Platform = process.platform, home = os.homedir()): string {
  const explicit = env['CARELOOP_DATA_DIR'];
  if (explicit) return path.resolve(explicit);
  return path.join(appDataRoot(platform, env, home), 'CareLoop', `browser-${env['PORT'] ?? '5180'}`);
}
