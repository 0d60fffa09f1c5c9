import vue from '@vitejs/plugin-vue';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { defineConfig, type Plugin, type UserConfig } from 'vite';
import { contentSecurityPolicy } from '../common/contract/csp';

const here = path.dirname(fileURLToPath(import.meta.url));

/** The strict CSP goes into the built page only: the dev server needs its HMR socket and inline styles. */
function cspMeta(): Plugin {
  return {
    name: 'careloop-csp',
    apply: 'build',
    transformIndexHtml: () => [
      { tag: 'meta', attrs: { 'http-equiv': 'Content-Security-Policy', content: contentSecurityPolicy() }, injectTo: 'head-prepend' },
    ],
  };
}

/** Shared by `electron-vite build` (renderer section) and the browser-mode build. */
export const rendererConfig: UserConfig = {
  root: here,
  base: './',
  plugins: [vue(), cspMeta()],
  worker: { format: 'es' },
  build: {
    outDir: path.resolve(here, '../out/renderer'),
    emptyOutDir: true,
    target: 'chrome130',
    chunkSizeWarningLimit: 1200,
    minify: true,
  },
};

export default defineConfig(rendererConfig);
