import clinic from '../../../../resources/demo/clinic.json';
import type { PatientInput } from '../../../../common/patient/patient';
import { pick, seededRandom, weighted } from './random';

/**
 * Synthetic patients for the demo clinic: realistic names, an adult age mix weighted
 * towards the older patients a monitoring clinic sees, conditions by prevalence and age
 * with matching medications. Deterministic for a seed.
 */
export function generateDemoPatients(count: number, seed = 20261124, today = new Date()): PatientInput[] {
  const rand = seededRandom(seed);
  const out: PatientInput[] = [];
  const year = today.getUTCFullYear();
  for (let i = 0; i < count; i++) {
    const female = rand() < 0.52;
    const givenName = pick(rand, female ? clinic.givenFemale : clinic.givenMale);
    const familyName = pick(rand, clinic.family);
    // Ages 18-95, skewed older: the mean of two uniforms shifted up.
    const age = Math.min(95, Math.max(18, Math.round(18 + ((rand() + rand() + rand() * 0.6) / 2.6) * 77 + (rand() < 0.3 ? 10 : 0))));
    const month = 1 + Math.floor(rand() * 12);
    const day = 1 + Math.floor(rand() * 28);
    const birthDate = `${year - age}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
    const conditions = clinic.conditions.filter((c) => age >= c.minAge && rand() < c.prevalence * (age > 60 ? 1.6 : 1));
    const medications = conditions.flatMap((c) => c.medications.map(([name, dose]) => ({ name: name!, dose })));
    const allergies = rand() < 0.18 ? [(() => { const [substance, reaction] = pick(rand, clinic.allergies); return { substance: substance!, reaction, severity: pick(rand, ['mild', 'moderate', 'severe'] as const) }; })()] : [];
    const channel = weighted(rand, clinic.channels as [string, number][]) as 'sms' | 'email' | 'phone' | 'portal';
    const phoneNumber = `+1 555 01${String(Math.floor(rand() * 100)).padStart(2, '0')} ${String(1000 + Math.floor(rand() * 9000))}`;
    const emailUser = `${givenName}.${familyName}`.toLowerCase().normalize('NFD').replace(/[^a-z.]/g, '');
    const careTeam = [pick(rand, clinic.careTeam.slice(0, 3)), pick(rand, clinic.careTeam.slice(3))].map(([name, role]) => ({ name: name!, role: role! }));
    const tags = [
      ...(conditions.some((c) => ['I10', 'I50.2', 'E11.9'].includes(c.code)) && rand() < 0.6 ? ['remote-monitoring'] : []),
      ...(age >= 75 ? ['falls-risk-review'] : []),
    ];
    out.push({
      givenName,
      familyName,
      birthDate,
      sex: female ? 'female' : 'male',
      mrn: `DEMO-${String(100000 + i)}`,
      phone: phoneNumber,
      email: `${emailUser}${i}@example.org`,
      address: {
        line: `${1 + Math.floor(rand() * 400)} ${pick(rand, clinic.streets)}`,
        city: pick(rand, clinic.cities),
        region: 'IL',
        postalCode: String(62700 + Math.floor(rand() * 99)),
        country: 'US',
      },
      preferredLanguage: weighted(rand, clinic.languages as [string, number][]),
      preferredChannel: channel,
      conditions: conditions.map((c) => ({ display: c.display, code: c.code })),
      medications,
      allergies,
      tags,
      careTeam,
    });
  }
  return out;
}
