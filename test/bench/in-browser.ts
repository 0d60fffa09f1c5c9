import { build } from 'esbuild';
import { chromium, type Page } from 'playwright-core';
import { startWebHost } from '../../electron/web/host';

export const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'];

/**
 * Runs a bundled benchmark entry inside Debian's Chromium on the browser-mode host's origin
 * (so IndexedDB is the real, persistent one), and returns what `window[fn]()` resolves to.
 */
export async function runInChromium<T>(entry: string, fn: string): Promise<T> {
  const bundle = await build({ entryPoints: [entry], bundle: true, format: 'iife', write: false, target: 'chrome120', minify: true });
  const host = await startWebHost({ rendererDir: 'out/renderer', port: 0 });
  const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS });
  try {
    const context = await browser.newContext({ bypassCSP: true });
    const page: Page = await context.newPage();
    await page.goto(`${host.url}health`);
    await page.addScriptTag({ content: bundle.outputFiles[0]!.text });
    return (await page.evaluate(`window.${fn}()`)) as T;
  } finally {
    await browser.close();
    await host.close();
  }
}
