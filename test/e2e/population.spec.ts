import { expect, test } from '@playwright/test';
import { strFromU8, unzipSync } from 'fflate';
import { readFile } from 'node:fs/promises';
import { openSealedExport } from '../../common/exports/sealed-file';
import { setUpClinic, shot } from './helpers';

test('population views over the demo clinic, small cells suppressed, and a de-identified research export', async ({ page }) => {
  await setUpClinic(page, 'demo', 100);
  // Patients' names and MRNs as the patients list shows them, to look for in the export.
  const rows = page.getByTestId('patient-row');
  await expect(rows.first()).toBeVisible();
  const listed = await rows.allInnerTexts();
  const mrns = listed.map((t) => t.match(/DEMO-\d+/)?.[0]).filter((m): m is string => !!m);
  expect(mrns.length).toBeGreaterThan(5);
  const family = listed[0]!.split(',')[0]!.trim();

  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: /Population/ }).click();
  await expect(page.getByRole('heading', { name: 'Population', level: 1 })).toBeVisible();
  const summary = page.getByTestId('population-summary');
  await expect(summary).toContainText('patients counted', { timeout: 30_000 });
  await expect(summary).toContainText('without analytics consent');
  await expect(page.getByTestId('population-distribution')).toContainText('Systolic pressure');
  // Age bands of a 100-patient clinic include some under 11: shown as "<11", never as a number below 11.
  await page.getByTestId('population-group').selectOption('age-band');
  await expect(page.getByTestId('population-distribution')).toContainText('<11');
  const cells = await page.getByTestId('population-distribution').locator('tbody td:nth-child(2)').allInnerTexts();
  for (const c of cells) expect(c === '<11' || Number(c.replace(/,/g, '')) >= 11, `patients cell ${c}`).toBe(true);
  await shot(page, 'population-age-bands');

  // The administrator's de-identified export: a zip of CSV files without the patient's name or
  // MRN, sealed with a passphrase like every export (a plain zip only when chosen explicitly).
  const passphrase = 'research passphrase 2026';
  await page.getByTestId('research-export-passphrase').fill(passphrase);
  await page.getByTestId('research-export-passphrase-again').fill(passphrase);
  const download = page.waitForEvent('download');
  await page.getByTestId('research-export').click();
  const file = await download;
  expect(file.suggestedFilename()).toMatch(/^research-export-\d{4}-\d{2}-\d{2}\.careloop-export$/);
  await expect(page.getByTestId('research-export-done')).toContainText('patients');
  const sealed = new Uint8Array(await readFile((await file.path())!));
  const opened = await openSealedExport((async function* () { yield sealed; })(), passphrase);
  expect(opened.name).toBe('research-export.zip');
  const files = unzipSync(opened.bytes!);
  expect(Object.keys(files).sort()).toEqual(['conditions.csv', 'enrolments.csv', 'manifest.json', 'patients.csv', 'readings.csv']);
  const text = Object.values(files).map((b) => strFromU8(b)).join('\n');
  for (const mrn of mrns) expect(text).not.toContain(mrn);
  expect(text).not.toContain(family);
  await shot(page, 'population-research-export');
});
