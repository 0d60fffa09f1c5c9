import { expect, test, type Browser, type BrowserContext, type Page } from '@playwright/test';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startSmtpSink, type SunkMail } from '../unit/server/support/smtp-sink';
import { firstRun } from './helpers';

/**
 * Issue 8 end to end: one cloud instance (PGlite, started here, its SMTP pointed at a sink on
 * loopback) and two browser-mode workstations (two hosts on two ports with two data
 * directories, so two credentials), each in its own browser context.
 */
const BASE_PORT = Number(process.env.E2E_PORT ?? 5199);
const SETUP_TOKEN = 'e2e-sync-setup-token-0123456789';
const ADMIN = { email: 'admin@riverside.example.org', name: 'Admin', password: 'a long enough e2e password' };

interface Proc {
  child: ChildProcess;
  output: string[];
}

function startProcess(args: string[], env: Record<string, string>): Proc {
  // One process (node with tsx's loader), so stopping it leaves nothing behind.
  const child = spawn(process.execPath, ['--import', 'tsx', ...args], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  const output: string[] = [];
  child.stdout!.on('data', (d: Buffer) => output.push(d.toString()));
  child.stderr!.on('data', (d: Buffer) => output.push(d.toString()));
  return { child, output };
}

async function waitFor<T>(what: string, probe: () => Promise<T | undefined> | T | undefined, timeoutMs = 60_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await Promise.resolve(probe()).catch(() => undefined);
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

async function post<T>(url: string, body: unknown, token?: string): Promise<T> {
  const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) }, body: JSON.stringify(body) });
  if (res.status >= 300) throw new Error(`${url}: ${res.status} ${await res.text()}`);
  return (await res.json()) as T;
}

async function setUpWorkstation(page: Page, url: string, staff: string): Promise<void> {
  await firstRun(page, url, staff, 'empty');
}

async function connect(page: Page, url: string, serverUrl: string, code: string, name: string): Promise<void> {
  await page.goto(`${url}#/settings`);
  const card = page.getByTestId('sync-card');
  await card.getByLabel('Server address').fill(serverUrl);
  await card.getByLabel('Enrolment code').fill(code);
  await card.getByLabel('Workstation name').fill(name);
  await card.getByRole('button', { name: 'Connect' }).click();
  await expect(card.getByTestId('sync-state')).toHaveText('Synced', { timeout: 30_000 });
}

async function syncNow(page: Page, url: string): Promise<void> {
  await page.goto(`${url}#/settings`);
  const card = page.getByTestId('sync-card');
  await card.getByRole('button', { name: 'Sync now' }).click();
  await expect(card.getByTestId('sync-pending')).toHaveText('0', { timeout: 30_000 });
  await expect(card.getByTestId('sync-state')).toHaveText('Synced', { timeout: 30_000 });
}

async function openPatient(page: Page, url: string, name: string): Promise<void> {
  await page.goto(`${url}#/patients`);
  await page.getByRole('searchbox', { name: 'Search patients' }).fill(name.split(',')[0]!);
  await page.getByRole('link', { name, exact: true }).first().click();
  await expect(page.getByRole('heading', { name: new RegExp(name) })).toBeVisible();
}

