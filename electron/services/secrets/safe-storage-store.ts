import path from 'node:path';
import { checkSecretName, secretLabel, SecretStoreError, type SecretName, type SecretStore } from './secret-store';
import { readIfExists, removeFile, writePrivateFile } from './secret-files';

/** The part of Electron's safeStorage this store uses (tests pass an object with the same methods). */
export interface SafeStorageLike {
  isEncryptionAvailable(): boolean;
  encryptString(plainText: string): Buffer;
  decryptString(encrypted: Buffer): string;
  /** Linux only: which keyring Chromium chose; 'basic_text' means a hard-coded key, i.e. no protection. */
  getSelectedStorageBackend?(): string;
}

/**
 * Secrets sealed with the operating system's keychain through Electron's safeStorage (DPAPI
 * on Windows, Keychain on macOS, the Secret Service or KWallet on Linux), each in its own
 * 0600 file in `<dataDir>/secrets`. Without a real keychain it refuses to store anything:
 * a credential is never written in plain text or under a key any copy of Electron knows.
 */
export class SafeStorageSecretStore implements SecretStore {
  readonly kind = 'os-keychain' as const;
  private readonly dir: string;

  constructor(
    dataDir: string,
    private readonly safeStorage: SafeStorageLike,
  ) {
    this.dir = path.join(dataDir, 'secrets');
  }

  private file(name: SecretName): string {
    return path.join(this.dir, `${checkSecretName(name)}.safe`);
  }

  private requireKeychain(name: SecretName): void {
    const backend = this.safeStorage.getSelectedStorageBackend?.();
    if (!this.safeStorage.isEncryptionAvailable() || backend === 'basic_text') {
      throw new SecretStoreError(
        'secret-store-unavailable',
        `The operating system's keychain is not available${backend === 'basic_text' ? ' (no Secret Service or KWallet is running)' : ''}, so CareLoop will not keep ${secretLabel(name)}: it refuses to store it in plain text.`,
      );
    }
  }

  async get(name: SecretName): Promise<string | undefined> {
    const sealed = await readIfExists(this.file(name));
    if (sealed === undefined) return undefined;
    this.requireKeychain(name);
    try {
      return this.safeStorage.decryptString(sealed);
    } catch {
      throw new SecretStoreError('secret-unreadable', `The keychain cannot open ${secretLabel(name)} (stored by another user or machine, or the keychain was reset): enter it again.`);
    }
  }

  async set(name: SecretName, value: string): Promise<void> {
    this.requireKeychain(name);
    await writePrivateFile(this.file(name), this.safeStorage.encryptString(value));
  }

  async delete(name: SecretName): Promise<void> {
    await removeFile(this.file(name));
  }
}
