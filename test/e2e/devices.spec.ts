import { expect, test } from '@playwright/test';
import { createPatient, setUpClinic, shot } from './helpers';

test('pair a training meter to a patient, download it, and a second download adds nothing', async ({ page }) => {
  await setUpClinic(page, 'empty');
  await createPatient(page, 'Tomas', 'Lindqvist', 'DEV-1', { birthDate: '1961-09-30', sex: 'male', phone: '+46 70 555 0101' });

  await page.getByRole('link', { name: /Devices/ }).click();
  await expect(page.getByText('No device is paired yet')).toBeVisible();
  await page.getByRole('button', { name: 'Pair a device' }).click();
  await page.locator('select[name=source]').selectOption({ label: 'Contour Next USB (training)' });
  await page.getByLabel('Serial number').fill('7410-E2E0001');
  await page.getByRole('textbox', { name: 'Patient' }).fill('lindq');
  await page.getByRole('option', { name: /Lindqvist, Tomas/ }).click();
  await page.getByRole('button', { name: 'Pair', exact: true }).click();
  const row = page.getByTestId('device-7410-E2E0001');
  await expect(row).toContainText('Lindqvist, Tomas');

  await row.getByRole('button', { name: /^Download/ }).click();
  await expect(row.getByTestId('download-summary')).toContainText(/\d+ new readings, 0 already stored/);
  const first = Number((await row.getByTestId('download-summary').textContent())!.match(/(\d+) new readings/)![1]);
  expect(first).toBeGreaterThan(0);
  await shot(page, 'devices');

  await row.getByRole('button', { name: /^Download/ }).click();
  await expect(row.getByTestId('download-summary')).toContainText('0 new readings');
  await expect(page.getByRole('table').nth(1).locator('tbody tr')).toHaveCount(2);

  // The readings are the patient's now: the profile charts them.
  await row.getByRole('link', { name: 'Lindqvist, Tomas' }).click();
  await expect(page.getByRole('heading', { name: /Lindqvist, Tomas/ })).toBeVisible();
  await expect(page.getByText(/Glucose/).first()).toBeVisible();
});
