import { expect, test, type Page } from '@playwright/test';
import { createPatient, setUpClinic, shot } from './helpers';

function nextWeekday(hour: number): string {
  const d = new Date();
  d.setDate(d.getDate() + 1);
  while (d.getDay() === 0 || d.getDay() === 6) d.setDate(d.getDate() + 1);
  const p = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}T${p(hour)}:00`;
}

async function book(page: Page, patient: string, when: string) {
  await page.getByRole('button', { name: /^Book/ }).first().click();
  const form = page.getByRole('form', { name: 'Book an appointment' });
  await form.getByLabel('Patient *').fill(patient);
  await form.getByRole('option').first().click();
  await form.getByLabel('Starts').fill(when);
  await form.getByRole('button', { name: 'Book', exact: true }).click();
}

test('book, move and cancel appointments; a conflict is refused', async ({ page }) => {
  await setUpClinic(page, 'empty');
  await createPatient(page, 'Walter', 'Nakamura', 'SCH-1');
  await createPatient(page, 'Rosa', 'Iglesias', 'SCH-2');

  await page.keyboard.press('Alt+2');
  await expect(page.getByRole('heading', { name: 'Schedule' })).toBeVisible();
  const nine = nextWeekday(9);
  await book(page, 'Nakamura', nine);
  await expect(page.getByTestId('appointment-status')).toHaveText('booked');
  await page.keyboard.press('Escape');
  // Move to the week of the booking (it may be next week).
  if (!(await page.getByTestId('appointment').filter({ hasText: 'Nakamura' }).isVisible())) await page.getByRole('button', { name: 'Next' }).click();
  await expect(page.getByTestId('appointment').filter({ hasText: 'Nakamura' })).toBeVisible();

  // Same clinician, overlapping time: refused, nothing booked.
  await book(page, 'Iglesias', nine);
  await expect(page.getByRole('alert')).toContainText('the clinician is busy');
  await shot(page, 'schedule-conflict');
  await page.getByRole('button', { name: 'Close' }).click();
  await expect(page.getByTestId('appointment')).toHaveCount(1);

  // Move it to 11:00, then cancel it with a reason.
  await page.getByTestId('appointment').filter({ hasText: 'Nakamura' }).click();
  await page.getByLabel('Move to').fill(nextWeekday(11));
  await page.getByRole('button', { name: 'Move', exact: true }).click();
  await expect(page.getByText('Moved.')).toBeVisible();
  await expect(page.getByTestId('appointment').filter({ hasText: 'Nakamura' })).toContainText('11:00');

  // Now 09:00 is free for the second patient.
  await page.keyboard.press('Escape');
  await book(page, 'Iglesias', nine);
  await expect(page.getByTestId('appointment-status')).toHaveText('booked');
  await page.keyboard.press('Escape');
  await expect(page.getByTestId('appointment')).toHaveCount(2);
  await shot(page, 'schedule-week');

  await page.getByTestId('appointment').filter({ hasText: 'Nakamura' }).click();
  page.once('dialog', (d) => void d.accept('Patient travelling'));
  await page.getByRole('button', { name: 'Cancel appointment' }).click();
  await expect(page.getByTestId('appointment-status')).toHaveText('cancelled');
  await expect(page.getByText('Patient travelling')).toBeVisible();
});
