import { expect, test } from '@playwright/test';
import { setUpClinic, shot } from './helpers';

test('staff shorten the Tachycardia escalation on the Rules screen; an unacknowledged alert escalates to the next care-team member', async ({ page }) => {
  // The alert needs ten simulated minutes of fast beats (20 s at ×30), then the 15 s delay and the engine's 15 s tick.
  test.setTimeout(180_000);
  await setUpClinic(page, 'empty');
  await page.goto('/#/patients/new');
  await page.getByLabel('Given name *').fill('Tomas');
  await page.getByLabel('Family name *').fill('Varga');
  await page.getByLabel('Date of birth *').fill('1951-09-30');
  await page.locator('select[name=sex]').selectOption('male');
  await page.getByLabel('MRN *').fill('ESC-1');
  await page.getByLabel('Phone', { exact: true }).fill('+351 21 555 0202');
  await page.getByRole('button', { name: 'Add care team member' }).click();
  await page.getByLabel('Care team member 1 name').fill('Dr Amara Osei');
  await page.getByLabel('Care team member 1 role').fill('physician');
  await page.getByRole('button', { name: 'Add care team member' }).click();
  await page.getByLabel('Care team member 2 name').fill('Nurse Sam Okafor');
  await page.getByLabel('Care team member 2 role').fill('nurse');
  await page.getByRole('button', { name: /Create patient/ }).click();
  await expect(page.getByText('Saved Varga, Tomas.')).toBeVisible();

  // The Rules screen: the escalation delay takes decimals of a minute.
  await page.getByRole('link', { name: /Alerts/ }).first().click();
  await page.getByRole('link', { name: 'Rules', exact: true }).click();
  await expect(page.getByRole('heading', { name: 'Alert rules', level: 1 })).toBeVisible();
  await page.getByRole('button', { name: 'Edit Tachycardia' }).click();
  const delay = page.getByLabel('Escalate after (minutes)');
  await expect(delay).toHaveValue('120');
  // A bad value is refused at the field with the rule's own message, and nothing is saved.
  await delay.fill('0');
  await page.getByRole('button', { name: /^Save/ }).click();
  await expect(page.getByText('escalateAfterMs must be greater than 0')).toBeVisible();
  await delay.fill('0.25');
  await page.keyboard.press('Control+s');
  await expect(page.getByText(/Saved Tachycardia \(version 2\)/)).toBeVisible();
  await expect(page.getByTestId('rule-tachycardia-at-rest').getByTestId('rule-escalation')).toHaveText('15 s');
  await shot(page, 'alert-rules');

  await page.getByRole('link', { name: /Devices/ }).click();
  await page.getByRole('button', { name: 'Pair a device' }).click();
  await page.locator('select[name=source]').selectOption({ label: 'Heart-rate chest strap (training, live)' });
  await page.getByLabel('Serial number').fill('HRS-ESC-1');
  await page.getByRole('textbox', { name: 'Patient' }).fill('varga');
  await page.getByRole('option', { name: /Varga, Tomas/ }).click();
  await page.getByRole('button', { name: 'Pair', exact: true }).click();
  const row = page.getByTestId('device-HRS-ESC-1');
  await row.getByRole('combobox', { name: 'Training time-lapse' }).selectOption('30');
  await row.getByRole('button', { name: /^Start live/ }).click();
  await expect(row.getByTestId('live-bpm')).toHaveText(/\d+/);

  await page.getByRole('link', { name: /Alerts/ }).first().click();
  const alert = page.getByTestId('alert');
  await expect(alert).toHaveCount(1, { timeout: 60_000 });
  await expect(alert).toContainText('Tachycardia');
  await expect(alert).toContainText('Varga, Tomas');
  await expect(alert.getByTestId('alert-assignee')).toHaveText('Dr Amara Osei');

  // Nobody acknowledges it: 15 s later, at the engine's next tick, it goes to the second member.
  await expect(alert.getByTestId('alert-status')).toHaveText('escalated', { timeout: 60_000 });
  await expect(alert.getByTestId('alert-assignee')).toHaveText('Nurse Sam Okafor');
  await expect(alert).toHaveCount(1);
  await shot(page, 'alerts-escalated');

  await page.getByRole('link', { name: /Devices/ }).click();
  await row.getByRole('button', { name: 'Stop' }).click();
  await expect(row.getByRole('button', { name: /^Start live/ })).toBeVisible();
});
