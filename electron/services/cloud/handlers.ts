import type { Handlers } from '../../../common/contract/channel';
import type { MainApi } from '../../../common/contract/main-api';
import { RpcError } from '../../../common/contract/rpc';
import { CloudError, CloudService } from './cloud-service';
import { FileCredentialStore } from './credential-store';
import { workstationDataDir } from './data-dir';

type CloudMethod = Extract<keyof MainApi['methods'], `cloud.${string}`>;

async function typed<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (err) {
    if (err instanceof CloudError) throw new RpcError(err.code, err.message);
    throw err;
  }
}

/** The cloud service of a host whose workstation files live in `dataDir`. */
export function defaultCloudService(dataDir: string = workstationDataDir()): CloudService {
  return new CloudService({ store: new FileCredentialStore(dataDir) });
}

/** The 'cloud.*' methods of the main-process contract. */
export function cloudHandlers(cloud: CloudService): Pick<Handlers<MainApi>, CloudMethod> {
  return {
    'cloud.status': () => typed(() => cloud.status()),
    'cloud.enrol': ({ serverUrl, enrolmentCode, workstationName }) => typed(() => cloud.enrol(serverUrl, enrolmentCode, workstationName)),
    'cloud.forget': () => typed(() => cloud.forget()),
    'cloud.push': (request) => typed(() => cloud.push(request)),
    'cloud.pull': ({ since, limit }) => typed(() => cloud.pull(since, limit)),
    'cloud.conflicts': ({ email, password, limit }) => typed(async () => ({ conflicts: await cloud.conflicts(email, password, limit) })),
  };
}
