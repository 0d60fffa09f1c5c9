import { expect, test } from '@playwright/test';
import { createPatient, setUpClinic, shot } from './helpers';

// The clinic's calendar is the browser's zone: UTC here, so the month's days are known in advance.
test.use({ timezoneId: 'UTC' });

test.describe('the monthly remote-monitoring report in browser mode', () => {
  test('opens for the last full month from the profile with readings, days, glucose and home blood pressure, and prints to PDF', async ({ page }) => {
    await setUpClinic(page, 'empty');
    await createPatient(page, 'Hana', 'Mwangi', 'RFP-000881', { birthDate: '1961-07-02', sex: 'female' });
    const id = /#\/patients\/([0-9a-f-]{36})/.exec(page.url())?.[1];
    expect(id).toBeTruthy();
    const profileUrl = `/#/patients/${id}`;

    // The last full month in UTC, and two weeks of readings in it (days 10–23): home blood
    // pressure morning 138/86 and evening 132/84, glucose four times a day (65, 110, 150, 200 mg/dL).
    const now = new Date();
    const first = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - 1, 1));
    const month = `${first.getUTCFullYear()}-${String(first.getUTCMonth() + 1).padStart(2, '0')}`;
    const at = (day: number, hour: number) => new Date(Date.UTC(first.getUTCFullYear(), first.getUTCMonth(), day, hour)).toISOString();
    const points: object[] = [];
    for (let day = 10; day <= 23; day++) {
      points.push(
        { body: { systolic_blood_pressure: { value: 138, unit: 'mmHg' }, diastolic_blood_pressure: { value: 86, unit: 'mmHg' }, effective_time_frame: { date_time: at(day, 7) } } },
        { body: { systolic_blood_pressure: { value: 132, unit: 'mmHg' }, diastolic_blood_pressure: { value: 84, unit: 'mmHg' }, effective_time_frame: { date_time: at(day, 19) } } },
      );
      [65, 110, 150, 200].forEach((mgdl, k) => points.push({ body: { blood_glucose: { value: mgdl, unit: 'mg/dL' }, effective_time_frame: { date_time: at(day, 6 + 4 * k) } } }));
    }
    await page.goto(profileUrl);
    await page.getByTestId('import-file-input').setInputFiles({ name: 'omh-month.json', mimeType: 'application/json', buffer: Buffer.from(JSON.stringify(points)) });
    await page.getByTestId('import-file-format').selectOption('open-mhealth');
    await page.getByTestId('import-file-start').click();
    await expect(page.getByTestId('import-file-result')).toBeVisible({ timeout: 20_000 });

    // The profile offers the last full month by default.
    await expect(page.getByTestId('monthly-report-month')).toHaveValue(month);
    await page.getByTestId('monthly-report-open').click();
    await expect(page).toHaveURL(new RegExp(`#/patients/${id}/report/${month}$`));

    const report = page.getByTestId('monthly-report');
    await expect(page.getByTestId('report-title')).toContainText('Mwangi, Hana');
    await expect(page.getByTestId('report-partial')).toHaveCount(0);
    await expect(page.getByTestId('report-days-count')).toHaveText('14');
    await expect(page.getByTestId('report-days')).toContainText('2 days short of the 16-day threshold');
    await expect(page.getByTestId('report-minutes-total')).toHaveText('0 min');
    await expect(page.getByTestId('report-alert-counts')).toContainText('0 raised');

    const readings = page.getByTestId('report-readings');
    await expect(readings.getByTestId('report-metric-glucose')).toContainText('56');
    await expect(readings.getByTestId('report-metric-glucose')).toContainText('consumer-grade');
    await expect(readings.getByTestId('report-metric-blood-pressure-systolic')).toContainText('132 mmHg');
    await expect(readings.locator('canvas')).toHaveCount(2);

    // Glucose: a quarter of readings below 70, half in range, a quarter above 180.
    const glucose = page.getByTestId('report-glucose');
    await expect(glucose).toContainText('glucose meter');
    await expect(page.getByTestId('report-glucose-metrics')).toContainText('Below 70 mg/dL25 %');
    await expect(page.getByTestId('report-glucose-metrics')).toContainText('70–180 mg/dL50 %');
    await expect(page.getByTestId('report-tir')).toBeVisible();
    await expect(page.getByTestId('report-agp').locator('canvas')).toHaveCount(1);

    // Home blood pressure: the last 7 days (17–23) without day 17: 135/85, stage 2 by the home thresholds, above 130/80.
    const bp = page.getByTestId('report-home-bp');
    await expect(page.getByTestId('report-bp-average')).toContainText('135/85 mmHg');
    await expect(page.getByTestId('report-bp-category')).toContainText('Stage 2 hypertension');
    await expect(bp).toContainText('guideline default');
    await expect(bp.locator('canvas')).toHaveCount(1);
    await shot(page, 'monthly-report');

    // Print media: navigation and buttons gone; every section starts a sheet, so the PDF has several pages.
    await page.emulateMedia({ media: 'print' });
    await expect(page.locator('nav.sidebar')).toBeHidden();
    await expect(page.getByTestId('report-print')).toBeHidden();
    await expect(report).toBeVisible();
    const pdf = await page.pdf({ format: 'A4', printBackground: true, preferCSSPageSize: true });
    expect(pdf.subarray(0, 5).toString('latin1')).toBe('%PDF-');
    expect(pdf.toString('latin1').match(/\/Type\s*\/Page[^s]/g)?.length ?? 0).toBeGreaterThanOrEqual(4);
    await page.emulateMedia({ media: 'screen' });

    // Browser mode answers "use the browser's print": the page calls window.print(), counted here.
    await page.evaluate(() => {
      const w = window as unknown as { print: () => void; printed: number };
      w.printed = 0;
      w.print = () => void w.printed++;
    });
    await page.getByTestId('report-print').click();
    await expect(page.getByText(/Recorded as a disclosure/)).toBeVisible();
    expect(await page.evaluate(() => (window as unknown as { printed: number }).printed)).toBe(1);

    // The month before has no readings: no glucose or blood-pressure pages.
    await page.getByTestId('report-previous').click();
    await expect(page.getByTestId('report-days-count')).toHaveText('0');
    await expect(page.getByTestId('report-readings')).toContainText('No readings this month.');
    await expect(page.getByTestId('report-glucose')).toHaveCount(0);
    await expect(page.getByTestId('report-home-bp')).toHaveCount(0);

    // The accounting of disclosures on the profile lists the prints (the PDF above and the button's).
    await page.goto(profileUrl);
    await expect(page.getByTestId('disclosures-card').locator('li', { hasText: 'printed-monthly-report, plain' })).toHaveCount(2);
  });
});
