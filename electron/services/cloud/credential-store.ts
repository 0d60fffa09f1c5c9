import { rm } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import { readIfExists, writePrivateFile } from '../secrets/secret-files';

/** What enrolment leaves on this workstation: where the server is and the secret that proves who we are. */
export const StoredEnrolment = z.object({
  serverUrl: z.string(),
  clinicId: z.string(),
  workstationId: z.string(),
  workstationName: z.string(),
  credential: z.string(),
  enrolledAt: z.string(),
});
export type StoredEnrolment = z.infer<typeof StoredEnrolment>;

/**
 * Where the workstation credential is kept. The app uses SecretCredentialStore (the OS
 * keychain in Electron, an encrypted file in browser mode); the cloud service sees only this.
 */
export interface CredentialStore {
  load(): Promise<StoredEnrolment | undefined>;
  save(enrolment: StoredEnrolment): Promise<void>;
  clear(): Promise<void>;
}

/**
 * A JSON file readable only by the account running CareLoop (mode 0600, written to a
 * temporary file and renamed so a crash never leaves half a credential), not encrypted.
 * Earlier versions kept the enrolment here; SecretCredentialStore now only reads it once to
 * move it into the secret store, then deletes it.
 */
export class FileCredentialStore implements CredentialStore {
  readonly file: string;

  constructor(dataDir: string) {
    this.file = path.join(dataDir, 'cloud-credential.json');
  }

  async load(): Promise<StoredEnrolment | undefined> {
    const bytes = await readIfExists(this.file);
    if (!bytes) return undefined;
    const parsed = StoredEnrolment.safeParse(JSON.parse(bytes.toString('utf8')));
    // A damaged file is treated as no enrolment: the workstation is enrolled again, never half-trusted.
    return parsed.success ? parsed.data : undefined;
  }

  async save(enrolment: StoredEnrolment): Promise<void> {
    await writePrivateFile(this.file, Buffer.from(JSON.stringify(enrolment)));
  }

  async clear(): Promise<void> {
    await rm(this.file, { force: true });
  }
}
