import type { Device, Organization, Provenance, Reference } from '@medplum/fhirtypes';
import { derivedId, instant, reference } from './ids';
import { organizationId } from './map-directory';
import { DOWNLOAD_SESSION_SYSTEM, PROVENANCE_AGENT_TYPE } from './systems';

/**
 * Where a patient's readings came from (FHIR R4 Provenance): the device and its download
 * session, or the file or system they were imported from. One Provenance per session,
 * targeting the Observations that session brought in.
 */
export interface ReadingOrigin {
  /** The download session or import id the readings carry. */
  sessionId: string;
  /** The Device resource id, when the device is exported beside it. */
  deviceResourceId?: string;
  /** What staff see: "Contour Next USB download", "export.xml". */
  description: string;
  recordedMs: number;
  targetObservationIds: readonly string[];
}

export function provenanceToFhir(o: ReadingOrigin, clinicId: string): Provenance {
  const who: Reference<Device | Organization> = o.deviceResourceId ? reference('Device', o.deviceResourceId) : reference('Organization', organizationId(clinicId));
  return {
    resourceType: 'Provenance',
    id: derivedId('Provenance', o.sessionId),
    target: o.targetObservationIds.map((id) => reference('Observation', id)),
    recorded: instant(o.recordedMs),
    agent: [
      {
        type: { coding: [{ system: PROVENANCE_AGENT_TYPE, code: o.deviceResourceId ? 'assembler' : 'custodian' }] },
        who,
        ...(o.deviceResourceId ? { onBehalfOf: reference('Organization', organizationId(clinicId)) } : {}),
      },
    ],
    entity: [{ role: 'source', what: { identifier: { system: DOWNLOAD_SESSION_SYSTEM, value: o.sessionId }, display: o.description } }],
  };
}
