import { expect, type Page } from '@playwright/test';
import path from 'node:path';

export const SCREENSHOTS = path.resolve('test-results/screenshots');

export async function setUpClinic(page: Page, start: 'demo' | 'empty', demoCount = 100): Promise<void> {
  await page.goto('/');
  await expect(page.getByText('Welcome to CareLoop')).toBeVisible();
  await page.getByLabel('Clinic name').fill('Riverside Family Practice');
  await page.getByLabel('Your name').fill('Nurse Jordan Lee');
  if (start === 'empty') {
    await page.getByLabel(/Empty clinic/).check();
  } else {
    await page.getByLabel(/Demo clinic/).check();
    await page.getByLabel('Demo patients').selectOption(String(demoCount));
  }
  await page.getByRole('button', { name: 'Open CareLoop' }).click();
  await expect(page.getByRole('heading', { name: 'Patients', level: 1 })).toBeVisible({ timeout: 30_000 });
}

export async function shot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: path.join(SCREENSHOTS, `${name}.png`), fullPage: false });
}

/** Registers a patient through the form and waits for the saved notice (the profile opens). */
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
}
