import { expect, type Page } from '@playwright/test';
import path from 'node:path';

export const SCREENSHOTS = path.resolve('test-results/screenshots');

/** The first administrator's known test credentials (first run creates them). */
export const TEST_PASSWORD = 'e2e admin password 2026';
export const TEST_PIN = '2468';
export const emailOf = (staffName: string): string => `${staffName.toLowerCase().replace(/[^a-z]+/g, '.')}@riverside.example.org`;

export async function setUpClinic(page: Page, start: 'demo' | 'empty', demoCount = 100): Promise<void> {
  await firstRun(page, '/', 'Nurse Jordan Lee', start, demoCount);
}

/** First run at `url`: the clinic and its first administrator (signed in at once), demo or empty. */
export async function firstRun(page: Page, url: string, staffName: string, start: 'demo' | 'empty', demoCount = 100): Promise<void> {
  await page.goto(url);
  await expect(page.getByText('Welcome to CareLoop')).toBeVisible();
  await page.getByLabel('Clinic name').fill('Riverside Family Practice');
  await page.getByLabel('Your name').fill(staffName);
  await page.getByLabel('Your email').fill(emailOf(staffName));
  await page.locator('input[name=password]').fill(TEST_PASSWORD);
  await page.locator('input[name=confirmPassword]').fill(TEST_PASSWORD);
  await page.locator('input[name=pin]').fill(TEST_PIN);
  if (start === 'empty') {
    await page.getByLabel(/Empty clinic/).check();
  } else {
    await page.getByLabel(/Demo clinic/).check();
    await page.getByLabel('Demo patients').selectOption(String(demoCount));
  }
  await page.getByRole('button', { name: 'Open CareLoop' }).click();
  // A demo clinic is a year of history written through the repositories: allow it time.
  await expect(page.getByRole('heading', { name: 'Patients', level: 1 })).toBeVisible({ timeout: start === 'demo' ? 240_000 : 30_000 });
  await expect(page.getByTestId('signed-in-as')).toHaveText(`Signed in as ${staffName}`);
}

/** Signs in on the sign-in screen with email (or name) and password. */
export async function signIn(page: Page, login: string, password = TEST_PASSWORD): Promise<void> {
  await expect(page.getByText('Sign in to CareLoop')).toBeVisible();
  await page.getByLabel('Email or name').fill(login);
  await page.locator('input[name=password]').fill(password);
  await page.getByRole('button', { name: 'Sign in', exact: true }).click();
}

export async function shot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: path.join(SCREENSHOTS, `${name}.png`), fullPage: false });
}

/** Registers a patient through the form and waits for the saved notice and the new patient's address (its edit form). */
export async function createPatient(page: Page, given: string, family: string, mrn: string, o: { birthDate?: string; sex?: 'female' | 'male'; phone?: string } = {}): Promise<void> {
  await page.goto('/#/patients/new');
  await page.getByLabel('Given name *').fill(given);
  await page.getByLabel('Family name *').fill(family);
  await page.getByLabel('Date of birth *').fill(o.birthDate ?? '1950-05-05');
  await page.locator('select[name=sex]').selectOption(o.sex ?? 'male');
  await page.getByLabel('MRN *').fill(mrn);
  await page.getByLabel('Phone', { exact: true }).fill(o.phone ?? '+1 555 0100 2000');
  await page.getByRole('button', { name: /Create patient/ }).click();
  await expect(page.getByText(`Saved ${family}, ${given}.`)).toBeVisible();
  // The saved notice shows before the route moves to the new patient's form: wait for its id in the address.
  await page.waitForURL(/#\/patients\/[0-9a-f-]{36}/);
}
