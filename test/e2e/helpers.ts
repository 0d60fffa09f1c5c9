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
