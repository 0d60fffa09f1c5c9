import { parseWorkflow, type WorkflowDefinition, type WorkflowInput } from './workflow';

/**
 * The workflows a clinic starts with (issue 7), each with the reason it is worth running.
 * Staff can switch each off or change its parameters; the keys stay stable.
 */
const DEFAULTS: WorkflowInput[] = [
  {
    key: 'appointment-reminder',
    name: 'Appointment reminder the day before',
    rationale: 'A reminder a day ahead gives patients time to come or to rebook, which cuts no-shows and frees the slot for someone else.',
    trigger: { kind: 'appointment-upcoming', hoursBefore: 24 },
    actions: [{ kind: 'send-message', template: 'Appointment reminder', channel: 'preferred' }],
  },
  {
    key: 'medication-reminders',
    name: 'Medication reminders',
    rationale: 'Missed doses are the commonest reason a controlled condition drifts; a reminder at the usual times helps the patients who asked for one (tag “medication-reminders”).',
    trigger: { kind: 'medication-schedule', times: ['08:00', '20:00'] },
    conditions: [{ kind: 'has-medications' }, { kind: 'has-tag', tag: 'medication-reminders' }],
    actions: [{ kind: 'send-message', template: 'Medication reminder', channel: 'preferred' }],
  },
  {
    key: 'no-reading-nudge',
    name: 'No reading for 3 days',
    rationale: 'Three silent days usually mean a flat battery, a lost cuff or lost motivation; a gentle nudge early keeps the monitoring (and the 16-day billing threshold) on track.',
    trigger: { kind: 'no-reading', days: 3 },
    actions: [{ kind: 'send-message', template: 'No readings for 3 days', channel: 'preferred' }],
  },
  {
    key: 'high-alert-follow-up',
    name: 'High-priority alert follow-up',
    rationale: 'A high-priority alert needs a person on it today and a clinician soon: the care team is told, a nurse gets a task due in 4 hours and a review is booked within 2 days.',
    trigger: { kind: 'alert-opened', priorities: ['high'] },
    actions: [
      { kind: 'notify-care-team', text: 'A high-priority alert opened; please review the readings' },
      { kind: 'create-task', title: 'Review high-priority alert', role: 'nurse', dueInHours: 4, priority: 'high' },
      { kind: 'book-follow-up', withinDays: 2, appointmentType: 'Remote monitoring review' },
    ],
  },
  {
    key: 'goal-met-encouragement',
    name: 'Well done: blood pressure on target for a week',
    rationale: 'Praise for a week of daily readings on target (below 140/90) reinforces the habit that keeps blood pressure controlled.',
    trigger: {
      kind: 'goal-met',
      days: 7,
      targets: [
        { metric: 'blood-pressure-systolic', below: 140 },
        { metric: 'blood-pressure-diastolic', below: 90 },
      ],
    },
    actions: [{ kind: 'send-message', template: 'Well done this week', channel: 'preferred' }],
  },
];

export function defaultWorkflows(): WorkflowDefinition[] {
  // Parsing builds fresh objects, so callers may change what they get.
  return DEFAULTS.map((d) => parseWorkflow(d));
}

/** Templates the default workflows name that the messaging defaults do not ship. */
export const WORKFLOW_TEMPLATES: { name: string; body: string }[] = [
  { name: 'Medication reminder', body: 'Hello {{patient.givenName}}, this is your {{medication.time}} reminder to take your medicines. — {{clinic.name}}' },
];
