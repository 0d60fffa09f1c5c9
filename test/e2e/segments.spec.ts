import { expect, test } from '@playwright/test';
import { createPatient, setUpClinic, shot } from './helpers';

test('a saved segment is counted, previewed and messaged: consented patients queued, the rest listed as skipped', async ({ page, context }) => {
  await setUpClinic(page, 'empty');
  await createPatient(page, 'Ivy', 'Marchetti', 'SEG-1', { birthDate: '1944-07-01', sex: 'female', phone: '+1 555 0100 4444' });
  // Ivy consents to SMS; Otto never does; Nia is too young for the segment.
  await page.getByRole('link', { name: '← Profile' }).click();
  await page.getByRole('button', { name: 'Change consent: SMS' }).click();
  await page.getByLabel('How consent for SMS was recorded').selectOption('written');
  await page.getByRole('button', { name: 'Record consent given' }).click();
  await expect(page.getByTestId('consent-sms')).toContainText('given');
  await createPatient(page, 'Otto', 'Brandt', 'SEG-2', { birthDate: '1950-02-02', phone: '+1 555 0100 5555' });
  await createPatient(page, 'Nia', 'Okoye', 'SEG-3', { birthDate: '1995-03-03', sex: 'female', phone: '+1 555 0100 6666' });

  // The Segments screen is in the navigation.
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: /Segments/ }).click();
  await expect(page.getByRole('heading', { name: 'Segments', level: 1 })).toBeVisible();
  await expect(page.getByText('No saved segments yet')).toBeVisible();
  await page.getByRole('button', { name: 'Create the first segment' }).click();

  // Validation at the field, then a live preview of who matches.
  await page.getByLabel('Age from').fill('sixty');
  await page.getByLabel('Age from').blur();
  await expect(page.getByText('enter an age in whole years')).toBeVisible();
  await page.getByRole('button', { name: /Create segment/ }).click();
  await expect(page.getByText('name the segment')).toBeVisible();
  await page.getByLabel('Age from').fill('65');
  await expect(page.getByTestId('preview-count')).toHaveText('2');
  await expect(page.getByRole('list', { name: 'Matching patients' })).toContainText('Brandt, Otto');
  await expect(page.getByRole('list', { name: 'Matching patients' })).not.toContainText('Okoye');
  await page.getByLabel('Name *').fill('Over 65');
  await shot(page, 'segments-editor');
  await page.getByRole('button', { name: /Create segment/ }).click();

  // The list shows the saved segment with its audience count.
  await expect(page.getByText('Saved “Over 65”.')).toBeVisible();
  const row = page.locator('tr[data-segment="Over 65"]');
  await expect(row.getByTestId('segment-count')).toHaveText('2');
  await expect(row).toContainText('age 65+');
  await shot(page, 'segments-list');

  // Message it while offline: one message per consented patient queues, the other is listed as skipped.
  await context.setOffline(true);
  await row.getByRole('button', { name: 'Message Over 65' }).click();
  await expect(page.getByTestId('audience-size')).toContainText('2 patients');
  await page.locator('select[name=audience-template]').selectOption({ label: 'Well done this week' });
  await expect(page.getByTestId('audience-preview')).toHaveCount(2);
  await expect(page.getByTestId('audience-preview').filter({ hasText: 'Ivy Marchetti' })).toContainText('Well done, Ivy!');
  await page.getByRole('button', { name: 'Queue 2 messages' }).click();
  await expect(page.getByTestId('audience-queued')).toContainText('1 queued');
  const skipped = page.getByTestId('audience-skipped');
  await expect(skipped).toHaveCount(1);
  await expect(skipped).toContainText('Otto Brandt');
  await expect(skipped).toContainText('No consent');
  await expect(page.getByRole('progressbar', { name: 'Messages processed' })).toContainText('2 of 2');
  await shot(page, 'segments-message');

  // The queued message is in Ivy's thread; Otto's is kept as withheld, as in the inbox.
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: /Inbox/ }).click();
  await page.getByRole('navigation', { name: 'Conversations' }).getByRole('link', { name: /Marchetti, Ivy/ }).click();
  await expect(page.getByTestId('message-status').last()).toHaveText('queued');
  await expect(page.getByTestId('message').last()).toContainText('Well done, Ivy!');
  await page.getByRole('navigation', { name: 'Conversations' }).getByRole('link', { name: /Brandt, Otto/ }).click();
  await expect(page.getByTestId('message-status').last()).toHaveText('withheld');
  await context.setOffline(false);

  // Deleting asks first; "Keep" is the safe default and has the focus.
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: /Segments/ }).click();
  await page.getByRole('button', { name: 'Delete Over 65' }).click();
  await expect(page.getByText('Delete “Over 65”?')).toBeVisible();
  await expect(page.getByRole('button', { name: 'Keep' })).toBeFocused();
  await page.keyboard.press('Enter');
  await expect(page.locator('tr[data-segment="Over 65"]')).toBeVisible();
  await page.getByRole('button', { name: 'Delete Over 65' }).click();
  await page.getByRole('button', { name: 'Yes, delete' }).click();
  await expect(page.getByText('No saved segments yet')).toBeVisible();
});
