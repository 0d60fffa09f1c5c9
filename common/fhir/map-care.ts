import type {
  Appointment as FhirAppointment, CarePlan, Communication, Consent, EpisodeOfCare, Flag, Task as FhirTask,
} from '@medplum/fhirtypes';
import { currentConsents, type ConsentDecision } from '../consent/consent';
import type { Message } from '../messaging/message';
import type { CareProgram, Enrolment } from '../programs/program';
import type { Appointment, AppointmentType } from '../schedule/appointment';
import type { Task } from '../tasks/task';
import { derivedId, instant, reference } from './ids';
import { organizationId } from './map-directory';
import {
  CONSENT_PURPOSE_SYSTEM, CONSENT_SCOPE, FLAG_CATEGORY, LOINC, MESSAGE_CHANNEL_SYSTEM, PROGRAM_SYSTEM, V3_ACT_CODE,
} from './systems';

/** Schedule, messages, tasks, alerts, consent and programs as FHIR R4 resources. */

const APPOINTMENT_STATUS: Record<Appointment['status'], FhirAppointment['status']> = {
  booked: 'booked',
  'checked-in': 'checked-in',
  completed: 'fulfilled',
  cancelled: 'cancelled',
  'no-show': 'noshow',
};

export function appointmentToFhir(a: Appointment, type: AppointmentType | undefined): FhirAppointment {
  return {
    resourceType: 'Appointment',
    id: a.id,
    status: a.deleted ? 'entered-in-error' : APPOINTMENT_STATUS[a.status],
    ...(type ? { appointmentType: { text: type.name } } : {}),
    serviceType: [{ text: a.modality }],
    ...(a.reason ? { description: a.reason } : {}),
    ...(a.cancelReason ? { cancelationReason: { text: a.cancelReason } } : {}),
    start: instant(a.startMs),
    end: instant(a.endMs),
    minutesDuration: Math.round((a.endMs - a.startMs) / 60_000),
    created: a.createdAt,
    participant: [
      { actor: reference('Patient', a.patientId), status: 'accepted', required: 'required' },
      { actor: reference('Practitioner', a.staffId), status: 'accepted', required: 'required' },
    ],
  };
}

const COMMUNICATION_STATUS: Record<Message['status'], Communication['status']> = {
  draft: 'preparation',
  queued: 'in-progress',
  sent: 'completed',
  delivered: 'completed',
  read: 'completed',
  logged: 'completed',
  failed: 'stopped',
  withheld: 'not-done',
};

export function communicationToFhir(m: Message, clinicId: string): Communication {
  const patient = reference('Patient', m.patientId);
  const clinic = reference('Organization', organizationId(clinicId));
  return {
    resourceType: 'Communication',
    id: m.id,
    status: m.deleted ? 'entered-in-error' : COMMUNICATION_STATUS[m.status],
    ...(m.status === 'withheld' || m.status === 'failed' ? { statusReason: { text: m.error ?? m.status } } : {}),
    category: [{ coding: [{ system: MESSAGE_CHANNEL_SYSTEM, code: m.channel }], text: m.channel }],
    subject: patient,
    ...(m.subject ? { topic: { text: m.subject } } : {}),
    ...(m.sentMs !== undefined ? { sent: instant(m.sentMs) } : {}),
    ...(m.direction === 'inbound' ? { sender: patient, recipient: [clinic] } : { sender: clinic, recipient: [m.direction === 'internal' ? clinic : patient] }),
    payload: [{ contentString: m.body }],
  };
}

const TASK_STATUS: Record<Task['status'], FhirTask['status']> = {
  open: 'ready',
  'in-progress': 'in-progress',
  done: 'completed',
  cancelled: 'cancelled',
};

export function taskToFhir(t: Task): FhirTask {
  return {
    resourceType: 'Task',
    id: t.id,
    status: t.deleted ? 'entered-in-error' : TASK_STATUS[t.status],
    intent: 'order',
    priority: t.priority === 'high' ? 'urgent' : 'routine',
    description: t.title,
    ...(t.patientId ? { for: reference('Patient', t.patientId) } : {}),
    owner: reference('Practitioner', t.assigneeStaffId),
    authoredOn: t.createdAt,
    lastModified: t.updatedAt,
    restriction: { period: { end: instant(t.dueMs) } },
    ...(t.completedMs !== undefined ? { executionPeriod: { end: instant(t.completedMs) } } : {}),
    ...(t.details ? { note: [{ text: t.details }] } : {}),
  };
}

