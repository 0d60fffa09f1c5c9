import { SecretStoreError, type SecretStore } from '../secrets/secret-store';
import { StoredEnrolment, type CredentialStore, type FileCredentialStore } from './credential-store';

const NAME = 'cloud-enrolment';

/**
 * The enrolment (server address and workstation credential) sealed in a SecretStore: the OS
 * keychain in Electron, an encrypted file in browser mode. A plain 0600 file left by an
 * earlier version is moved into the store the first time the enrolment is read, then deleted.
 */
export class SecretCredentialStore implements CredentialStore {
  constructor(
    private readonly secrets: SecretStore,
    private readonly legacy?: FileCredentialStore,
  ) {}

  async load(): Promise<StoredEnrolment | undefined> {
    const text = await this.secrets.get(NAME);
    if (text !== undefined) {
      let parsed: unknown;
      try {
        parsed = JSON.parse(text);
      } catch {
        parsed = undefined;
      }
      const checked = StoredEnrolment.safeParse(parsed);
      // A damaged enrolment is no enrolment: the workstation is enrolled again, never half-trusted.
      return checked.success ? checked.data : undefined;
    }
    const old = await this.legacy?.load();
    if (!old) return undefined;
    try {
      await this.save(old);
    } catch (err) {
      // No keychain yet: keep using the file it was already in rather than lose the enrolment.
      if (err instanceof SecretStoreError && err.code === 'secret-store-unavailable') return old;
      throw err;
    }
    await this.legacy?.clear();
    return old;
  }

  async save(enrolment: StoredEnrolment): Promise<void> {
    await this.secrets.set(NAME, JSON.stringify(enrolment));
  }

  async clear(): Promise<void> {
    await this.secrets.delete(NAME);
    await this.legacy?.clear();
  }
}
