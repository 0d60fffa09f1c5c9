import { expect, test } from '@playwright/test';
import { readFileSync } from 'node:fs';
import { shareCommand } from '../../cli/commands/share';
import { openSharePackage } from '../../common/sharing/open';
import { createPatient, setUpClinic, shot } from './helpers';

test.describe('verifiable sharing in browser mode', () => {
  test('refused without sharing consent; with it, a signed and encrypted package downloads, verifies and is listed as a disclosure', async ({ page }) => {
    await setUpClinic(page, 'empty');
    await createPatient(page, 'Amelia', 'Okonkwo', 'RFP-000888', { birthDate: '1958-03-14', sex: 'female' });
    const id = /#\/patients\/([0-9a-f-]{36})/.exec(page.url())?.[1];
    expect(id).toBeTruthy();
    await page.goto(`/#/patients/${id}`);

    const card = page.getByTestId('share-card');
    await expect(card.getByTestId('share-refusal')).toContainText('has not consented to sharing with other providers');
    await expect(card.getByTestId('share-make')).toHaveCount(0);

    await page.getByRole('button', { name: 'Change consent: Sharing with other providers' }).click();
    await page.getByLabel('How consent for Sharing with other providers was recorded').selectOption('written');
    await page.getByRole('button', { name: 'Record consent given' }).click();
    await expect(card.getByTestId('share-refusal')).toHaveCount(0);

    await card.getByTestId('share-recipient').fill('City Cardiology');
    await card.getByTestId('share-purpose').fill('Referral');
    await expect(card.getByTestId('share-days')).toHaveValue('30');
    await expect(card.getByTestId('share-content-readings')).toBeChecked();
    await expect(card.getByTestId('share-content-messages')).not.toBeChecked();
    await expect(card.getByTestId('share-make')).toBeDisabled();
    await card.getByTestId('share-passphrase').fill('for city cardiology 2026');
    await card.getByTestId('share-passphrase-again').fill('for city cardiology 2026');
    const downloading = page.waitForEvent('download');
    await card.getByTestId('share-make').click();
    const download = await downloading;
    expect(download.suggestedFilename()).toMatch(/^RFP-000888-\d{4}-\d{2}-\d{2}\.careloop-share$/);
    const file = (await download.path())!;
    const bytes = new Uint8Array(readFileSync(file));
    expect(Buffer.from(bytes).toString('latin1')).not.toContain('Okonkwo');

    const fingerprint = (await card.getByTestId('share-fingerprint').textContent())!.trim();
    expect(fingerprint).toMatch(/^([0-9A-F]{4} ){15}[0-9A-F]{4}$/);
    const verified = await openSharePackage(bytes, { kind: 'passphrase', passphrase: 'for city cardiology 2026' }, { nowMs: Date.now(), expectedFingerprint: fingerprint });
    expect(verified.payload).toMatchObject({ recipient: 'City Cardiology', purpose: 'Referral', patients: [{ name: 'Amelia Okonkwo' }] });
    expect(verified.payload.bundle.entry.some((e) => e.resource.resourceType === 'Patient')).toBe(true);

    let out = '';
    const code = await shareCommand.run(['verify', file, '--passphrase', 'for city cardiology 2026', '--expect-fingerprint', fingerprint], { stdout: (s) => (out += s), stderr: () => undefined });
    expect(code).toBe(0);
    expect(JSON.parse(out)).toMatchObject({ valid: true, patients: 1 });

    await expect(page.getByTestId('disclosures-card')).toContainText('careloop-share, encrypted');
    await shot(page, 'share-record');

    // The receiving side's import: opened with the passphrase, checked against the fingerprint, planned and reviewed.
    const importCard = page.getByTestId('fhir-import-card');
    await importCard.getByTestId('fhir-import-file').setInputFiles({ name: 'referral.careloop-share', mimeType: 'application/octet-stream', buffer: Buffer.from(bytes) });
    const open = importCard.getByTestId('share-open-form');
    await open.locator('input[name=share-passphrase]').fill('a wrong passphrase');
    await open.getByRole('button', { name: 'Open and check' }).click();
    await expect(importCard.getByRole('alert')).toContainText('This share package cannot be imported');
    await importCard.getByTestId('fhir-import-file').setInputFiles({ name: 'referral.careloop-share', mimeType: 'application/octet-stream', buffer: Buffer.from(bytes) });
    await open.locator('input[name=share-passphrase]').fill('for city cardiology 2026');
    await open.locator('input[name=share-fingerprint]').fill(fingerprint);
    await open.getByRole('button', { name: 'Open and check' }).click();
    await expect(importCard.getByTestId('share-verified')).toContainText(`key ${fingerprint}`, { timeout: 30_000 });
    await expect(importCard.getByTestId('fhir-plan-summary')).toContainText('matched');
  });
});
