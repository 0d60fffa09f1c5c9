import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { chromium } from 'playwright-core';
import { percentile, type BenchSection } from './report';

const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'];

/** Starts the browser-mode host as a user would (`tsx electron/web/start.ts`) and times it until it prints its URL. */
async function startHost(port: number): Promise<{ ms: number; stop(): void }> {
  const t0 = performance.now();
  const child = spawn(process.execPath, ['--import', 'tsx', 'electron/web/start.ts'], { env: { ...process.env, PORT: String(port) }, stdio: ['ignore', 'pipe', 'pipe'] });
  await new Promise<void>((resolve, reject) => {
    let out = '';
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      if (out.includes('running in browser mode')) resolve();
    });
    child.once('exit', (code) => reject(new Error(`host exited with ${code}`)));
  });
  return { ms: performance.now() - t0, stop: () => child.kill('SIGTERM') };
}

/**
 * Cold start of browser mode to an interactive patient list with the demo clinic loaded:
 * a fresh browser process on a profile whose IndexedDB already holds the clinic, timed
 * from navigation start to the first patient row rendered and the search box focused.
 */
export async function benchColdStart(patients = 500, runs = 10): Promise<BenchSection> {
  const port = 5299;
  const host = await startHost(port);
  const profile = mkdtempSync(path.join(tmpdir(), 'careloop-bench-'));
  const url = `http://127.0.0.1:${port}/`;
  try {
    {
      const ctx = await chromium.launchPersistentContext(profile, { executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS });
      const page = await ctx.newPage();
      await page.goto(url);
      await page.getByLabel('Clinic name').fill('Benchmark Clinic');
      await page.getByLabel('Your name').fill('Bench');
      await page.getByLabel('Demo patients').selectOption(String(patients));
      await page.getByRole('button', { name: 'Open CareLoop' }).click();
      await page.getByTestId('patient-row').first().waitFor({ timeout: 120_000 });
      await ctx.close();
    }
    const times: number[] = [];
    for (let i = 0; i < runs; i++) {
      const ctx = await chromium.launchPersistentContext(profile, { executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS });
      const page = await ctx.newPage();
      await page.goto(url);
      await page.getByTestId('patient-row').first().waitFor();
      await page.waitForFunction(() => document.activeElement?.getAttribute('name') === 'search');
      times.push(await page.evaluate(() => performance.now()));
      await ctx.close();
    }
    const median = percentile(times, 50);
    return {
      title: 'Cold start of browser mode (issue #4)',
      method: `The browser-mode host is started as \`npm run web\` starts it; then ${runs} times a fresh Chromium process opens a profile holding the ${patients}-patient demo clinic in IndexedDB, timed from navigation start to the first patient row rendered with the search box focused.`,
      figures: [
        { name: 'host start to URL printed', value: Math.round(host.ms), unit: 'ms' },
        { name: 'page to interactive patient list, median', value: Math.round(median), unit: 'ms', target: '< 1500 ms', met: median < 1500 },
        { name: 'page to interactive patient list, worst', value: Math.round(Math.max(...times)), unit: 'ms' },
      ],
    };
  } finally {
    host.stop();
    rmSync(profile, { recursive: true, force: true });
  }
}
