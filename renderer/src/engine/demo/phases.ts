/** The demo load's phases, in order, as the progress events name them. */
export const DEMO_PHASES = ['patients', 'consents', 'appointments', 'programs', 'readings', 'wearables', 'worklist', 'messages', 'devices'] as const;
export type DemoPhase = (typeof DEMO_PHASES)[number];

/** What staff read while a phase runs (the counts are patients unless said). */
export const DEMO_PHASE_LABEL: Record<DemoPhase, string> = {
  patients: 'Creating demo patients',
  consents: 'Recording consents',
  appointments: 'Booking a year of appointments',
  programs: 'Enrolling in care programs',
  readings: 'Home readings and the rules over them (patients)',
  wearables: 'Wearable heart rate (days)',
  worklist: 'Monitoring time log and tasks (patients)',
  messages: 'Message threads (patients)',
  devices: 'Pairing training devices',
};

/**
 * What the Settings and first-run choices load: a year of history. Readings are most of a
 * clinic's rows, so the large clinic keeps the last 30 days of home readings (about 10
 * minutes on a loaded 2-core machine instead of hours), and the quick look (100 patients)
 * the last 90.
 */
export function demoLoadParams(count: number): { count: number; historyDays: number; deviceDays?: number } {
  if (count > 2000) return { count, historyDays: 365, deviceDays: 30 };
  if (count <= 100) return { count, historyDays: 365, deviceDays: 90 };
  return { count, historyDays: 365 };
}
