#!/usr/bin/env node
// `npm ci` does not run Electron's install script (package.json allowScripts), so machines
// without Electron's binary — CI, build servers, browser-mode hosts — install cleanly.
// The desktop app needs the binary: fetch it on the first `npm start` or `npm run package`.
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { spawnSync } from 'node:child_process';

const require = createRequire(import.meta.url);
const electronDir = path.dirname(require.resolve('electron/package.json'));
if (existsSync(path.join(electronDir, 'path.txt'))) process.exit(0);
console.log('CareLoop: downloading the Electron runtime (first start only)…');
const result = spawnSync(process.execPath, [path.join(electronDir, 'install.js')], { stdio: 'inherit' });
if (result.status !== 0) {
  console.error('CareLoop: the Electron runtime could not be downloaded. Without it, run CareLoop in browser mode: npm run web');
  process.exit(result.status ?? 1);
}
