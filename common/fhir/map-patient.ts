import type { Identifier as FhirIdentifier, Patient as FhirPatient } from '@medplum/fhirtypes';
import { CONTACT_CHANNELS, PatientInput, fieldErrors, type ContactChannel, type FieldErrors, type Patient, type PatientFields } from '../patient/patient';
import { reference } from './ids';
import { EXT_PREFERRED_CHANNEL, IDENTIFIER_TYPE, LABELLED_IDENTIFIER_SYSTEM, MRN_SYSTEM, PATIENT_TAG_SYSTEM } from './systems';

/**
 * CareLoop patient ⇄ FHIR R4 Patient. What the Patient resource carries round-trips:
 * names, birth date, sex, MRN and other identifiers, phone, email, address, language,
 * preferred channel and tags. Conditions, medications, allergies and the care team are
 * not part of the Patient resource and are not exported yet.
 */
export function patientToFhir(p: Patient, organizationId: string): FhirPatient {
  const identifier: FhirIdentifier[] = [
    { use: 'usual', type: { coding: [{ system: IDENTIFIER_TYPE, code: 'MR', display: 'Medical record number' }] }, system: MRN_SYSTEM, value: p.mrn },
    ...p.identifiers.map((i) => ({ system: LABELLED_IDENTIFIER_SYSTEM, type: { text: i.system }, value: i.value })),
  ];
  const a = p.address;
  const hasAddress = Boolean(a.line || a.city || a.region || a.postalCode || a.country);
  return {
    resourceType: 'Patient',
    id: p.id,
    ...(p.tags.length ? { meta: { tag: p.tags.map((t) => ({ system: PATIENT_TAG_SYSTEM, code: t })) } } : {}),
    extension: [{ url: EXT_PREFERRED_CHANNEL, valueCode: p.preferredChannel }],
    identifier,
    active: p.status === 'active' && !p.deleted,
    name: [
      { use: 'official', family: p.familyName, given: [p.givenName] },
      ...(p.preferredName ? [{ use: 'nickname' as const, given: [p.preferredName] }] : []),
    ],
    ...(p.phone || p.email
      ? {
          telecom: [
            ...(p.phone ? [{ system: 'phone' as const, value: p.phone }] : []),
            ...(p.email ? [{ system: 'email' as const, value: p.email }] : []),
          ],
        }
      : {}),
    gender: p.sex,
    birthDate: p.birthDate,
    ...(hasAddress
      ? {
          address: [
            {
              ...(a.line ? { line: [a.line] } : {}),
              ...(a.city ? { city: a.city } : {}),
              ...(a.region ? { state: a.region } : {}),
              ...(a.postalCode ? { postalCode: a.postalCode } : {}),
              ...(a.country ? { country: a.country } : {}),
            },
          ],
        }
      : {}),
    communication: [{ language: { coding: [{ system: 'urn:ietf:bcp:47', code: p.preferredLanguage }] }, preferred: true }],
    managingOrganization: reference('Organization', organizationId),
  };
}

export type PatientFromFhir = { ok: true; fields: PatientFields } | { ok: false; reason: string; fields?: FieldErrors };

function isMrn(i: FhirIdentifier, mrnSystems: readonly string[]): boolean {
  return (i.system !== undefined && mrnSystems.includes(i.system)) || Boolean(i.type?.coding?.some((c) => c.system === IDENTIFIER_TYPE && c.code === 'MR'));
}

/** The patient's medical record number: an identifier of a known MRN system or of type MR. */
export function mrnOf(p: FhirPatient, mrnSystems: readonly string[] = [MRN_SYSTEM]): string | undefined {
  return p.identifier?.find((i) => i.value && isMrn(i, mrnSystems))?.value;
}

function identifierLabel(i: FhirIdentifier): string {
  const label = i.type?.text ?? i.type?.coding?.[0]?.code ?? i.system?.split(/[/:]/).filter(Boolean).pop() ?? 'other';
  return label.slice(0, 40);
}

function preferredChannel(p: FhirPatient, phone: string | undefined, email: string | undefined): ContactChannel {
  const ext = p.extension?.find((e) => e.url === EXT_PREFERRED_CHANNEL)?.valueCode;
  if (ext && (CONTACT_CHANNELS as readonly string[]).includes(ext)) return ext as ContactChannel;
  return phone ? 'sms' : email ? 'email' : 'portal';
}

/** A FHIR Patient as the fields CareLoop validates for a new patient; invalid ones say why. */
export function patientFromFhir(p: FhirPatient, mrnSystems: readonly string[] = [MRN_SYSTEM]): PatientFromFhir {
  const mrn = mrnOf(p, mrnSystems);
  if (!mrn) return { ok: false, reason: 'no medical record number (an identifier of type MR)' };
  const names = p.name ?? [];
  const official = names.find((n) => n.use === 'official') ?? names.find((n) => n.use !== 'nickname') ?? names[0];
  const nickname = names.find((n) => n.use === 'nickname')?.given?.[0];
  const phone = p.telecom?.find((t) => (t.system === 'phone' || t.system === 'sms') && t.value)?.value;
  const email = p.telecom?.find((t) => t.system === 'email' && t.value)?.value;
  const a = p.address?.[0];
  const language = p.communication?.find((c) => c.preferred)?.language ?? p.communication?.[0]?.language;
  const input = {
    givenName: official?.given?.join(' ') ?? '',
    familyName: official?.family ?? '',
    preferredName: nickname,
    birthDate: p.birthDate ?? '',
    sex: p.gender ?? 'unknown',
    mrn,
    identifiers: (p.identifier ?? []).filter((i) => i.value && !isMrn(i, mrnSystems)).map((i) => ({ system: identifierLabel(i), value: i.value! })),
    phone,
    email,
    address: a ? { line: a.line?.join(', '), city: a.city, region: a.state, postalCode: a.postalCode, country: a.country } : {},
    preferredLanguage: language?.coding?.[0]?.code ?? 'en',
    preferredChannel: preferredChannel(p, phone, email),
    tags: (p.meta?.tag ?? []).filter((t) => t.system === PATIENT_TAG_SYSTEM && t.code).map((t) => t.code!),
  };
  const parsed = PatientInput.safeParse(input);
  if (!parsed.success) {
    const fields = fieldErrors(parsed.error);
    return { ok: false, reason: Object.entries(fields).map(([k, v]) => `${k} ${v}`).join('; '), fields };
  }
  return { ok: true, fields: parsed.data };
}
