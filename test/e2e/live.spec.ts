import { expect, test } from '@playwright/test';
import { createPatient, setUpClinic, shot } from './helpers';

test('a training chest strap streams live heart rate into a patient; a sustained tachycardia raises exactly one alert', async ({ page }) => {
  await setUpClinic(page, 'empty');
  await createPatient(page, 'Ines', 'Barros', 'LIVE-1', { birthDate: '1957-02-11', sex: 'female', phone: '+351 21 555 0101' });

  await page.getByRole('link', { name: /Devices/ }).click();
  await page.getByRole('button', { name: 'Pair a device' }).click();
  await page.locator('select[name=source]').selectOption({ label: 'Heart-rate chest strap (training, live)' });
  await page.getByLabel('Serial number').fill('HRS-E2E-1');
  await page.getByRole('textbox', { name: 'Patient' }).fill('barros');
  await page.getByRole('option', { name: /Barros, Ines/ }).click();
  await page.getByRole('button', { name: 'Pair', exact: true }).click();
  const row = page.getByTestId('device-HRS-E2E-1');

  // Long main-thread tasks while the stream runs: the engine worker does the work, not the UI.
  await page.evaluate(() => {
    const w = window as unknown as { longTasks: number[] };
    w.longTasks = [];
    new PerformanceObserver((list) => list.getEntries().forEach((e) => w.longTasks.push(e.duration))).observe({ type: 'longtask', buffered: false });
  });
  await row.getByRole('combobox', { name: 'Training time-lapse' }).selectOption('30');
  await row.getByRole('button', { name: /^Start live/ }).click();
  await expect(row.getByTestId('live-bpm')).toHaveText(/\d+/);
  // The rhythm turns fast after a simulated minute; the rule needs three readings over ten minutes.
  await expect(row.getByTestId('live-bpm')).toHaveText(/^1[0-9]{2}/, { timeout: 20_000 });
  await shot(page, 'devices-live');
  // Issue #6: the UI stays responsive while the engine stores and judges the stream (measured
  // on the streaming screen, before navigating elsewhere).
  const longest = await page.evaluate(() => Math.max(0, ...(window as unknown as { longTasks: number[] }).longTasks));
  // Reported, not asserted: timing depends on the machine's load (targets live in `npm run bench`).
  console.log(`longest main-thread task while streaming: ${Math.round(longest)} ms`);

  await page.getByRole('link', { name: /Alerts/ }).click();
  await expect(page.getByTestId('alert')).toHaveCount(1, { timeout: 45_000 });
  await expect(page.getByTestId('alert')).toContainText('Tachycardia');
  await expect(page.getByTestId('alert')).toContainText('Barros, Ines');
  // More fast beats re-fire the same alert; there is still exactly one.
  await page.waitForTimeout(3000);
  await expect(page.getByTestId('alert')).toHaveCount(1);
  await shot(page, 'alerts-live');

  await page.getByRole('link', { name: /Devices/ }).click();
  await row.getByRole('button', { name: 'Stop' }).click();
  await expect(row.getByRole('button', { name: /^Start live/ })).toBeVisible();
});

test('a training Polar H10 streams ECG: the strip draws, the heart rate comes from its beats, and the waveform is kept', async ({ page }) => {
  await setUpClinic(page, 'empty');
  await createPatient(page, 'Tove', 'Lund', 'ECG-1', { birthDate: '1962-06-30', sex: 'female', phone: '+46 8 555 0101' });

  await page.getByRole('link', { name: /Devices/ }).click();
  await page.getByRole('button', { name: 'Pair a device' }).click();
  await page.locator('select[name=source]').selectOption({ label: 'Polar H10 ECG strap (training, live)' });
  await page.getByLabel('Serial number').fill('H10-E2E-1');
  await page.getByRole('textbox', { name: 'Patient' }).fill('lund');
  await page.getByRole('option', { name: /Lund, Tove/ }).click();
  await page.getByRole('button', { name: 'Pair', exact: true }).click();
  const row = page.getByTestId('device-H10-E2E-1');
  await page.evaluate(() => {
    const w = window as unknown as { longTasks: number[] };
    w.longTasks = [];
    new PerformanceObserver((list) => list.getEntries().forEach((e) => w.longTasks.push(e.duration))).observe({ type: 'longtask', buffered: false });
  });
  await row.getByRole('combobox', { name: 'Training time-lapse' }).selectOption('10');
  await row.getByRole('button', { name: /^Start live/ }).click();
  await expect(row.getByTestId('ecg-strip')).toBeVisible();
  // The scripted rhythm: about 68/min at rest, then 125/min after a minute (six real seconds at ×10).
  await expect(row.getByTestId('live-bpm')).toHaveText(/^(6\d|7[0-4])/, { timeout: 20_000 });
  await expect(row.getByTestId('live-bpm')).toHaveText(/^1[12]\d/, { timeout: 30_000 });
  // HRV over the last five minutes and the signal quality of the last ten seconds, from the ECG itself.
  await expect(row.getByTestId('live-hrv')).toContainText(/RMSSD \d+ ms/);
  await expect(row.getByTestId('live-quality')).toContainText('Signal good');
  await shot(page, 'devices-live-ecg');
  // The UI thread only draws; beats, storage and rules run in the engine worker.
  const longest = await page.evaluate(() => Math.max(0, ...(window as unknown as { longTasks: number[] }).longTasks));
  console.log(`longest main-thread task while streaming ECG: ${Math.round(longest)} ms`);
  await row.getByRole('button', { name: 'Stop' }).click();
  await expect(row.getByRole('button', { name: /^Start live/ })).toBeVisible();

  // The heart rate derived from the ECG is the patient's now: the profile charts it.
  await row.getByRole('link', { name: 'Lund, Tove' }).click();
  await expect(page.getByRole('img', { name: /Heart rate chart/ })).toBeVisible();
});
