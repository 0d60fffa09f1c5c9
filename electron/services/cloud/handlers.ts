import type { Handlers } from '../../../common/contract/channel';
import type { MainApi } from '../../../common/contract/main-api';
import { RpcError } from '../../../common/contract/rpc';
import { CloudError, CloudService } from './cloud-service';
import { EncryptedFileSecretStore } from '../secrets/encrypted-file-store';
import { SecretStoreError, type SecretStore } from '../secrets/secret-store';
import { FileCredentialStore } from './credential-store';
import { workstationDataDir } from './data-dir';
import { SecretCredentialStore } from './secret-credential-store';

type CloudMethod = Extract<keyof MainApi['methods'], `cloud.${string}`>;

async function typed<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (err) {
    if (err instanceof CloudError || err instanceof SecretStoreError) throw new RpcError(err.code, err.message);
    throw err;
  }
}

/**
 * The cloud service of a host whose workstation files live in `dataDir`, its enrolment kept
 * in `secrets` (Electron passes the keychain store; browser mode gets the encrypted file).
 */
export function defaultCloudService(dataDir: string = workstationDataDir(), secrets: SecretStore = new EncryptedFileSecretStore(dataDir)): CloudService {
  return new CloudService({ store: new SecretCredentialStore(secrets, new FileCredentialStore(dataDir)) });
}

/** The 'cloud.*' methods of the main-process contract. */
export function cloudHandlers(cloud: CloudService): Pick<Handlers<MainApi>, CloudMethod> {
  return {
    'cloud.status': () => typed(() => cloud.status()),
    'cloud.enrol': ({ serverUrl, enrolmentCode, workstationName }) => typed(() => cloud.enrol(serverUrl, enrolmentCode, workstationName)),
    'cloud.forget': () => typed(() => cloud.forget()),
    'cloud.push': (request) => typed(() => cloud.push(request)),
    'cloud.pull': ({ since, limit }) => typed(() => cloud.pull(since, limit)),
    'cloud.anchor': (head) => typed(() => cloud.anchor(head)),
    'cloud.conflicts': ({ email, password, limit }) => typed(async () => ({ conflicts: await cloud.conflicts(email, password, limit) })),
  };
}
