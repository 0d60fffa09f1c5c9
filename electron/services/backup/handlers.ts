import type { Handlers } from '../../../common/contract/channel';
import type { backupMethods, MainApi } from '../../../common/contract/main-api';
import { RpcError } from '../../../common/contract/rpc';
import { workstationDataDir } from '../cloud/data-dir';
import { SecretStoreError } from '../secrets/secret-store';
import { BackupFolderError } from './backup-folder';
import { BackupFileError, BackupService, BackupSettingsError, type BackupServiceOptions } from './backup-service';

type BackupMethod = keyof typeof backupMethods;

async function typed<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (err) {
    if (err instanceof BackupFolderError || err instanceof BackupFileError || err instanceof BackupSettingsError || err instanceof SecretStoreError) throw new RpcError(err.code, err.message);
    throw err;
  }
}

/** The backup service of a host whose workstation files live in `dataDir`. */
export function defaultBackupService(options: Partial<BackupServiceOptions> = {}): BackupService {
  return new BackupService({ dataDir: workstationDataDir(), ...options });
}

/** The 'backup.*' methods of the main-process contract. */
export function backupHandlers(backup: BackupService): Pick<Handlers<MainApi>, BackupMethod> {
  return {
    'backup.settings': () => typed(() => backup.settings()),
    'backup.configure': ({ folder, schedule, passphrase }) => typed(() => backup.configure({ folder, schedule, passphrase })),
    'backup.chooseFolder': () => typed(() => backup.chooseFolder()),
    'backup.checkFolder': ({ folder }) => typed(() => backup.checkFolder(folder)),
    'backup.schedulePassphrase': () => typed(() => backup.schedulePassphrase()),
    'backup.begin': ({ kind, folder }) => typed(() => backup.begin(kind, folder)),
    'backup.write': ({ handle, offset, base64 }) => typed(() => backup.write(handle, offset, base64)),
    'backup.finish': ({ handle }) => typed(() => backup.finish(handle)),
    'backup.abort': ({ handle }) => typed(() => backup.abort(handle)),
    'backup.recordRun': (run) => typed(() => backup.recordRun(run)),
  };
}
