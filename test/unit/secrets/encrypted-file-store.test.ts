import { copyFileSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { EncryptedFileSecretStore } from '../../../electron/services/secrets/encrypted-file-store';
import { SecretStoreError } from '../../../electron/services/secrets/secret-store';

const posix = process.platform !== 'win32';

describe('EncryptedFileSecretStore (browser mode), on a real folder', () => {
  let root: string;
  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'careloop-secrets-'));
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  const sealedFile = (dir: string) => join(dir, 'secrets', 'backup-passphrase.sealed');

  it('round-trips a secret across instances, and forgets it when deleted', async () => {
    await new EncryptedFileSecretStore(root).set('backup-passphrase', 'correct horse ✓ battery');
    const again = new EncryptedFileSecretStore(root);
    expect(await again.get('backup-passphrase')).toBe('correct horse ✓ battery');
    expect(await again.get('cloud-enrolment')).toBeUndefined();
    await again.delete('backup-passphrase');
    expect(await new EncryptedFileSecretStore(root).get('backup-passphrase')).toBeUndefined();
  });

  it('never writes the secret in clear, and uses a fresh IV each time', async () => {
    const store = new EncryptedFileSecretStore(root);
    await store.set('backup-passphrase', 'needle-in-the-file');
    const first = readFileSync(sealedFile(root));
    expect(first.includes(Buffer.from('needle-in-the-file'))).toBe(false);
    await store.set('backup-passphrase', 'needle-in-the-file');
    expect(readFileSync(sealedFile(root)).equals(first)).toBe(false);
  });

  it.runIf(posix)('keeps the key file and every sealed file at mode 0600 in a 0700 folder', async () => {
    const store = new EncryptedFileSecretStore(root);
    await store.set('backup-passphrase', 'p');
    await store.set('cloud-enrolment', '{}');
    expect(statSync(store.keyFile).mode & 0o777).toBe(0o600);
    expect(statSync(sealedFile(root)).mode & 0o777).toBe(0o600);
    expect(statSync(join(root, 'secrets', 'cloud-enrolment.sealed')).mode & 0o777).toBe(0o600);
    expect(statSync(join(root, 'secrets')).mode & 0o777).toBe(0o700);
  });

  it('refuses a secret sealed under another installation’s key file with a typed error', async () => {
    const other = mkdtempSync(join(tmpdir(), 'careloop-secrets-other-'));
    try {
      await new EncryptedFileSecretStore(root).set('backup-passphrase', 'mine');
      const stranger = new EncryptedFileSecretStore(other);
      await stranger.set('cloud-enrolment', 'theirs');
      // The sealed file copied to another installation, which has its own key file.
      copyFileSync(sealedFile(root), sealedFile(other));
      const err = await stranger.get('backup-passphrase').catch((e: unknown) => e);
      expect(err).toBeInstanceOf(SecretStoreError);
      expect(err).toMatchObject({ code: 'secret-wrong-key' });
      // And a key file lost: the secret is not readable under a new one either.
      rmSync(new EncryptedFileSecretStore(root).keyFile);
      await expect(new EncryptedFileSecretStore(root).get('backup-passphrase')).rejects.toMatchObject({ code: 'secret-wrong-key' });
    } finally {
      rmSync(other, { recursive: true, force: true });
    }
  });

  it('refuses an altered, truncated or swapped file with a typed error', async () => {
    const store = new EncryptedFileSecretStore(root);
    await store.set('backup-passphrase', 'a passphrase long enough to flip a byte in');
    const good = readFileSync(sealedFile(root));

    const flipped = Buffer.from(good);
    flipped[good.length - 20]! ^= 0x01;
    writeFileSync(sealedFile(root), flipped);
    await expect(new EncryptedFileSecretStore(root).get('backup-passphrase')).rejects.toMatchObject({ name: 'SecretStoreError', code: 'secret-tampered' });

    writeFileSync(sealedFile(root), good.subarray(0, 30));
    await expect(new EncryptedFileSecretStore(root).get('backup-passphrase')).rejects.toMatchObject({ code: 'secret-tampered' });

    // A sealed secret moved under another secret's name: the name is authenticated with it.
    writeFileSync(join(root, 'secrets', 'cloud-enrolment.sealed'), good);
    await expect(new EncryptedFileSecretStore(root).get('cloud-enrolment')).rejects.toMatchObject({ code: 'secret-tampered' });
  });

  it('refuses a key file that is not a key', async () => {
    const store = new EncryptedFileSecretStore(root);
    await store.set('backup-passphrase', 'p');
    writeFileSync(store.keyFile, 'short');
    await expect(new EncryptedFileSecretStore(root).get('backup-passphrase')).rejects.toMatchObject({ code: 'secret-key-invalid' });
  });
});
