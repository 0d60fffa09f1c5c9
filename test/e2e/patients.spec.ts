import { expect, test } from '@playwright/test';
import { setUpClinic, shot } from './helpers';

test.describe('patients in browser mode, on Chromium IndexedDB', () => {
  test('create a patient, reload, find them by search, edit, archive', async ({ page }) => {
    await setUpClinic(page, 'empty');
    await expect(page.getByText('No patients yet')).toBeVisible();
    await shot(page, 'patients-empty');

    // Create, first with a mistake: nothing is saved and the fields say why.
    await page.getByRole('link', { name: /New patient/ }).first().click();
    await page.getByLabel('Given name *').fill('Amelia');
    await page.getByLabel('Family name *').fill('Okonkwo');
    await page.getByLabel('Date of birth *').fill('1958-03-14');
    await page.getByLabel('MRN *').fill('RFP-000123');
    await page.getByLabel('Email', { exact: true }).fill('amelia-at-example');
    await page.getByRole('button', { name: /Create patient/ }).click();
    await expect(page.getByText('Nothing was saved. Please correct the highlighted fields.')).toBeVisible();
    await expect(page.getByText('choose female, male, other or unknown')).toBeVisible();
    await expect(page.getByText('enter an email address like name@example.org')).toBeVisible();
    await shot(page, 'patient-form-errors');

    await page.locator('select[name=sex]').selectOption('female');
    await page.locator('input[name=email]').fill('amelia.okonkwo@example.org');
    await page.getByLabel('Phone', { exact: true }).fill('+1 617 555 0123');
    await page.getByRole('button', { name: 'Add condition' }).click();
    await page.getByLabel('Condition 1', { exact: true }).fill('Essential hypertension');
    await page.getByLabel('Condition 1 code').fill('I10');
    await page.getByRole('button', { name: /Create patient/ }).click();
    await expect(page.getByText('Saved Okonkwo, Amelia.')).toBeVisible();
    await expect(page.getByRole('heading', { name: /Okonkwo, Amelia/ })).toBeVisible();

    // The record survives a reload: it is in IndexedDB, not in memory.
    await page.goto('/#/patients');
    await page.reload();
    const search = page.getByRole('searchbox', { name: 'Search patients' });
    await search.fill('okon');
    await expect(page.getByTestId('patient-row')).toHaveCount(1);
    await expect(page.getByTestId('patient-row')).toContainText('Essential hypertension');
    for (const q of ['RFP-000123', '0123', '14/03/1958', '1958-03-14']) {
      await search.fill(q);
      await expect(page.getByTestId('patient-row')).toHaveCount(1);
    }
    await search.fill('nobody-like-this');
    await expect(page.getByText(/No active patient matches/)).toBeVisible();

    // Edit.
    await search.fill('amelia');
    await search.press('Enter');
    await expect(page.getByRole('heading', { name: /Okonkwo, Amelia/ })).toBeVisible();
    await expect(page.getByText('Essential hypertension')).toBeVisible();
    await expect(page.getByText('No device readings in this period')).toBeVisible();
    await page.getByRole('link', { name: 'Edit details' }).click();
    await page.getByLabel('Preferred name').fill('Millie');
    await page.keyboard.press('Control+s');
    await expect(page.getByText('Saved Okonkwo, Amelia.')).toBeVisible();
    await shot(page, 'patient-form');
    await page.reload();
    await expect(page.getByLabel('Preferred name')).toHaveValue('Millie');

    // Archive: gone from the active list, present in the archived one, restorable.
    page.once('dialog', (d) => void d.accept());
    await page.getByRole('button', { name: 'Archive' }).click();
    await expect(page.getByText('Archived', { exact: true })).toBeVisible();
    await page.goto('/#/patients');
    await page.getByRole('searchbox', { name: 'Search patients' }).fill('okonkwo');
    await expect(page.getByText(/No active patient matches/)).toBeVisible();
    await page.getByRole('radio', { name: 'Archived' }).click();
    await expect(page.getByTestId('patient-row')).toHaveCount(1);
  });

  test('a new user can start with the demo clinic and see living data', async ({ page }) => {
    test.setTimeout(360_000);
    await setUpClinic(page, 'demo', 100);
    await expect(page.getByTestId('result-count')).toHaveText('100 patients');
    await expect(page.getByTestId('patient-row').first()).toBeVisible();
    await shot(page, 'patients-demo');

    await page.getByRole('searchbox', { name: 'Search patients' }).fill('DEMO-100007');
    await expect(page.getByTestId('patient-row')).toHaveCount(1);

    // A monitored demo patient's profile shows device charts.
    await page.getByRole('searchbox', { name: 'Search patients' }).fill('remote-monitoring');
    await expect(page.getByTestId('patient-row').first()).toContainText('remote-monitoring');
    await page.getByTestId('patient-row').first().click();
    await expect(page.getByTestId('vitals-charts')).toBeVisible();
    await expect(page.getByRole('img', { name: /Blood pressure chart|Glucose chart|Weight chart|SpO₂ chart/ }).first()).toBeVisible();
    await expect(page.getByTestId('trends')).toContainText(/Days with readings\s*\d+ of the last 30/);
    await page.getByRole('radio', { name: '1 year' }).click();
    await shot(page, 'patient-profile');

    await page.keyboard.press('Alt+7');
    await expect(page.getByRole('heading', { name: 'Settings' })).toBeVisible();
    await expect(page.getByTestId('patient-total')).toHaveText('100');
    await expect(page.getByTestId('app-mode')).toHaveText('Browser mode');
    await expect(page.getByTestId('usb-none')).toBeVisible();
    await expect(page.getByTestId('engine-host')).toHaveText('Connected');
    await shot(page, 'settings');

    // The demo's readings ran through the clinic's rules: the alert inbox is populated, high priority first.
    await page.keyboard.press('Alt+4');
    await expect(page.getByRole('heading', { name: 'Alerts', level: 1 })).toBeVisible();
    await expect(page.getByTestId('alert').first()).toBeVisible();
    // Every alert links to the readings that raised it.
    await page.getByTestId('alert').first().getByRole('button', { name: /\d+ readings?/ }).click();
    await expect(page.getByTestId('alert-readings').first()).toContainText(/\d/);
    await shot(page, 'alerts');

    // Monitored demo patients come with training devices, ready to download.
    await page.keyboard.press('Alt+5');
    const demoDevice = page.locator('[data-testid^=device-TRAIN-]').first();
    await expect(demoDevice).toContainText('training');
    const download = demoDevice.getByRole('button', { name: /^Download/ });
    if (await download.isVisible()) {
      await download.click();
      await expect(demoDevice.getByTestId('download-summary')).toContainText(/new readings/);
    }
  });
});
