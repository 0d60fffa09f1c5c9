import { expect, test } from '@playwright/test';
import { setUpClinic, shot } from './helpers';

/**
 * The care loop end to end: a worrying reading from a training device raises an alert, and
 * the "High-priority alert follow-up" workflow notifies the care team, creates a task and
 * books a follow-up, all three on the patient's timeline with the workflow's name.
 *
 * No training device yields a high-priority reading (cuff systolic ≤ 149, oximeter SpO₂ ≥ 93,
 * meters 60–299 mg/dL); the chest strap's time-lapse tachycardia raises a medium-priority
 * alert. So the test first widens the workflow to medium priority on the Workflows screen
 * (which also exercises editing), and gives it 7 days for the follow-up so a run on a
 * Friday evening still finds a weekday slot.
 */
test('an alert from a reading creates the task, notifies the team and books the follow-up, all on the timeline', async ({ page }) => {
  await setUpClinic(page, 'empty');

  // A patient with SMS consent and a care team member who is staff (the signed-in nurse).
  await page.goto('/#/patients/new');
  await page.getByLabel('Given name *').fill('Ines');
  await page.getByLabel('Family name *').fill('Barros');
  await page.getByLabel('Date of birth *').fill('1957-02-11');
  await page.locator('select[name=sex]').selectOption('female');
  await page.getByLabel('MRN *').fill('AUTO-1');
  await page.getByLabel('Phone', { exact: true }).fill('+351 21 555 0101');
  await page.getByRole('button', { name: 'Add care team member' }).click();
  await page.getByLabel('Care team member 1 name').fill('Nurse Jordan Lee');
  await page.getByLabel('Care team member 1 role').fill('Nurse');
  await page.getByRole('button', { name: /Create patient/ }).click();
  await expect(page.getByText('Saved Barros, Ines.')).toBeVisible();
  await page.getByRole('link', { name: '← Profile' }).click();
  await page.getByRole('button', { name: 'Change consent: SMS' }).click();
  await page.getByLabel('How consent for SMS was recorded').selectOption('written');
  await page.getByRole('button', { name: 'Record consent given' }).click();
  await expect(page.getByTestId('consent-sms')).toContainText('given');

  // The workflows screen: the shipped workflows, then widen the alert follow-up.
  await page.goto('/#/workflows');
  const flow = page.locator('[data-testid=workflow][data-key=high-alert-follow-up]');
  await expect(flow).toContainText('High-priority alert follow-up');
  await flow.getByRole('button', { name: 'Edit High-priority alert follow-up' }).click();
  await flow.getByRole('checkbox', { name: 'medium' }).check();
  await flow.getByLabel('Within (days)').fill('0');
  await flow.getByRole('button', { name: 'Save' }).click();
  await expect(flow.getByText('the number of days must be at least 1')).toBeVisible();
  await flow.getByLabel('Within (days)').fill('7');
  await flow.getByRole('button', { name: 'Save' }).click();
  await expect(page.getByTestId('workflows-notice')).toContainText('Saved: High-priority alert follow-up.');
  await expect(flow).toContainText('An alert of high or medium priority opens');
  await expect(flow).toContainText('within 7 days');

  // The reading: a training chest strap in time-lapse turns fast and raises an alert.
  await page.getByRole('link', { name: /Devices/ }).click();
  await page.getByRole('button', { name: 'Pair a device' }).click();
  await page.locator('select[name=source]').selectOption({ label: 'Heart-rate chest strap (training, live)' });
  await page.getByLabel('Serial number').fill('HRS-AUTO-1');
  await page.getByRole('textbox', { name: 'Patient' }).fill('barros');
  await page.getByRole('option', { name: /Barros, Ines/ }).click();
  await page.getByRole('button', { name: 'Pair', exact: true }).click();
  const row = page.getByTestId('device-HRS-AUTO-1');
  await row.getByRole('combobox', { name: 'Training time-lapse' }).selectOption('30');
  await row.getByRole('button', { name: /^Start live/ }).click();
  await expect(row.getByTestId('live-bpm')).toHaveText(/^1[0-9]{2}/, { timeout: 20_000 });
  await page.getByRole('link', { name: /Alerts/ }).click();
  await expect(page.getByTestId('alert')).toHaveCount(1, { timeout: 45_000 });

  // The run: completed, with its three actions.
  await page.goto('/#/workflows');
  const run = page.getByTestId('workflow-run').filter({ hasText: 'High-priority alert follow-up' });
  await expect(run).toHaveCount(1, { timeout: 15_000 });
  await expect(run).toContainText('Barros, Ines');
  await expect(run).toContainText('completed');
  await expect(run).toContainText('care team notified: Nurse Jordan Lee');
  await expect(run).toContainText('task “Review high-priority alert: Ines Barros” for Nurse Jordan Lee');
  await expect(run).toContainText('Remote monitoring review booked with Nurse Jordan Lee');
  await expect(run.getByRole('button', { name: /^Undo/ })).toBeVisible();
  await shot(page, 'workflows-run');

  // All three on the patient's timeline, each naming the workflow.
  await run.getByRole('link', { name: 'Barros, Ines' }).click();
  await expect(page.getByRole('heading', { name: /Barros, Ines/ })).toBeVisible();
  const timeline = page.getByText(/High-priority alert follow-up/);
  await expect(page.getByText(/Task created: task “Review high-priority alert/)).toBeVisible();
  await expect(page.getByText(/Follow-up booked: Remote monitoring review/)).toBeVisible();
  await expect(page.getByText(/Staff note: For Nurse Jordan Lee: A high-priority alert opened/)).toBeVisible();
  expect(await timeline.count()).toBeGreaterThanOrEqual(3);
  await shot(page, 'timeline-automation');
});
