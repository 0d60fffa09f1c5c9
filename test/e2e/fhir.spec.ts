import { expect, test } from '@playwright/test';
import type { Resource } from '@medplum/fhirtypes';
import { createPatient, setUpClinic, shot } from './helpers';
import { startLoopbackFhirServer, type LoopbackFhirServer } from '../unit/fhir/loopback-fhir-server';

const MRN_SYSTEM = 'https://fhir.careloop.example/NamingSystem/mrn';
const VITAL = [{ coding: [{ system: 'http://terminology.hl7.org/CodeSystem/observation-category', code: 'vital-signs' }] }];

function heartRate(id: string, patient: string, at: string, bpm: number): Resource {
  return { resourceType: 'Observation', id, status: 'final', category: VITAL, code: { coding: [{ system: 'http://loinc.org', code: '8867-4' }] }, subject: { reference: `Patient/${patient}` }, effectiveDateTime: at, valueQuantity: { value: bpm, unit: '/min', system: 'http://unitsofmeasure.org', code: '/min' } } as unknown as Resource;
}

/** Ruth is already a patient here under another MRN (review); Tomás is new; two resources are not imported. */
const BUNDLE = {
  resourceType: 'Bundle',
  type: 'transaction',
  entry: [
    { resourceType: 'Patient', id: 'p-ruth', identifier: [{ system: MRN_SYSTEM, value: 'RO-1001' }], name: [{ family: 'Okafor', given: ['Ruth'] }], birthDate: '1951-05-04', gender: 'female' },
    { resourceType: 'Patient', id: 'p-tomas', identifier: [{ system: MRN_SYSTEM, value: 'TR-2002' }], name: [{ family: 'Reyes', given: ['Tomás'] }], birthDate: '1967-09-30', gender: 'male' },
    heartRate('o-1', 'p-ruth', '2026-11-20T08:00:00Z', 72),
    heartRate('o-2', 'p-tomas', '2026-11-20T08:05:00Z', 64),
    { resourceType: 'Organization', id: 'org-1', name: 'Elsewhere Hospital' },
    { resourceType: 'Spaceship', id: 'enterprise' },
  ].map((resource) => ({ resource, request: { method: 'PUT', url: `${resource.resourceType}/${resource.id ?? ''}` } })),
};

let server: LoopbackFhirServer;
test.beforeAll(async () => {
  server = await startLoopbackFhirServer();
});
test.afterAll(() => server.close());

test('a FHIR bundle is reviewed before import; a FHIR server is configured, refused a patient without sharing consent, and fetched from', async ({ page }) => {
  await setUpClinic(page, 'empty');
  await createPatient(page, 'Ruth', 'Okafor', 'LOCAL-77', { birthDate: '1951-05-04', sex: 'female' });
  // Saving a new patient lands on its edit form; the import card is on the profile.
  const id = /#\/patients\/([0-9a-f-]{36})/.exec(page.url())?.[1];
  expect(id).toBeTruthy();
  await page.goto(`/#/patients/${id}`);

  // Import (on the profile, beside the export): the plan first, nothing written before the review is done and confirmed.
  const card = page.getByTestId('fhir-import-card');
  await card.getByTestId('fhir-import-file').setInputFiles({ name: 'referral.json', mimeType: 'application/fhir+json', buffer: Buffer.from(JSON.stringify(BUNDLE)) });
  const summary = card.getByTestId('fhir-plan-summary');
  await expect(summary).toContainText('1 new patient(s) to add', { timeout: 30_000 });
  await expect(summary).toContainText('1 to review');
  await expect(summary).toContainText('2 new reading(s), 0 already stored');
  await expect(card.getByTestId('fhir-plan-problems')).toContainText('Organization/org-1');
  await expect(card.getByTestId('fhir-plan-problems')).toContainText('"Spaceship" is not a FHIR R4 resource type');
  await expect(card.getByTestId('fhir-import-apply')).toBeDisabled();
  await shot(page, 'fhir-import-review');
  await card.getByLabel(/The same person as Ruth Okafor \(MRN LOCAL-77\)/).check();
  await card.getByTestId('fhir-import-apply').click();
  await expect(card.getByTestId('fhir-import-result')).toContainText('1 patient(s) added, 1 matched, 2 reading(s) added');

  // The FHIR server (Settings, administrators): the secret goes to the main process; "Test connection" gets a token.
  await page.goto('/#/settings');
  const serverCard = page.getByTestId('fhir-server-card');
  await serverCard.getByTestId('fhir-server-base').fill(server.baseUrl);
  await serverCard.getByTestId('fhir-server-token-url').fill(server.tokenUrl);
  await serverCard.getByTestId('fhir-server-client-id').fill(server.clientId);
  await serverCard.getByTestId('fhir-server-client-secret').fill(server.clientSecret);
  await serverCard.getByTestId('fhir-server-save').click();
  await expect(serverCard.getByTestId('fhir-server-message')).toContainText('Saved');
  await expect(serverCard.getByTestId('fhir-server-client-secret')).toHaveValue('');
  await serverCard.getByTestId('fhir-server-test').click();
  await expect(serverCard.getByTestId('fhir-server-message')).toContainText('Connected: Loopback test server 1, FHIR 4.0.1');

  // The server holds a newer reading of Ruth's under the clinic's MRN.
  server.store.set('Patient/srv-ruth', { resourceType: 'Patient', id: 'srv-ruth', identifier: [{ system: MRN_SYSTEM, value: 'LOCAL-77' }], name: [{ family: 'Okafor', given: ['Ruth'] }], birthDate: '1951-05-04', gender: 'female' });
  server.store.set('Observation/srv-o', heartRate('srv-o', 'srv-ruth', '2026-11-22T09:00:00Z', 81));

  await page.goto('/#/patients');
  await page.getByTestId('patient-row').filter({ hasText: 'Okafor, Ruth' }).click();
  const exchange = page.getByTestId('fhir-exchange-card');
  await exchange.getByTestId('fhir-exchange-send').click();
  await expect(exchange.getByRole('alert')).toContainText('Not sent: The patient has not consented to sharing with other providers.');
  expect(server.log.filter((l) => l.method === 'POST' && l.path.startsWith('/fhir'))).toHaveLength(0);

  await exchange.getByTestId('fhir-exchange-fetch').click();
  await expect(exchange.getByTestId('fhir-plan-summary')).toContainText('1 matched to existing patients by identifier', { timeout: 30_000 });
  await expect(exchange.getByTestId('fhir-plan-summary')).toContainText('1 new reading(s), 0 already stored');
  await exchange.getByTestId('fhir-import-apply').click();
  await expect(exchange.getByTestId('fhir-exchange-message')).toContainText('0 patient(s) added, 1 matched, 1 reading(s) added');
  await shot(page, 'fhir-server-fetch');
});
