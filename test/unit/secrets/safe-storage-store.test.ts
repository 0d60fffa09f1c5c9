import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SafeStorageSecretStore, type SafeStorageLike } from '../../../electron/services/secrets/safe-storage-store';

/**
 * Electron's safeStorage at its boundary: the same three methods. The "keychain" here is a
 * reversible scramble with a per-instance key, enough to see that what is stored on disk is
 * what encryptString returned and that decryptString failures surface as typed errors.
 */
class FakeSafeStorage implements SafeStorageLike {
  available = true;
  backend: string | undefined;
  readonly calls: string[] = [];
  constructor(private readonly key = 0x5a) {}
  isEncryptionAvailable(): boolean {
    return this.available;
  }
  encryptString(plainText: string): Buffer {
    this.calls.push('encrypt');
    return Buffer.concat([Buffer.from('v10'), Buffer.from(Buffer.from(plainText, 'utf8').map((b) => b ^ this.key))]);
  }
  decryptString(encrypted: Buffer): string {
    this.calls.push('decrypt');
    if (!encrypted.subarray(0, 3).equals(Buffer.from('v10')) || this.key !== 0x5a) throw new Error('Error while decrypting the ciphertext provided to safeStorage.decryptString.');
    return Buffer.from(encrypted.subarray(3).map((b) => b ^ this.key)).toString('utf8');
  }
  getSelectedStorageBackend(): string {
    return this.backend ?? 'gnome_libsecret';
  }
}

describe('SafeStorageSecretStore (Electron), safeStorage mocked at the boundary', () => {
  let root: string;
  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'careloop-safe-'));
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  it('stores what the keychain sealed, in a 0600 file, and reads it back', async () => {
    const keychain = new FakeSafeStorage();
    const store = new SafeStorageSecretStore(root, keychain);
    await store.set('cloud-enrolment', '{"credential":"ws.secret"}');
    const file = join(root, 'secrets', 'cloud-enrolment.safe');
    expect(readFileSync(file).equals(keychain.encryptString('{"credential":"ws.secret"}'))).toBe(true);
    expect(readFileSync(file).includes(Buffer.from('ws.secret'))).toBe(false);
    if (process.platform !== 'win32') expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(await new SafeStorageSecretStore(root, keychain).get('cloud-enrolment')).toBe('{"credential":"ws.secret"}');
    await store.delete('cloud-enrolment');
    expect(await store.get('cloud-enrolment')).toBeUndefined();
  });

  it('refuses to store anything when encryption is not available, and says so', async () => {
    const keychain = new FakeSafeStorage();
    keychain.available = false;
    const store = new SafeStorageSecretStore(root, keychain);
    await expect(store.set('cloud-enrolment', 'token')).rejects.toMatchObject({ name: 'SecretStoreError', code: 'secret-store-unavailable', message: expect.stringMatching(/refuses to store it in plain text/) });
    expect(keychain.calls).toEqual([]);
    expect(() => statSync(join(root, 'secrets', 'cloud-enrolment.safe'))).toThrow();
  });

  it('treats Linux’s basic_text backend (a hard-coded key) as no keychain', async () => {
    const keychain = new FakeSafeStorage();
    keychain.backend = 'basic_text';
    await expect(new SafeStorageSecretStore(root, keychain).set('backup-passphrase', 'p')).rejects.toMatchObject({ code: 'secret-store-unavailable' });
  });

  it('gives a typed error when the keychain cannot open what is stored', async () => {
    await new SafeStorageSecretStore(root, new FakeSafeStorage()).set('backup-passphrase', 'p');
    // Another user's or machine's keychain.
    await expect(new SafeStorageSecretStore(root, new FakeSafeStorage(0x33)).get('backup-passphrase')).rejects.toMatchObject({ code: 'secret-unreadable' });
  });
});
