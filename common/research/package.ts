import { strToU8, zipSync } from 'fflate';

/** The files of a research export in one zip (deflated), each a UTF-8 text file. */
export function researchZip(files: Readonly<Record<string, string>>): Uint8Array {
  const entries: Record<string, Uint8Array> = {};
  for (const [name, text] of Object.entries(files)) {
    if (!/^[a-z0-9-]+\.(csv|json)$/.test(name)) throw new RangeError(`'${name}' is not a research export file name`);
    entries[name] = strToU8(text);
  }
  // A fixed modification time: the zip carries no date of its own making beyond the manifest's.
  return zipSync(entries, { level: 6, mtime: new Date(Date.UTC(2000, 0, 1)) });
}
