import { expect, test } from '@playwright/test';
import { readFile } from 'node:fs/promises';
import { createPatient, setUpClinic, shot } from './helpers';

/** Today at `hour`: always inside the week the schedule opens on, so the booked visit's details show. */
function todayAt(hour: number): string {
  const d = new Date();
  const p = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}T${p(hour)}:00`;
}

test('a video visit gets its link, is joined and ended into monitoring minutes; the calendar downloads without names', async ({ page }) => {
  await setUpClinic(page, 'empty');
  // The provider is not reachable from the test machine: its pages answer locally.
  await page.context().route('https://meet.example.org/**', (route) => route.fulfill({ contentType: 'text/html', body: '<title>Call</title><p>In the call</p>' }));

  // An administrator sets the provider; an invalid template is refused with the reason.
  await page.goto('/#/settings');
  const card = page.getByRole('region', { name: 'Video visits', exact: true });
  const templateBox = card.getByLabel('Provider link template');
  await templateBox.fill('https://meet.example.org/fixed-room');
  await card.getByRole('button', { name: 'Save' }).click();
  await expect(card.getByRole('alert')).toContainText('{appointmentId} or {random}');
  await templateBox.fill('https://meet.example.org/careloop-{appointmentId}');
  await expect(card.getByText(/^Example: https:\/\/meet\.example\.org\/careloop-/)).toBeVisible();
  await card.getByRole('button', { name: 'Save' }).click();
  await expect(card.getByRole('status')).toContainText('Saved');

  await createPatient(page, 'Vera', 'Lindqvist', 'VID-1');
  await page.keyboard.press('Alt+2');
  await expect(page.getByRole('heading', { name: 'Schedule' })).toBeVisible();
  await page.getByRole('button', { name: /^Book/ }).first().click();
  const form = page.getByRole('form', { name: 'Book an appointment' });
  await form.getByLabel('Patient *').fill('Lindqvist');
  await form.getByRole('option').first().click();
  await form.locator('select[name=type]').selectOption({ label: 'Remote monitoring review (15 min, video)' });
  await form.getByLabel('Starts').fill(todayAt(18));
  await form.getByRole('button', { name: 'Book', exact: true }).click();
  await expect(page.getByTestId('appointment-status')).toHaveText('booked');

  const visit = page.getByRole('region', { name: 'Video visit', exact: true });
  await expect(visit.getByTestId('video-link')).toHaveText(/^https:\/\/meet\.example\.org\/careloop-[0-9a-f-]{36}$/);
  // The call opens in its own window, without a handle back to CareLoop (noopener).
  const callPage = page.context().waitForEvent('page');
  await visit.getByRole('button', { name: 'Join video visit' }).click();
  const call = await callPage;
  await call.waitForLoadState();
  expect(call.url()).toMatch(/^https:\/\/meet\.example\.org\/careloop-/);
  expect(await call.evaluate(() => window.opener)).toBeNull();
  await expect(visit.getByTestId('video-joined')).toContainText('In the visit since');
  await shot(page, 'video-visit-joined');

  await visit.getByRole('button', { name: 'End visit' }).click();
  await expect(visit.getByTestId('video-notice')).toContainText('min logged as a video visit');
  // Staff correct the minutes afterwards (the call began before anyone pressed Join).
  await visit.getByLabel('Minutes logged').fill('20');
  await visit.getByRole('button', { name: 'Correct minutes' }).click();
  await expect(visit.getByTestId('video-notice')).toHaveText('Corrected: 20 min logged.');

  // The clinician's calendar: the visit is there, the patient's name is not.
  await page.getByRole('button', { name: 'Calendar (.ics)' }).click();
  const downloading = page.waitForEvent('download');
  await page.getByTestId('calendar-download').click();
  const download = await downloading;
  expect(download.suggestedFilename()).toMatch(/^careloop-.+\.ics$/);
  // Content lines unfolded (RFC 5545 §3.1) before looking at them.
  const ics = (await readFile((await download.path())!, 'utf8')).replace(/\r\n[ \t]/g, '');
  expect(ics).toContain('BEGIN:VCALENDAR');
  expect(ics).toMatch(/\r\nSUMMARY:Visit \(video\)\r\n/);
  expect(ics).toMatch(/\r\nURL;VALUE=URI:https:\/\/meet\.example\.org\/careloop-[0-9a-f-]{36}\r\n/);
  expect(ics).not.toContain('Lindqvist');
  expect(ics).not.toContain('Vera');
});
