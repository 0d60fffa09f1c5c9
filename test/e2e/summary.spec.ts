import { expect, test } from '@playwright/test';
import { readFileSync } from 'node:fs';
import { openSealedExport } from '../../common/exports/sealed-file';
import { createPatient, setUpClinic, shot } from './helpers';

test.describe('the printable patient summary in browser mode', () => {
  test('opens for a registered patient with the essentials, prints through the browser and records the disclosure', async ({ page }) => {
    await setUpClinic(page, 'empty');
    await createPatient(page, 'Amelia', 'Okonkwo', 'RFP-000777', { birthDate: '1958-03-14', sex: 'female', phone: '+1 617 555 0123' });
    // Saving leaves the form on the new patient's edit page: its id is in the address.
    const id = /#\/patients\/([0-9a-f-]{36})/.exec(page.url())?.[1];
    expect(id).toBeTruthy();
    const profileUrl = `/#/patients/${id}`;

    // A week of home blood pressure and weight, brought as an Open mHealth file, gives the summary its latest vitals and charts.
    const DAY = 86_400_000;
    const now = Date.now();
    const points = Array.from({ length: 7 }, (_, d) => {
      const at = new Date(now - (7 - d) * DAY).toISOString();
      return [
        { body: { systolic_blood_pressure: { value: 138 + d * 2, unit: 'mmHg' }, diastolic_blood_pressure: { value: 86 + (d % 3), unit: 'mmHg' }, effective_time_frame: { date_time: at } } },
        { body: { body_weight: { value: 82.4 - d * 0.2, unit: 'kg' }, effective_time_frame: { date_time: at } } },
      ];
    }).flat();
    await page.goto(profileUrl);
    await page.getByTestId('import-file-input').setInputFiles({ name: 'omh-readings.json', mimeType: 'application/json', buffer: Buffer.from(JSON.stringify(points)) });
    await page.getByTestId('import-file-format').selectOption('open-mhealth');
    await page.getByTestId('import-file-start').click();
    await expect(page.getByTestId('import-file-result')).toBeVisible({ timeout: 20_000 });

    await page.goto(`${profileUrl}/summary`);
    const summary = page.getByTestId('patient-summary');
    await expect(page.getByTestId('summary-name')).toHaveText('Okonkwo, Amelia');
    await expect(page.getByTestId('summary-demographics')).toContainText('1958-03-14');
    await expect(page.getByTestId('summary-demographics')).toContainText('RFP-000777');
    await expect(page.getByTestId('summary-demographics')).toContainText('+1 617 555 0123');
    for (const section of ['conditions', 'medications', 'allergies', 'care-team', 'programs', 'consents', 'vitals', 'alerts', 'appointments', 'notes']) {
      await expect(page.getByTestId(`summary-${section}`)).toBeVisible();
    }
    await expect(page.getByTestId('summary-allergies')).toContainText('No known allergies recorded');
    const vitals = page.getByTestId('summary-vitals');
    await expect(vitals).toContainText('Systolic BP');
    await expect(vitals).toContainText('150 mmHg');
    await expect(vitals).toContainText('81.2 kg');
    await expect(vitals.locator('canvas')).toHaveCount(3);
    const footer = page.getByTestId('summary-footer');
    await expect(footer).toContainText('Riverside Family Practice');
    await expect(footer).toContainText('by Nurse Jordan Lee');
    await expect(footer).toContainText('Generated');

    // Print media: the app's navigation and the buttons are gone, the summary stays.
    await page.emulateMedia({ media: 'print' });
    await expect(page.locator('nav.sidebar')).toBeHidden();
    await expect(page.getByTestId('summary-print')).toBeHidden();
    await expect(summary).toBeVisible();
    await shot(page, 'patient-summary-print');
    const pdf = await page.pdf({ format: 'A4', printBackground: true, preferCSSPageSize: true });
    expect(pdf.subarray(0, 5).toString('latin1')).toBe('%PDF-');
    // The vitals start a new A4 page: the essentials on the first, vitals and the rest after.
    expect(pdf.toString('latin1').match(/\/Type\s*\/Page[^s]/g)?.length ?? 0).toBeGreaterThanOrEqual(2);
    await page.emulateMedia({ media: 'screen' });
    await shot(page, 'patient-summary');

    // Browser mode answers "use the browser's print": the page calls window.print(), counted here.
    await page.evaluate(() => {
      const w = window as unknown as { print: () => void; printed: number };
      w.printed = 0;
      w.print = () => void w.printed++;
    });
    await page.getByTestId('summary-print').click();
    await expect(page.getByText(/Recorded as a disclosure/)).toBeVisible();
    expect(await page.evaluate(() => (window as unknown as { printed: number }).printed)).toBe(1);

    // The accounting of disclosures on the profile lists the print.
    await page.goto(profileUrl);
    // Two prints: the PDF rendered above (a print outside the button, caught by beforeprint) and the button's.
    await expect(page.getByTestId('disclosures-card').locator('li', { hasText: 'printed-summary, plain' })).toHaveCount(2);

    // The FHIR export on the same profile is encrypted by default; the receiving side opens it with the passphrase.
    const card = page.getByTestId('fhir-export-card');
    await expect(card.getByTestId('fhir-export-format')).toHaveValue('encrypted');
    await expect(card.getByTestId('fhir-export')).toBeDisabled();
    await card.getByTestId('fhir-export-passphrase').fill('for amelia only 2026');
    await card.getByTestId('fhir-export-passphrase-again').fill('for amelia only 2026');
    const downloading = page.waitForEvent('download');
    await card.getByTestId('fhir-export').click();
    const download = await downloading;
    expect(download.suggestedFilename()).toBe('RFP-000777-fhir.careloop-export');
    const sealed = new Uint8Array(readFileSync((await download.path())!));
    expect(Buffer.from(sealed).toString('latin1')).not.toContain('Okonkwo');
    const opened = await openSealedExport((async function* () { yield sealed; })(), 'for amelia only 2026');
    expect(opened.name).toBe('fhir-bundle.json');
    expect(opened.text).toContain('"family":"Okonkwo"');
    await expect(page.getByTestId('disclosures-card')).toContainText('fhir-bundle, encrypted');
    // Plain JSON only behind an explicit confirmation.
    await card.getByTestId('fhir-export-format').selectOption('plain');
    await expect(card.getByText(/readable by anyone/)).toBeVisible();
    await expect(card.getByTestId('fhir-export')).toBeDisabled();
    await card.getByTestId('fhir-export-plain-confirm').check();
    await expect(card.getByTestId('fhir-export')).toBeEnabled();
    await shot(page, 'fhir-export-plain-warning');
  });
});
