/**
 * Code systems, naming systems and extension URLs used in CareLoop's FHIR R4 resources.
 * CareLoop's own URLs live under one placeholder canonical base (an `.example` host, RFC
 * 2606) until the project publishes its definitions; everything else is a standard system.
 */
export const CARELOOP_BASE = 'https://fhir.careloop.example';

export const LOINC = 'http://loinc.org';
export const UCUM = 'http://unitsofmeasure.org';
export const OBSERVATION_CATEGORY = 'http://terminology.hl7.org/CodeSystem/observation-category';
export const IDENTIFIER_TYPE = 'http://terminology.hl7.org/CodeSystem/v2-0203';
export const CONSENT_SCOPE = 'http://terminology.hl7.org/CodeSystem/consentscope';
export const V3_ACT_CODE = 'http://terminology.hl7.org/CodeSystem/v3-ActCode';
export const FLAG_CATEGORY = 'http://terminology.hl7.org/CodeSystem/flag-category';
export const PROVENANCE_AGENT_TYPE = 'http://terminology.hl7.org/CodeSystem/provenance-participant-type';
export const DEVICE_NAME_TYPE = 'user-friendly-name';

/** The clinic's medical record number (identifier type MR of HL7 v2 table 0203). */
export const MRN_SYSTEM = `${CARELOOP_BASE}/NamingSystem/mrn`;
/** A CareLoop row id, so a re-import of CareLoop's own export finds the same rows. */
export const ROW_ID_SYSTEM = `${CARELOOP_BASE}/NamingSystem/row-id`;
export const DEVICE_SERIAL_SYSTEM = `${CARELOOP_BASE}/NamingSystem/device-serial`;
export const DOWNLOAD_SESSION_SYSTEM = `${CARELOOP_BASE}/NamingSystem/download-session`;
/** Other identifiers staff record under a short label (insurance number, NHS number). */
export const LABELLED_IDENTIFIER_SYSTEM = `${CARELOOP_BASE}/NamingSystem/labelled`;

/** CareLoop's metric names, beside LOINC, so an import knows pulse rate from heart rate. */
export const METRIC_SYSTEM = `${CARELOOP_BASE}/CodeSystem/metric`;
export const SOURCE_GRADE_SYSTEM = `${CARELOOP_BASE}/CodeSystem/source-grade`;
export const PATIENT_TAG_SYSTEM = `${CARELOOP_BASE}/CodeSystem/patient-tag`;
export const CONSENT_PURPOSE_SYSTEM = `${CARELOOP_BASE}/CodeSystem/consent-purpose`;
export const MESSAGE_CHANNEL_SYSTEM = `${CARELOOP_BASE}/CodeSystem/message-channel`;
export const STAFF_ROLE_SYSTEM = `${CARELOOP_BASE}/CodeSystem/staff-role`;
export const PROGRAM_SYSTEM = `${CARELOOP_BASE}/CodeSystem/program`;

export const EXT_PREFERRED_CHANNEL = `${CARELOOP_BASE}/StructureDefinition/preferred-channel`;
/** The row id of one component of a panel (a blood pressure's systolic row). */
export const EXT_COMPONENT_ROW_ID = `${CARELOOP_BASE}/StructureDefinition/component-row-id`;
export const QUALITY_FLAG_SYSTEM = `${CARELOOP_BASE}/CodeSystem/quality-flag`;
export const DATA_ABSENT_REASON = 'http://terminology.hl7.org/CodeSystem/data-absent-reason';
/** The group of rows one measurement made (a blood pressure's systolic, diastolic and mean). */
export const ROW_GROUP_SYSTEM = `${CARELOOP_BASE}/NamingSystem/row-group`;
