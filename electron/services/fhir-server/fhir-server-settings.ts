import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import { writePrivateFile } from '../secrets/secret-files';

/**
 * The FHIR server's address and client id, kept on this workstation in a 0600 JSON file.
 * None of this is secret; the client secret is in the SecretStore ('fhir-server-client-secret').
 */
export const StoredFhirServer = z.object({
  baseUrl: z.string(),
  tokenUrl: z.string(),
  clientId: z.string(),
  clientAuth: z.enum(['basic', 'body']),
  scope: z.string().nullable(),
  mrnSystem: z.string().nullable(),
});
export type StoredFhirServer = z.infer<typeof StoredFhirServer>;

export class FhirServerSettingsFile {
  readonly file: string;

  constructor(dataDir: string) {
    this.file = path.join(dataDir, 'fhir-server.json');
  }

  /** The stored server, or undefined when none is configured (or the file is unreadable: configure it again). */
  async load(): Promise<StoredFhirServer | undefined> {
    let text: string;
    try {
      text = await readFile(this.file, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw err;
    }
    try {
      const parsed = StoredFhirServer.safeParse(JSON.parse(text));
      return parsed.success ? parsed.data : undefined;
    } catch {
      return undefined;
    }
  }

  async save(s: StoredFhirServer | undefined): Promise<void> {
    await writePrivateFile(this.file, Buffer.from(s ? JSON.stringify(s, null, 2) : '{}'));
  }
}
