import { expect, test } from '@playwright/test';
import { setUpClinic, shot } from './helpers';

test('messages respect consent, use templates and queue while offline', async ({ page, context }) => {
  await setUpClinic(page, 'empty');
  await page.goto('/#/patients/new');
  await page.getByLabel('Given name *').fill('Ivy');
  await page.getByLabel('Family name *').fill('Marchetti');
  await page.getByLabel('Date of birth *').fill('1944-07-01');
  await page.locator('select[name=sex]').selectOption('female');
  await page.getByLabel('MRN *').fill('MSG-1');
  await page.getByLabel('Phone', { exact: true }).fill('+1 555 0100 4444');
  await page.getByRole('button', { name: /Create patient/ }).click();
  await expect(page.getByText('Saved Marchetti, Ivy.')).toBeVisible();
  await page.getByRole('link', { name: '← Profile' }).click();

  // Without consent the SMS is withheld, visibly.
  await page.getByRole('link', { name: 'Message' }).click();
  await expect(page.getByTestId('consent-note')).toContainText('No consent recorded');
  await page.getByLabel('Message', { exact: true }).fill('Hello from the clinic');
  await page.getByRole('button', { name: /^Send/ }).click();
  await expect(page.getByRole('alert')).toContainText('has not consented to sms');
  await expect(page.getByTestId('message-status').last()).toHaveText('withheld');

  // Record written SMS consent on the profile.
  await page.getByRole('link', { name: 'Marchetti, Ivy', exact: true }).click();
  await page.getByRole('button', { name: 'Change consent: SMS' }).click();
  await page.getByLabel('How consent for SMS was recorded').selectOption('written');
  await page.getByRole('button', { name: 'Record consent given' }).click();
  await expect(page.getByTestId('consent-sms')).toContainText('given');

  // Offline: a templated message still queues, with its variables filled from the record.
  await context.setOffline(true);
  await page.getByRole('link', { name: 'Message' }).click();
  await expect(page.getByTestId('network-status')).toContainText('Offline');
  await page.locator('select[name=template]').selectOption({ label: 'No readings for 3 days' });
  await expect(page.getByLabel('Message', { exact: true })).toHaveValue(/Hello Ivy, we have not received a reading/);
  await page.getByRole('button', { name: /^Send/ }).click();
  await expect(page.getByText('Queued. It leaves when this workstation syncs')).toBeVisible();
  await expect(page.getByTestId('message-status').last()).toHaveText('queued');
  await shot(page, 'inbox');

  // Withdrawing consent stops the queued message at once.
  await page.getByRole('link', { name: 'Marchetti, Ivy', exact: true }).click();
  await page.getByRole('button', { name: 'Change consent: SMS' }).click();
  await page.getByRole('button', { name: 'Record withdrawal' }).click();
  await expect(page.getByTestId('consent-sms')).toContainText('withdrawn');
  await page.getByRole('link', { name: 'Message' }).click();
  await expect(page.getByTestId('message-status').last()).toHaveText('withheld');
  await context.setOffline(false);
});
