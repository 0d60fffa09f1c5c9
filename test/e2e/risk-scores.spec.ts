import { expect, test } from '@playwright/test';
import { setUpClinic, shot } from './helpers';

test.describe('risk scores from the record, and baseline rules made on the Rules screen', () => {
  test('the profile names missing inputs until lab results and the race group are given, then shows the scores', async ({ page }) => {
    await setUpClinic(page, 'empty');
    // Registered with the smoking status the risk scores read (the form's Clinical section).
    await page.goto('/#/patients/new');
    await page.getByLabel('Given name *').fill('Ruth');
    await page.getByLabel('Family name *').fill('Adeyemi');
    await page.getByLabel('Date of birth *').fill('1968-04-02');
    await page.locator('select[name=sex]').selectOption('female');
    await page.getByLabel('MRN *').fill('RFP-000911');
    await page.getByLabel('Phone', { exact: true }).fill('+1 617 555 0191');
    await page.locator('select[name=smokingStatus]').selectOption('never');
    await page.getByRole('button', { name: /Create patient/ }).click();
    await expect(page.getByText('Saved Adeyemi, Ruth.')).toBeVisible();
    await expect(page).toHaveURL(/#\/patients\/[0-9a-f-]{36}\/edit/);
    const id = /#\/patients\/([0-9a-f-]{36})/.exec(page.url())?.[1];
    expect(id).toBeTruthy();

    // A week of home blood pressure from an Open mHealth file gives the systolic input.
    const DAY = 86_400_000;
    const now = Date.now();
    const points = Array.from({ length: 7 }, (_, d) => ({
      body: { systolic_blood_pressure: { value: 128, unit: 'mmHg' }, diastolic_blood_pressure: { value: 80, unit: 'mmHg' }, effective_time_frame: { date_time: new Date(now - (7 - d) * DAY).toISOString() } },
    }));
    await page.goto(`/#/patients/${id}`);
    await page.getByTestId('import-file-input').setInputFiles({ name: 'omh-bp.json', mimeType: 'application/json', buffer: Buffer.from(JSON.stringify(points)) });
    await page.getByTestId('import-file-format').selectOption('open-mhealth');
    await page.getByTestId('import-file-start').click();
    await expect(page.getByTestId('import-file-result')).toBeVisible({ timeout: 20_000 });

    const card = page.getByTestId('risk-scores-card');
    await expect(card.getByTestId('ascvd-needs')).toHaveText('Needs: race group, total cholesterol, HDL cholesterol');
    await expect(card.getByTestId('prevent-needs')).toHaveText('Needs: total cholesterol, HDL cholesterol, BMI, eGFR');
    await expect(card.getByTestId('ascvd-result')).toHaveCount(0);

    // Laboratory results typed from a report.
    const today = new Date().toISOString().slice(0, 10);
    for (const [label, value] of [['Total cholesterol', '213'], ['HDL cholesterol', '50'], ['eGFR (CKD-EPI 2021)', '88']] as const) {
      await card.getByRole('button', { name: 'Add laboratory result' }).click();
      const form = card.getByTestId('lab-result-form');
      await form.locator('select[name=lab-metric]').selectOption({ label });
      await form.getByLabel('Value', { exact: true }).fill(value);
      await form.getByLabel('Date taken').fill(today);
      await form.getByRole('button', { name: 'Save result' }).click();
      await expect(card.getByText(new RegExp(`Saved ${label.replace(/[()]/g, '\\$&')} ${value}`))).toBeVisible();
    }
    // A value outside what a laboratory reports is refused at the field.
    await card.getByRole('button', { name: 'Add laboratory result' }).click();
    await card.getByTestId('lab-result-form').getByLabel('Value', { exact: true }).fill('4000');
    await card.getByRole('button', { name: 'Save result' }).click();
    await expect(card.getByText('Value must be between 40 and 1000 mg/dL')).toBeVisible();
    await card.getByRole('button', { name: 'Cancel' }).click();

    await expect(card.getByTestId('ascvd-needs')).toHaveText('Needs: race group');
    await card.getByLabel('Race group for this calculation').selectOption('white');
    await expect(card.getByTestId('ascvd-result')).toContainText('%');
    await expect(card.getByTestId('prevent-needs')).toHaveText('Needs: BMI');
    await expect(card.getByTestId('risk-ascvd').locator('[data-input=systolic]')).toContainText('home average');
    await shot(page, 'risk-scores-card');
  });

  test('staff create a baseline rule, read it in words and save it', async ({ page }) => {
    await setUpClinic(page, 'empty');
    await page.goto('/#/alerts/rules');
    await expect(page.getByRole('heading', { name: 'Alert rules', level: 1 })).toBeVisible();
    await page.getByRole('button', { name: 'New baseline rule' }).click();
    const editor = page.getByTestId('daily-rule-editor');
    // Nothing chosen yet: the form says what is needed.
    await editor.getByRole('button', { name: /^Save rule/ }).click();
    await expect(editor.getByText('choose the metric the rule watches')).toBeVisible();
    await expect(editor.getByText('enter a name')).toBeVisible();

    await editor.getByLabel('Name').fill('Weight creeping up');
    await editor.getByLabel('Kind').selectOption('cusum');
    await editor.getByLabel('Metric').selectOption({ label: 'Weight' });
    await editor.getByLabel('h, decision interval (robust SDs)').fill('0.2');
    await editor.getByRole('button', { name: /^Save rule/ }).click();
    await expect(editor.getByText('h must be greater than k, or a single ordinary day would alarm')).toBeVisible();
    await editor.getByLabel('h, decision interval (robust SDs)').fill('6');
    await expect(editor.getByTestId('daily-rule-preview')).toContainText('passes 6 robust SDs');
    await page.keyboard.press('Control+s');
    await expect(page.getByText(/Saved Weight creeping up \(version 1\)/)).toBeVisible();
    await expect(page.getByRole('row', { name: /Weight creeping up/ })).toContainText('CUSUM body-weight rise (k 0.5, h 6 robust SD)');
    await shot(page, 'baseline-rule-created');
  });
});
