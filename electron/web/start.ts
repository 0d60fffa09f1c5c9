import path from 'node:path';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { startWebHost } from './host';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const rendererDir = path.join(root, 'out/renderer');
if (!existsSync(path.join(rendererDir, 'index.html'))) {
  console.error('careloop web: the renderer is not built. Run `npm run web`, which builds it first.');
  process.exit(1);
}
const port = process.env.PORT === undefined ? 5180 : Number(process.env.PORT);
const host = await startWebHost({ rendererDir, port, host: process.env.HOST ?? '127.0.0.1' });
console.log(`CareLoop is running in browser mode at ${host.url}`);
console.log('Open that address in Chromium or Chrome. Press Ctrl+C to stop.');
const stop = () => void host.close().then(() => process.exit(0));
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
