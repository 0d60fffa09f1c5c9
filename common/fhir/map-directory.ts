import type { Device as FhirDevice, Organization, Practitioner, PractitionerRole } from '@medplum/fhirtypes';
import type { PairedDevice } from '../devices/device';
import type { StaffMember } from '../schedule/appointment';
import { derivedId, reference } from './ids';
import { DEVICE_NAME_TYPE, DEVICE_SERIAL_SYSTEM, SOURCE_GRADE_SYSTEM, STAFF_ROLE_SYSTEM } from './systems';

/** The clinic, its staff and patients' devices as FHIR R4 Organization, Practitioner(Role) and Device. */
export interface ClinicInfo {
  clinicId: string;
  name: string;
}

export function organizationId(clinicId: string): string {
  return derivedId('Organization', clinicId);
}

export function organizationToFhir(c: ClinicInfo): Organization {
  return { resourceType: 'Organization', id: organizationId(c.clinicId), active: true, name: c.name || 'CareLoop clinic' };
}

export function practitionerToFhir(s: StaffMember): Practitioner {
  return { resourceType: 'Practitioner', id: s.id, active: s.active && !s.deleted, name: [{ text: s.name }] };
}

const ROLE_DISPLAY: Record<StaffMember['role'], string> = {
  physician: 'Physician',
  nurse: 'Nurse',
  'care-coordinator': 'Care coordinator',
  'front-desk': 'Front desk',
};

export function practitionerRoleId(staffId: string): string {
  return derivedId('PractitionerRole', staffId);
}

export function practitionerRoleToFhir(s: StaffMember, clinicId: string): PractitionerRole {
  return {
    resourceType: 'PractitionerRole',
    id: practitionerRoleId(s.id),
    active: s.active && !s.deleted,
    practitioner: reference('Practitioner', s.id),
    organization: reference('Organization', organizationId(clinicId)),
    code: [{ coding: [{ system: STAFF_ROLE_SYSTEM, code: s.role, display: ROLE_DISPLAY[s.role] }], text: ROLE_DISPLAY[s.role] }],
  };
}

export function deviceToFhir(d: PairedDevice): FhirDevice {
  return {
    resourceType: 'Device',
    id: d.id,
    meta: { tag: [{ system: SOURCE_GRADE_SYSTEM, code: d.grade }] },
    identifier: [{ system: DEVICE_SERIAL_SYSTEM, value: `${d.family}:${d.serial}` }],
    status: d.deleted ? 'inactive' : 'active',
    serialNumber: d.serial,
    modelNumber: d.model,
    deviceName: [{ name: d.label, type: DEVICE_NAME_TYPE }],
    type: { text: d.family },
    patient: reference('Patient', d.patientId),
  };
}
