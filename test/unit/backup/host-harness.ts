import { mainApi } from '../../../common/contract/main-api';
import type { BackupService } from '../../../electron/services/backup/backup-service';
import { backupHandlers } from '../../../electron/services/backup/handlers';
import type { BackupHost } from '../../../renderer/src/components/backup/host-file';

/** The renderer's view of the host's backup methods, with the contract's parameter checks, without a transport. */
export function hostFor(service: BackupService): BackupHost {
  const handlers = backupHandlers(service) as Record<string, (params: unknown) => Promise<unknown>>;
  const methods = mainApi.methods as Record<string, { params: { parse(v: unknown): unknown } }>;
  return {
    call: ((method: string, params: unknown) => handlers[method]!(methods[method]!.params.parse(params))) as BackupHost['call'],
  };
}
