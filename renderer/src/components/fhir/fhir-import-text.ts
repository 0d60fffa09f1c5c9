import type { FhirImportResult } from '../../db/fhir-import';

/** One sentence for staff after an import: what was added, matched, skipped and not imported. */
export function importResultText(r: FhirImportResult): string {
  const parts = [
    `${r.patientsCreated} patient(s) added`,
    `${r.patientsMatched} matched`,
    ...(r.patientsSkipped ? [`${r.patientsSkipped} skipped`] : []),
    `${r.readingsAdded} reading(s) added`,
    `${r.readingsDuplicate} already stored`,
    ...(r.readingsSkipped ? [`${r.readingsSkipped} of skipped patients left out`] : []),
    ...(r.seriesSamplesAdded ? [`${r.seriesSamplesAdded} series samples added`] : []),
    `${r.problems.length} resource(s) not imported`,
  ];
  return `Imported: ${parts.join(', ')}.`;
}
