import { Unzip, UnzipInflate, type UnzipFile } from 'fflate';
import { ImportError } from './errors';
import { Utf8Chunks } from './utf8-chunks';

/** Reads one archive entry's text as it is inflated. */
export interface TextReader {
  write(text: string): void;
  end(): void;
}

export interface ZipFeed {
  /** Pushes input bytes; throws the first ImportError any entry met. */
  feed(chunk: Uint8Array, final: boolean): void;
  /** After the final chunk: throws when an entry was cut short. */
  finish(): void;
  /** Names of the entries that were read. */
  readonly entriesRead: readonly string[];
}

/**
 * Streams a ZIP archive (PKWARE APPNOTE 4.3, stored or deflated entries) entry by entry,
 * handing the text of the entries `pick` wants to its reader as it is inflated; the other
 * entries are passed over without being inflated.
 */
export function zipTextEntries(pick: (name: string) => TextReader | undefined): ZipFeed {
  let failure: ImportError | undefined;
  const open = new Set<string>();
  const entriesRead: string[] = [];
  const unzip = new Unzip((file: UnzipFile) => {
    const reader = pick(file.name);
    if (!reader) return;
    entriesRead.push(file.name);
    const text = new Utf8Chunks();
    open.add(file.name);
    file.ondata = (err, data, final) => {
      if (failure) return;
      try {
        if (err) throw new ImportError('malformed', `the archive entry cannot be inflated: ${err.message}`, { entry: file.name });
        reader.write(text.decode(data));
        if (final) {
          reader.write(text.end());
          reader.end();
          open.delete(file.name);
        }
      } catch (e) {
        failure = e instanceof ImportError ? e : new ImportError('malformed', `the archive entry cannot be read: ${e instanceof Error ? e.message : 'unknown error'}`, { entry: file.name });
      }
    };
    try {
      file.start();
    } catch {
      failure ??= new ImportError('malformed', `the archive entry uses compression method ${file.compression}, which is not supported`, { entry: file.name });
    }
  });
  unzip.register(UnzipInflate);
  let offset = 0;
  return {
    entriesRead,
    feed(chunk, final) {
      try {
        unzip.push(chunk, final);
      } catch (e) {
        // At the end of the input, an inflater still waiting for data means the archive was cut.
        if (final) failure ??= new ImportError('truncated', 'the archive ends in the middle of an entry', { byte: offset });
        failure ??= new ImportError('malformed', `not a readable ZIP archive: ${e instanceof Error ? e.message : 'unknown error'}`, { byte: offset });
      }
      offset += chunk.length;
      if (failure) throw failure;
    },
    finish() {
      const cut = [...open][0];
      if (cut !== undefined) throw new ImportError('truncated', 'the archive ends in the middle of an entry', { entry: cut });
    },
  };
}

/** ZIP local file header signature "PK\x03\x04". */
export function isZip(bytes: Uint8Array): boolean {
  return bytes[0] === 0x50 && bytes[1] === 0x4b;
}
