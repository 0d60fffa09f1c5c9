import path from 'node:path';
import { z } from 'zod';
import { readIfExists, writePrivateFile } from '../secrets/secret-files';

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
    const bytes = await readIfExists(this.file);
    if (!bytes) return undefined;
    try {
      const parsed = StoredFhirServer.safeParse(JSON.parse(bytes.toString('utf8')));
      return parsed.success ? parsed.data : undefined;
    } catch {
      return undefined;
    }
  }

  async save(s: StoredFhirServer | undefined): Promise<void> {
    await writePrivateFile(this.file, Buffer.from(s ? JSON.stringify(s, null, 2) : '{}'));
  }
}
