import { toBase64 } from '../../../../common/backup/base64';
import type { BackupFileKind, MainApi } from '../../../../common/contract/main-api';
import type { ParamsOf, ResultOf } from '../../../../common/contract/rpc';

type BackupMethod = Extract<keyof MainApi['methods'], `backup.${string}`>;

/** The part of the main-process client backups use (the UI thread's and a worker's both fit). */
export interface BackupHost {
  call<K extends BackupMethod>(method: K, params: ParamsOf<MainApi, K>): Promise<ResultOf<MainApi, K>>;
}

/** Bytes per contract message: base64 of this fits the contract's 2 MiB limit with room to spare. */
const PIECE_BYTES = 768 * 1024;

export interface WrittenFile {
  path: string;
  name: string;
  bytes: number;
  pruned: string[];
}

/**
 * Streams a file's bytes to the host, which writes them into `folder` (the configured backup
 * folder when absent) and renames the file into place only at the end. If the stream fails,
 * the host removes the unfinished file and the error is rethrown.
 */
export async function writeToHost(host: BackupHost, kind: BackupFileKind, stream: AsyncIterable<Uint8Array>, folder?: string, onBytes?: (bytes: number) => void): Promise<WrittenFile> {
  const { handle, name } = await host.call('backup.begin', folder === undefined ? { kind } : { kind, folder });
  let offset = 0;
  try {
    for await (const chunk of stream) {
      for (let at = 0; at < chunk.length; at += PIECE_BYTES) {
        const piece = chunk.subarray(at, at + PIECE_BYTES);
        await host.call('backup.write', { handle, offset, base64: toBase64(piece) });
        offset += piece.length;
        onBytes?.(offset);
      }
    }
    const done = await host.call('backup.finish', { handle });
    return { path: done.path, name, bytes: done.bytes, pruned: done.pruned };
  } catch (err) {
    await host.call('backup.abort', { handle }).catch(() => undefined);
    throw err;
  }
}
