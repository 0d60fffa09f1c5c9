import { createCipheriv, createDecipheriv, hkdfSync, randomBytes, timingSafeEqual } from 'node:crypto';
import { chmod, open, stat } from 'node:fs/promises';
import path from 'node:path';
import { checkSecretName, secretLabel, SecretStoreError, type SecretName, type SecretStore } from './secret-store';
import { ensurePrivateDir, readIfExists, removeFile, writePrivateFile } from './secret-files';

/** File layout: magic | key id (8) | IV (12) | ciphertext | GCM tag (16). */
const MAGIC = Buffer.from('CLSECRET1');
const KEY_ID_BYTES = 8;
const IV_BYTES = 12; // NIST SP 800-38D: a 96-bit IV, random per write.
const TAG_BYTES = 16;
const KEY_FILE_BYTES = 32;
export const KEY_FILE_NAME = 'installation.key';

interface DerivedKeys {
  key: Buffer;
  keyId: Buffer;
}

/** RFC 5869 HKDF-SHA-256: the encryption key and a short key id, both from the key file. */
function deriveKeys(keyFile: Buffer): DerivedKeys {
  const salt = Buffer.from('careloop secret store');
  return {
    key: Buffer.from(hkdfSync('sha256', keyFile, salt, 'v1 aes-256-gcm key', 32)),
    keyId: Buffer.from(hkdfSync('sha256', keyFile, salt, 'v1 key id', KEY_ID_BYTES)),
  };
}

/**
 * Browser mode's secret store: each secret AES-256-GCM-encrypted in a 0600 file in
 * `<dataDir>/secrets`, under a key derived from a random per-installation key file (0600)
 * beside it. The secret's name is authenticated with it, so files cannot be swapped.
 *
 * What this protects: a copied secret file or a backup of it without the key file, and
 * any alteration (a typed error, never a half-trusted value). What it does not: anyone who
 * can read this account's files reads the key file too (docs/SECURITY.md).
 */
export class EncryptedFileSecretStore implements SecretStore {
  readonly kind = 'encrypted-file' as const;
  readonly dir: string;
  private keys: Promise<DerivedKeys> | undefined;

  constructor(dataDir: string) {
    this.dir = path.join(dataDir, 'secrets');
  }

  get keyFile(): string {
    return path.join(this.dir, KEY_FILE_NAME);
  }

  private file(name: SecretName): string {
    return path.join(this.dir, `${checkSecretName(name)}.sealed`);
  }

  /** The key file, created on first use; `create` false only reads one that exists. */
  private async loadKeys(create: boolean): Promise<DerivedKeys | undefined> {
    let bytes = await readIfExists(this.keyFile);
    if (bytes === undefined) {
      if (!create) return undefined;
      await ensurePrivateDir(this.dir);
      const fresh = randomBytes(KEY_FILE_BYTES);
      try {
        const handle = await open(this.keyFile, 'wx', 0o600);
        try {
          await handle.writeFile(fresh);
          await handle.sync();
        } finally {
          await handle.close();
        }
        bytes = fresh;
      } catch (err) {
        // Another store of this installation made it first: use theirs.
        if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
        bytes = await readIfExists(this.keyFile);
      }
    } else if (process.platform !== 'win32' && ((await stat(this.keyFile)).mode & 0o077) !== 0) {
      await chmod(this.keyFile, 0o600);
    }
    if (bytes?.length !== KEY_FILE_BYTES) throw new SecretStoreError('secret-key-invalid', `The secrets key file ${this.keyFile} is not a CareLoop key file.`);
    return deriveKeys(bytes);
  }

  private async keysFor(create: boolean): Promise<DerivedKeys | undefined> {
    if (this.keys) return this.keys;
    const loaded = await this.loadKeys(create);
    if (loaded) this.keys = Promise.resolve(loaded);
    return loaded;
  }

  private aad(name: SecretName): Buffer {
    return Buffer.concat([MAGIC, Buffer.from(`\n${name}`)]);
  }

  async get(name: SecretName): Promise<string | undefined> {
    const sealed = await readIfExists(this.file(name));
    if (sealed === undefined) return undefined;
    const tampered = () => new SecretStoreError('secret-tampered', `The stored ${secretLabel(name)} was altered or damaged: enter it again.`);
    const headerBytes = MAGIC.length + KEY_ID_BYTES + IV_BYTES;
    if (sealed.length < headerBytes + TAG_BYTES || !sealed.subarray(0, MAGIC.length).equals(MAGIC)) throw tampered();
    const keys = await this.keysFor(false);
    const keyId = sealed.subarray(MAGIC.length, MAGIC.length + KEY_ID_BYTES);
    if (!keys || !timingSafeEqual(keyId, keys.keyId)) {
      throw new SecretStoreError('secret-wrong-key', `The stored ${secretLabel(name)} was sealed under another installation's key file (${this.keyFile}); restore that key file or enter it again.`);
    }
    const iv = sealed.subarray(MAGIC.length + KEY_ID_BYTES, headerBytes);
    const tag = sealed.subarray(sealed.length - TAG_BYTES);
    const decipher = createDecipheriv('aes-256-gcm', keys.key, iv, { authTagLength: TAG_BYTES });
    decipher.setAAD(this.aad(name));
    decipher.setAuthTag(tag);
    try {
      return Buffer.concat([decipher.update(sealed.subarray(headerBytes, sealed.length - TAG_BYTES)), decipher.final()]).toString('utf8');
    } catch {
      throw tampered();
    }
  }

  async set(name: SecretName, value: string): Promise<void> {
    const keys = (await this.keysFor(true))!;
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', keys.key, iv, { authTagLength: TAG_BYTES });
    cipher.setAAD(this.aad(name));
    const body = Buffer.concat([cipher.update(value, 'utf8'), cipher.final()]);
    await writePrivateFile(this.file(name), Buffer.concat([MAGIC, keys.keyId, iv, body, cipher.getAuthTag()]));
  }

  async delete(name: SecretName): Promise<void> {
    await removeFile(this.file(name));
  }
}
