import { expect, test } from '@playwright/test';
import { setUpClinic, shot } from './helpers';

test('the remote-monitoring worklist counts days and minutes; tasks go on my worklist and get done', async ({ page }) => {
  test.setTimeout(360_000);
  await setUpClinic(page, 'demo');

  // A monitored demo patient.
  await page.getByRole('searchbox', { name: 'Search patients' }).fill('remote-monitoring');
  await expect(page.getByTestId('patient-row').first()).toContainText('remote-monitoring');
  await page.getByTestId('patient-row').first().click();
  await expect(page).toHaveURL(/#\/patients\/[0-9a-f-]+$/);
  const patientId = page.url().split('/patients/')[1]!;

  // Enrol them in the post-discharge program from the profile (the demo enrols by condition only).
  const programs = page.getByTestId('programs-card');
  await programs.getByRole('button', { name: 'Enrol', exact: true }).click();
  const enrolForm = programs.getByRole('form', { name: 'Enrol in a program' });
  await enrolForm.locator('select[name=program]').selectOption({ label: 'Post-discharge' });
  await enrolForm.getByLabel('Reason *').fill('Discharged yesterday after a heart-failure admission');
  await enrolForm.getByRole('button', { name: 'Enrol patient' }).click();
  await expect(programs.getByTestId('programs-notice')).toContainText('Enrolled in Post-discharge');
  await expect(programs.getByTestId('enrolment').filter({ hasText: 'Post-discharge' })).toContainText('active');

  // Log 12 minutes of data review and a 10-minute interactive call on the Remote monitoring tab.
  await page.goto('/#/worklist');
  await expect(page.getByRole('heading', { name: 'Worklist', level: 1 })).toBeVisible();
  await page.getByRole('tab', { name: 'Remote monitoring' }).click();
  const row = page.getByTestId('rpm-row').filter({ has: page.locator(`a[href="#/patients/${patientId}"]`) });
  await expect(row).toHaveCount(1);
  // The demo clinic has already logged monitoring time this month for many patients.
  const minutesBefore = Number((await row.getByTestId('rpm-minutes').textContent())!.replace(/\D+/g, '') || '0');
  await row.getByRole('button', { name: /^Log time for / }).click();
  const logForm = page.getByRole('form', { name: /^Log time for / });
  await logForm.getByLabel('Minutes *').fill('12');
  await logForm.locator('select[name=activity]').selectOption('data-review');
  await logForm.getByRole('button', { name: 'Log time', exact: true }).click();
  await expect(logForm.getByTestId('time-log-notice')).toContainText('Logged 12 min');
  await logForm.getByLabel('Minutes *').fill('10');
  await logForm.locator('select[name=activity]').selectOption('interactive-call');
  await expect(logForm.getByLabel('Interactive contact')).toBeChecked();
  await logForm.getByRole('button', { name: 'Log time', exact: true }).click();
  await expect(logForm.getByTestId('time-log-notice')).toContainText('Logged 10 min');

  await expect(row.getByTestId('rpm-minutes')).toHaveText(`${minutesBefore + 22} min`);
  await expect(row.getByTestId('rpm-code').filter({ hasText: '99457' })).toBeVisible();
  await expect(row.getByTestId('strip-cell')).toHaveCount(30);
  const days = Number(await row.getByTestId('rpm-days').textContent());
  await expect(row.locator('[data-testid="strip-cell"][data-filled="true"]')).toHaveCount(days);
  await shot(page, 'worklist-rpm');

  // A task assigned to the signed-in user shows on My tasks, and is completed with Ctrl+Enter.
  await page.getByRole('tab', { name: 'My tasks' }).click();
  await page.keyboard.press('n');
  const taskForm = page.getByRole('form', { name: 'New task' });
  await expect(taskForm.getByLabel('Task *')).toBeFocused();
  await taskForm.getByLabel('Task *').fill('Call about evening readings');
  await expect(taskForm.locator('select[name=assignee] option:checked')).toHaveText('Nurse Jordan Lee');
  await taskForm.locator('select[name=priority]').selectOption('high');
  await taskForm.getByLabel('Task *').press('Control+Enter');
  await expect(page.getByTestId('worklist-notice')).toHaveText('Task created.');
  const task = page.getByTestId('task-row').filter({ hasText: 'Call about evening readings' });
  await expect(task).toBeVisible();
  await expect(task).toContainText('Nurse Jordan Lee');
  await shot(page, 'worklist-tasks');
  await task.focus();
  await page.keyboard.press('Control+Enter');
  await expect(page.getByTestId('worklist-notice')).toHaveText('Completed: Call about evening readings');
  await expect(task).toHaveCount(0);
});
