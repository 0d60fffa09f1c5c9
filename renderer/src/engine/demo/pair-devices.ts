import type { CareLoopDb, PatientRow } from '../../db/database';
import { pairDevice } from '../../db/devices';
import type { WriteContext } from '../../db/journal';

/** Which training device suits which demo patient, by condition code. */
const PLAN: { condition: string; simulator: string; family: string; label: string }[] = [
  { condition: 'E11', simulator: 'contour-next-usb', family: 'contour', label: 'Contour Next USB' },
  { condition: 'I10', simulator: 'ble-blood-pressure-cuff', family: 'ble-blood-pressure', label: 'Bluetooth blood pressure cuff' },
  { condition: 'I50', simulator: 'ble-scale', family: 'ble-scale', label: 'Bluetooth scale' },
  { condition: 'J44', simulator: 'ble-pulse-oximeter', family: 'ble-oximeter', label: 'Bluetooth pulse oximeter' },
  { condition: 'I48', simulator: 'polar-h10', family: 'ble-polar-h10', label: 'Polar H10 ECG strap' },
];

/**
 * The demo clinic's monitored patients get training devices (byte-faithful simulators behind
 * the real drivers), so a newcomer can download a meter or stream a strap at once.
 */
export async function pairDemoDevices(db: CareLoopDb, ctx: WriteContext, patients: readonly PatientRow[]): Promise<number> {
  let paired = 0;
  for (const plan of PLAN) {
    const p = patients.find((x) => x.tags.includes('remote-monitoring') && x.conditions.some((c) => c.code?.startsWith(plan.condition)));
    if (!p) continue;
    const serial = `TRAIN-${p.mrn.replace(/\D/g, '').slice(-6)}-${plan.family.slice(0, 3).toUpperCase()}`;
    await pairDevice(db, ctx, { patientId: p.id, family: plan.family, model: plan.label, label: plan.label, serial, target: { kind: 'simulated', simulator: plan.simulator, serial }, grade: 'clinical' });
    paired++;
  }
  return paired;
}
