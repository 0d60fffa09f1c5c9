/**
 * Who uses CareLoop (issue 9). One list shared by the workstation (engine and UI) and the
 * cloud instance, so a role means the same thing everywhere.
 */
export const ROLES = ['administrator', 'clinician', 'nurse', 'front-desk', 'auditor'] as const;
export type Role = (typeof ROLES)[number];

export const ROLE_LABELS: Readonly<Record<Role, string>> = {
  administrator: 'Administrator',
  clinician: 'Clinician',
  nurse: 'Nurse',
  'front-desk': 'Front desk',
  auditor: 'Auditor (read-only audit)',
};

/** A signed-in person as the data layer sees them. */
export interface Actor {
  kind: 'user';
  userId: string;
  name: string;
  role: Role;
}

/**
 * Who the data layer is acting for: a signed-in user; the app itself ('system': sync,
 * automation, migrations, demo loading — work no person does by hand); or nobody (the
 * session is locked or no one has signed in), which may read nothing about patients.
 */
export type DataActor = Actor | { kind: 'system'; reason: string } | { kind: 'nobody' };

export function isRole(value: unknown): value is Role {
  return typeof value === 'string' && (ROLES as readonly string[]).includes(value);
}
