import type { Handlers } from '../../../common/contract/channel';
import type { fhirServerMethods } from '../../../common/contract/fhir-server-api';
import type { MainApi } from '../../../common/contract/main-api';
import { RpcError } from '../../../common/contract/rpc';
import { FhirServerError } from '../../../common/fhir/server-client';
import { workstationDataDir } from '../cloud/data-dir';
import { EncryptedFileSecretStore } from '../secrets/encrypted-file-store';
import { SecretStoreError, type SecretStore } from '../secrets/secret-store';
import { FhirServerService, FhirServerSettingsError } from './fhir-server-service';

type FhirServerMethod = keyof typeof fhirServerMethods;

async function typed<T>(work: () => T | Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (err) {
    if (err instanceof FhirServerError) throw new RpcError(`fhir-${err.code}`, err.message);
    if (err instanceof FhirServerSettingsError || err instanceof SecretStoreError) throw new RpcError(err.code, err.message);
    throw err;
  }
}

/**
 * The FHIR server service of a host whose workstation files live in `dataDir`, its client
 * secret kept in `secrets` (Electron should pass the keychain store, as for the cloud service).
 */
export function defaultFhirServerService(dataDir: string = workstationDataDir(), secrets: SecretStore = new EncryptedFileSecretStore(dataDir)): FhirServerService {
  return new FhirServerService({ dataDir, secrets });
}

/** The 'fhirServer.*' methods of the main-process contract. */
export function fhirServerHandlers(service: FhirServerService): Pick<Handlers<MainApi>, FhirServerMethod> {
  return {
    'fhirServer.settings': () => typed(() => service.settings()),
    'fhirServer.configure': (params) => typed(() => service.configure(params)),
    'fhirServer.forget': () => typed(() => service.forget()),
    'fhirServer.test': () => typed(() => service.test()),
    'fhirServer.sendBegin': () => typed(() => service.sendBegin()),
    'fhirServer.sendPart': ({ handle, text }) => typed(() => service.sendPart(handle, text)),
    'fhirServer.sendFinish': ({ handle }) => typed(() => service.sendFinish(handle)),
    'fhirServer.fetchPatient': ({ identifierSystem, identifierValue }) => typed(() => service.fetchPatient(identifierSystem, identifierValue)),
    'fhirServer.fetchPart': ({ handle, offset }) => typed(() => service.fetchPart(handle, offset)),
  };
}