/** What a Flag needs of an alert (the stored alert row lives in the renderer's database). */
export interface AlertForFlag {
  id: string;
  patientId: string;
  ruleName: string;
  priority: string;
  status: string;
  openedAtMs: number;
}

export function flagToFhir(a: AlertForFlag): Flag {
  return {
    resourceType: 'Flag',
    id: a.id,
    status: 'active',
    category: [{ coding: [{ system: FLAG_CATEGORY, code: 'clinical', display: 'Clinical' }] }],
    code: { text: `${a.ruleName} (${a.priority} priority, ${a.status})` },
    subject: reference('Patient', a.patientId),
    period: { start: instant(a.openedAtMs) },
  };
}

/**
 * Consent decisions: each decision is one Consent; the latest per purpose is active, the
 * ones it superseded inactive (the history stays demonstrable, GDPR Art. 7(1)).
 */
export function consentsToFhir(decisions: readonly ConsentDecision[], clinicId: string): Consent[] {
  const current = new Set(Object.values(currentConsents(decisions)).map((d) => d.id));
  return decisions.map((d) => ({
    resourceType: 'Consent',
    id: d.id,
    status: current.has(d.id) ? 'active' : 'inactive',
    scope: {
      coding: [d.purpose === 'monitoring'
        ? { system: CONSENT_SCOPE, code: 'treatment', display: 'Treatment' }
        : { system: CONSENT_SCOPE, code: 'patient-privacy', display: 'Privacy Consent' }],
    },
    category: [{ coding: [{ system: LOINC, code: '59284-0', display: 'Patient Consent' }] }],
    patient: reference('Patient', d.patientId),
    dateTime: instant(d.recordedMs),
    organization: [reference('Organization', organizationId(clinicId))],
    ...(d.document ? { sourceAttachment: { title: d.document } } : {}),
    policyRule: { coding: [d.status === 'given' ? { system: V3_ACT_CODE, code: 'OPTIN' } : { system: V3_ACT_CODE, code: 'OPTOUT' }] },
    provision: {
      type: d.status === 'given' ? 'permit' : 'deny',
      purpose: [{ system: CONSENT_PURPOSE_SYSTEM, code: d.purpose }],
    },
  }));
}

export function episodeOfCareToFhir(e: Enrolment, program: CareProgram | undefined, clinicId: string): EpisodeOfCare {
  return {
    resourceType: 'EpisodeOfCare',
    id: e.id,
    status: e.deleted ? 'entered-in-error' : e.status === 'active' ? 'active' : 'finished',
    type: [{ coding: program ? [{ system: PROGRAM_SYSTEM, code: program.key, display: program.name }] : [], text: program?.name ?? 'care program' }],
    patient: reference('Patient', e.patientId),
    managingOrganization: reference('Organization', organizationId(clinicId)),
    period: { start: instant(e.startMs), ...(e.endMs !== undefined ? { end: instant(e.endMs) } : {}) },
  };
}

export function carePlanToFhir(e: Enrolment, program: CareProgram | undefined): CarePlan {
  return {
    resourceType: 'CarePlan',
    id: derivedId('CarePlan', e.id),
    status: e.deleted ? 'entered-in-error' : e.status === 'active' ? 'active' : 'completed',
    intent: 'plan',
    ...(program ? { title: program.name, description: program.description } : {}),
    category: [{ text: 'remote patient monitoring' }],
    subject: reference('Patient', e.patientId),
    period: { start: instant(e.startMs), ...(e.endMs !== undefined ? { end: instant(e.endMs) } : {}) },
    created: e.createdAt,
    note: [{ text: e.reason }],
    ...(program?.targets.length ? { activity: program.targets.map((t) => ({ detail: { status: 'in-progress' as const, description: t.text } })) } : {}),
  };
}
