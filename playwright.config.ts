import { defineConfig } from '@playwright/test';

const port = Number(process.env.E2E_PORT ?? 5199);

// End-to-end tests drive Debian's Chromium (Playwright's own browser download is not used)
// against browser mode: the same renderer and contract as the desktop app.
export default defineConfig({
  testDir: 'test/e2e',
  outputDir: 'test-results',
  timeout: 60_000,
  workers: 1,
  reporter: [['list']],
  use: {
    // A failure leaves a trace (actions, DOM snapshots, console) in test-results for diagnosis.
    trace: 'retain-on-failure',
    baseURL: `http://127.0.0.1:${port}/`,
    viewport: { width: 1360, height: 860 },
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
      args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
    },
  },
  webServer: {
    command: `npx tsx electron/web/start.ts`,
    env: { PORT: String(port) },
    url: `http://127.0.0.1:${port}/health`,
    reuseExistingServer: false,
    timeout: 60_000,
  },
});
