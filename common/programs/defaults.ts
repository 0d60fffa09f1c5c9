import type { CareProgramFields } from './program';

/**
 * The programs a new clinic starts with. Targets follow common guidance and are meant to
 * be edited by the clinic: home BP below 130/80 (2017 ACC/AHA and 2025 AHA/ACC blood
 * pressure guidelines), CGM time in range 70–180 mg/dL above 70 % (International Consensus
 * on Time in Range, Battelino et al., Diabetes Care 2019), heart-failure weight gain of
 * 2 kg in 3 days (the rule engine's hf-rapid-weight-gain). Rule ids are those of the rule
 * engine's default rules (renderer/src/engine/rules/defaults.ts); template names are the
 * default message templates.
 */
export const DEFAULT_PROGRAMS: readonly CareProgramFields[] = [
  {
    key: 'hypertension',
    name: 'Hypertension',
    description: 'Home blood-pressure monitoring with medication titration by the care team.',
    metrics: ['blood-pressure-systolic', 'blood-pressure-diastolic', 'pulse-rate'],
    deviceKinds: ['bp-cuff'],
    schedule: [{ metric: 'blood-pressure-systolic', label: 'Blood pressure twice daily (morning and evening)', timesPerDay: 2, daysPerWeek: 7 }],
    targets: [
      { metric: 'blood-pressure-systolic', text: 'Home systolic below 130 mmHg', below: 130, unit: 'mm[Hg]' },
      { metric: 'blood-pressure-diastolic', text: 'Home diastolic below 80 mmHg', below: 80, unit: 'mm[Hg]' },
    ],
    ruleIds: ['bp-hypertensive-crisis', 'bp-stage-2', 'no-readings-3-days'],
    messagePlan: [
      { template: 'No readings for 3 days', when: 'no reading for 3 days' },
      { template: 'Blood pressure follow-up', when: 'a stage 2 or crisis alert opens' },
      { template: 'Well done this week', when: 'a week of readings on target' },
    ],
    active: true,
  },
  {
    key: 'diabetes',
    name: 'Diabetes',
    description: 'Glucose meter or CGM readings reviewed for lows, highs and time in range.',
    metrics: ['glucose'],
    deviceKinds: ['glucose-meter', 'cgm'],
    schedule: [{ metric: 'glucose', label: 'Glucose fasting and after the main meal, or CGM worn continuously', timesPerDay: 2, daysPerWeek: 7 }],
    targets: [
      { metric: 'time-in-range', text: 'Time in range 70–180 mg/dL above 70 %', above: 70, unit: '%' },
      { metric: 'glucose', text: 'Time below 70 mg/dL under 4 %', below: 4, unit: '%' },
    ],
    ruleIds: ['hypoglycaemia-level-2', 'hypoglycaemia-level-1', 'hyperglycaemia', 'no-readings-3-days'],
    messagePlan: [
      { template: 'No readings for 3 days', when: 'no reading for 3 days' },
      { template: 'Well done this week', when: 'a week of readings on target' },
    ],
    active: true,
  },
  {
    key: 'heart-failure',
    name: 'Heart failure',
    description: 'Daily weight and blood pressure to catch fluid retention early.',
    metrics: ['body-weight', 'blood-pressure-systolic', 'blood-pressure-diastolic', 'pulse-rate'],
    deviceKinds: ['weight-scale', 'bp-cuff'],
    schedule: [
      { metric: 'body-weight', label: 'Weight every morning after voiding, before breakfast', timesPerDay: 1, daysPerWeek: 7 },
      { metric: 'blood-pressure-systolic', label: 'Blood pressure once daily', timesPerDay: 1, daysPerWeek: 7 },
    ],
    targets: [{ metric: 'body-weight', text: 'Weight gain under 2 kg in 3 days', below: 2, unit: 'kg', windowDays: 3 }],
    ruleIds: ['hf-rapid-weight-gain', 'bp-hypertensive-crisis', 'bradycardia-at-rest', 'tachycardia-at-rest', 'no-readings-3-days'],
    messagePlan: [{ template: 'No readings for 3 days', when: 'no reading for 3 days' }],
    active: true,
  },
  {
    key: 'copd',
    name: 'COPD',
    description: 'Oxygen saturation and pulse to spot exacerbations.',
    metrics: ['spo2', 'pulse-rate', 'respiratory-rate', 'body-temperature'],
    deviceKinds: ['pulse-oximeter', 'thermometer'],
    schedule: [{ metric: 'spo2', label: 'SpO₂ and pulse twice daily and when short of breath', timesPerDay: 2, daysPerWeek: 7 }],
    targets: [{ metric: 'spo2', text: 'SpO₂ 88–92 % (NEWS2 scale 2 where prescribed)', above: 88, unit: '%' }],
    ruleIds: ['spo2-low-scale-2', 'spo2-reduced-scale-2', 'fever', 'news2-medium', 'news2-high', 'no-readings-3-days'],
    messagePlan: [{ template: 'No readings for 3 days', when: 'no reading for 3 days' }],
    active: true,
  },
  {
    key: 'post-discharge',
    name: 'Post-discharge',
    description: 'Thirty days of vital signs after a hospital stay.',
    metrics: ['blood-pressure-systolic', 'blood-pressure-diastolic', 'pulse-rate', 'spo2', 'body-temperature', 'body-weight'],
    deviceKinds: ['bp-cuff', 'pulse-oximeter', 'thermometer', 'weight-scale'],
    schedule: [
      { metric: 'blood-pressure-systolic', label: 'Blood pressure, pulse and SpO₂ daily', timesPerDay: 1, daysPerWeek: 7 },
      { metric: 'body-temperature', label: 'Temperature daily', timesPerDay: 1, daysPerWeek: 7 },
    ],
    targets: [
      { metric: 'spo2', text: 'SpO₂ 96 % or above', above: 96, unit: '%' },
      { metric: 'body-temperature', text: 'Temperature below 38 °C', below: 38, unit: 'Cel' },
    ],
    ruleIds: ['news2-medium', 'news2-high', 'fever', 'spo2-low-scale-1', 'bp-hypertensive-crisis', 'no-readings-3-days'],
    messagePlan: [
      { template: 'No readings for 3 days', when: 'no reading for 3 days' },
      { template: 'Appointment reminder', when: 'the day before the follow-up visit' },
    ],
    active: true,
  },
];