test.describe('sync between two workstations and the cloud instance', () => {
  test.setTimeout(240_000);
  const dirs: string[] = [];
  const procs: Proc[] = [];
  let sink: { url: string; mails: SunkMail[]; stop(): Promise<void> };
  let serverUrl = '';
  const hosts = [`http://127.0.0.1:${BASE_PORT + 1}/`, `http://127.0.0.1:${BASE_PORT + 2}/`];
  let codes: string[] = [];

  test.beforeAll(async () => {
    sink = await startSmtpSink();
    const serverDir = mkdtempSync(path.join(tmpdir(), 'careloop-e2e-server-'));
    dirs.push(serverDir);
    const server = startProcess(['server/start.ts'], { PORT: '0', CARELOOP_DATA_DIR: serverDir, CARELOOP_SETUP_TOKEN: SETUP_TOKEN, SMTP_URL: sink.url, SENDER_INTERVAL_MS: '500', LOG_LEVEL: 'warn' });
    procs.push(server);
    serverUrl = await waitFor('the cloud instance', () => /ready at (http:\/\/[^\s]+)/.exec(server.output.join(''))?.[1]?.replace(/\/$/, ''), 90_000);
    const { clinicId } = await post<{ clinicId: string }>(`${serverUrl}/auth/bootstrap`, { setupToken: SETUP_TOKEN, clinicName: 'Riverside Family Practice', admin: ADMIN });
    const { accessToken } = await post<{ accessToken: string }>(`${serverUrl}/auth/sign-in`, { clinicId, email: ADMIN.email, password: ADMIN.password });
    codes = [(await post<{ code: string }>(`${serverUrl}/admin/enrolment-codes`, {}, accessToken)).code, (await post<{ code: string }>(`${serverUrl}/admin/enrolment-codes`, {}, accessToken)).code];
    for (const [i, url] of hosts.entries()) {
      const dir = mkdtempSync(path.join(tmpdir(), `careloop-e2e-ws${i}-`));
      dirs.push(dir);
      procs.push(startProcess(['electron/web/start.ts'], { PORT: new URL(url).port, CARELOOP_DATA_DIR: dir }));
      await waitFor(`workstation host ${url}`, async () => ((await fetch(`${url}health`)).ok ? true : undefined));
    }
  });

  test.afterAll(async () => {
    for (const p of procs) p.child.kill('SIGTERM');
    await sink?.stop();
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });

  test('a patient edited offline on both workstations shows the same merged record on both; an email queued offline is delivered', async ({ browser }: { browser: Browser }) => {
    const contexts: BrowserContext[] = [await browser.newContext(), await browser.newContext()];
    const [a, b] = await Promise.all(contexts.map((c) => c.newPage()));
    const [urlA, urlB] = hosts as [string, string];
    await setUpWorkstation(a!, urlA, 'Nurse Jordan Lee');
    await setUpWorkstation(b!, urlB, 'Dr Amara Singh');
    await connect(a!, urlA, serverUrl, codes[0]!, 'Front desk');
    await connect(b!, urlB, serverUrl, codes[1]!, 'Exam room 2');

    // Workstation A registers the patient; B receives it by sync.
    await a!.goto(`${urlA}#/patients/new`);
    await a!.getByLabel('Given name *').fill('Ivy');
    await a!.getByLabel('Family name *').fill('Marchetti');
    await a!.getByLabel('Date of birth *').fill('1944-07-01');
    await a!.locator('select[name=sex]').selectOption('female');
    await a!.getByLabel('MRN *').fill('SYNC-1');
    await a!.getByLabel('Phone', { exact: true }).fill('+1 555 0100 4444');
    await a!.getByLabel('Email', { exact: true }).fill('ivy.marchetti@example.org');
    await a!.getByRole('button', { name: /Create patient/ }).click();
    await expect(a!.getByText('Saved Marchetti, Ivy.')).toBeVisible();
    await syncNow(a!, urlA);
    await syncNow(b!, urlB);
    await openPatient(b!, urlB, 'Marchetti, Ivy');

    // Both offline: A changes the phone and queues an email, B sets a preferred name.
    await Promise.all(contexts.map((c) => c.setOffline(true)));
    await openPatient(a!, urlA, 'Marchetti, Ivy');
    await a!.getByRole('link', { name: 'Edit details' }).click();
    await a!.getByLabel('Phone', { exact: true }).fill('+1 555 0100 9999');
    await a!.getByRole('button', { name: /Save/ }).click();
    await openPatient(a!, urlA, 'Marchetti, Ivy');
    await a!.getByRole('button', { name: 'Change consent: Email' }).click();
    await a!.getByLabel('How consent for Email was recorded').selectOption('written');
    await a!.getByRole('button', { name: 'Record consent given' }).click();
    await expect(a!.getByTestId('consent-email')).toContainText('given');
    await a!.getByRole('link', { name: 'Message' }).click();
    await a!.locator('select[name=channel]').selectOption('email');
    await a!.getByLabel('Message', { exact: true }).fill('Your results are ready; please call the clinic.');
    await a!.getByRole('button', { name: /^Send/ }).click();
    await expect(a!.getByTestId('message-status').last()).toHaveText('queued');

    await openPatient(b!, urlB, 'Marchetti, Ivy');
    await b!.getByRole('link', { name: 'Edit details' }).click();
    await b!.getByLabel('Preferred name').fill('Vee');
    await b!.getByRole('button', { name: /Save/ }).click();

    // Back online: both sync, and both show the same merged record.
    await Promise.all(contexts.map((c) => c.setOffline(false)));
    await syncNow(a!, urlA);
    await syncNow(b!, urlB);
    await syncNow(a!, urlA);
    for (const [page, url] of [[a!, urlA], [b!, urlB]] as const) {
      await openPatient(page, url, 'Marchetti, Ivy');
      await page.getByRole('link', { name: 'Edit details' }).click();
      await expect(page.getByLabel('Phone', { exact: true })).toHaveValue('+1 555 0100 9999');
      await expect(page.getByLabel('Preferred name')).toHaveValue('Vee');
    }

    // The server's sender delivered the email to the sink; the status comes back by sync.
    const mail = await waitFor('the email at the SMTP sink', () => sink.mails.find((m) => m.to.includes('ivy.marchetti@example.org')), 30_000);
    expect(mail.raw).toContain('Your results are ready');
    await expect(async () => {
      await syncNow(b!, urlB);
      await openPatient(b!, urlB, 'Marchetti, Ivy');
      await b!.getByRole('link', { name: 'Message' }).click();
      await expect(b!.getByTestId('message-status').last()).toHaveText('sent', { timeout: 2_000 });
    }).toPass({ timeout: 30_000 });
    for (const c of contexts) await c.close();
  });
});
