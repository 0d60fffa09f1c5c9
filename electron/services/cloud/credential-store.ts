import { chmod, mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';

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
    let text: string;
    try {
      text = await readFile(this.file, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw err;
    }
    const parsed = StoredEnrolment.safeParse(JSON.parse(text));
    // A damaged file is treated as no enrolment: the workstation is enrolled again, never half-trusted.
    return parsed.success ? parsed.data : undefined;
  }

  async save(enrolment: StoredEnrolment): Promise<void> {
    await mkdir(path.dirname(this.file), { recursive: true, mode: 0o700 });
    const tmp = `${this.file}.${process.pid}.tmp`;
    await writeFile(tmp, JSON.stringify(enrolment), { mode: 0o600 });
    await chmod(tmp, 0o600);
    await rename(tmp, this.file);
  }

  async clear(): Promise<void> {
    await rm(this.file, { force: true });
  }
}
