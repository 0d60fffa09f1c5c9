import { expect, test } from '@playwright/test';
import { readFileSync } from 'node:fs';
import { createPatient, setUpClinic, shot } from './helpers';

const CSV = [
  'First Name,Last Name,DOB,Gender,MRN,Mobile,Email',
  'Rosa,Alvarez,03/04/1961,F,IMP-1,+1 555 0100 7001,',
  'Tomas,Berg,25/12/1980,M,IMP-2,+1 555 0100 7002,',
  'Uma,,01/01/1970,F,IMP-3,,uma@example.org',
  'Vik,Chandra,1/2/1999,m,IMP-4,,vik@example.org',
].join('\r\n');

test('patients come in from a CSV with mapping, a checked preview and a report of rejected rows; lists export as CSV', async ({ page }) => {
  await setUpClinic(page, 'empty');
  // IMP-2 is already a patient: the file's row for it is skipped, never merged.
  await createPatient(page, 'Tomas', 'Existing', 'IMP-2');
  await page.goto('/#/patients');

  await page.getByTestId('patient-import-open').click();
  await page.getByTestId('patient-import-file').setInputFiles({ name: 'clinic-list.csv', mimeType: 'text/csv', buffer: Buffer.from(CSV, 'utf8') });
  const mapping = page.getByTestId('patient-import-mapping');
  await expect(mapping).toBeVisible();
  await expect(page.getByLabel('Column of Given (first) name')).toHaveValue('0');
  await expect(page.getByLabel('Column of MRN')).toHaveValue('4');
  await expect(page.getByLabel('Date of birth format')).toHaveValue('DD/MM/YYYY');
  await shot(page, 'patient-import-mapping');
  await page.getByRole('button', { name: 'Check the rows' }).click();

  await expect(page.getByTestId('patient-import-counts')).toContainText('2 valid');
  await expect(page.getByTestId('patient-import-counts')).toContainText('1 invalid');
  await expect(page.getByTestId('patient-import-counts')).toContainText('1 duplicate MRN');
  await expect(page.getByTestId('patient-import-row').nth(2)).toContainText('enter the family name');
  await shot(page, 'patient-import-preview');

  await page.getByTestId('patient-import-start').click();
  await expect(page.getByTestId('patient-import-result')).toContainText('2 patients added, 2 rows not imported');
  const [report] = await Promise.all([page.waitForEvent('download'), page.getByTestId('patient-import-report').click()]);
  const reportText = readFileSync((await report.path())!, 'utf8');
  expect(reportText).toContain('row,reasons,First Name');
  expect(reportText).toContain('MRN IMP-2 already belongs to a patient (not overwritten)');
  expect(reportText).toContain('Family (last) name: enter the family name');

  await page.getByRole('button', { name: 'Close the import' }).click();
  await expect(page.getByTestId('patient-row').filter({ hasText: 'Alvarez, Rosa' })).toContainText('1961-04-03');
  await expect(page.getByTestId('patient-row').filter({ hasText: 'Chandra, Vik' })).toContainText('1999-02-01');
  await expect(page.getByTestId('patient-row').filter({ hasText: 'Existing, Tomas' })).toBeVisible();

  // The list exports as it is filtered, for spreadsheets (BOM, formula guard on "+1 …" phone numbers).
  await page.getByRole('searchbox', { name: 'Search patients' }).fill('Alvarez');
  await expect(page.getByTestId('result-count')).toHaveText('1 patient');
  const [csv] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Export Patients as CSV' }).click()]);
  expect(csv.suggestedFilename()).toMatch(/^careloop-patients-\d{4}-\d{2}-\d{2}\.csv$/);
  const exported = readFileSync((await csv.path())!, 'utf8');
  expect(exported.startsWith('\uFEFFFamily name,Given name')).toBe(true);
  expect(exported.trim().split('\r\n')).toHaveLength(2);
  expect(exported).toContain(`Alvarez,Rosa,1961-04-03,female,IMP-1,"'+1 555 0100 7001"`);
});
