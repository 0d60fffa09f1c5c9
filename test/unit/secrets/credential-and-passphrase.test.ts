import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { mainApi } from '../../../common/contract/main-api';
import { backupHandlers } from '../../../electron/services/backup/handlers';
import { BackupService } from '../../../electron/services/backup/backup-service';
import { CloudService, type Fetch } from '../../../electron/services/cloud/cloud-service';
import { FileCredentialStore, type StoredEnrolment } from '../../../electron/services/cloud/credential-store';
import { cloudHandlers, defaultCloudService } from '../../../electron/services/cloud/handlers';
import { SecretCredentialStore } from '../../../electron/services/cloud/secret-credential-store';
import { EncryptedFileSecretStore } from '../../../electron/services/secrets/encrypted-file-store';
import { SafeStorageSecretStore, type SafeStorageLike } from '../../../electron/services/secrets/safe-storage-store';

const enrolment: StoredEnrolment = {
  serverUrl: 'https://cloud.example.org',
  clinicId: '0190f1f2-0000-7000-8000-000000000001',
  workstationId: '0190f1f2-0000-7000-8000-000000000002',
  workstationName: 'Front desk',
  credential: 'ws.0190f1f2.super-secret-credential',
  enrolledAt: '2026-11-25T08:00:00.000Z',
};

const noKeychain: SafeStorageLike = {
  isEncryptionAvailable: () => false,
  encryptString: () => {
    throw new Error('not available');
  },
  decryptString: () => {
    throw new Error('not available');
  },
};

describe('the cloud enrolment and the backup passphrase in the SecretStore', () => {
  let dataDir: string;
  let folder: string;
  beforeEach(() => {
    dataDir = mkdtempSync(join(tmpdir(), 'careloop-data-'));
    folder = mkdtempSync(join(tmpdir(), 'careloop-backups-'));
  });
  afterEach(() => {
    rmSync(dataDir, { recursive: true, force: true });
    rmSync(folder, { recursive: true, force: true });
  });

  it('keeps the enrolment sealed: the credential is nowhere in clear in the data folder', async () => {
    const store = new SecretCredentialStore(new EncryptedFileSecretStore(dataDir), new FileCredentialStore(dataDir));
    await store.save(enrolment);
    expect(await new SecretCredentialStore(new EncryptedFileSecretStore(dataDir)).load()).toEqual(enrolment);
    const sealed = readFileSync(join(dataDir, 'secrets', 'cloud-enrolment.sealed'));
    expect(sealed.includes(Buffer.from('super-secret-credential'))).toBe(false);
    expect(existsSync(join(dataDir, 'cloud-credential.json'))).toBe(false);
    await store.clear();
    expect(await store.load()).toBeUndefined();
  });

  it('moves a plain credential file of an earlier version into the store and deletes the file', async () => {
    await new FileCredentialStore(dataDir).save(enrolment);
    const service = defaultCloudService(dataDir);
    expect(await service.status()).toMatchObject({ enrolled: true, workstationId: enrolment.workstationId });
    expect(existsSync(join(dataDir, 'cloud-credential.json'))).toBe(false);
    expect(await new EncryptedFileSecretStore(dataDir).get('cloud-enrolment')).toBe(JSON.stringify(enrolment));
  });

  it('without a keychain, refuses to store a credential and says so through the contract', async () => {
    // The server accepts the enrolment; the workstation then has nowhere safe to keep the credential.
    const fetch: Fetch = async () => ({ status: 201, text: async () => JSON.stringify({ clinicId: enrolment.clinicId, workstationId: enrolment.workstationId, credential: enrolment.credential }) });
    const cloud = new CloudService({ store: new SecretCredentialStore(new SafeStorageSecretStore(dataDir, noKeychain), new FileCredentialStore(dataDir)), fetch });
    const handlers = cloudHandlers(cloud);
    const err = await Promise.resolve(handlers['cloud.enrol']({ serverUrl: 'https://cloud.example.org', enrolmentCode: 'CODE-1234', workstationName: 'Front desk' })).catch((e: unknown) => e);
    expect(err).toMatchObject({ name: 'RpcError', code: 'secret-store-unavailable', message: expect.stringMatching(/plain text/) });
    expect(await handlers['cloud.status']({})).toMatchObject({ enrolled: false });
    expect(existsSync(join(dataDir, 'cloud-credential.json'))).toBe(false);
    // An enrolment already in a plain file of an earlier version stays usable (moved once a keychain exists), not lost.
    await new FileCredentialStore(dataDir).save(enrolment);
    expect(await new SecretCredentialStore(new SafeStorageSecretStore(dataDir, noKeychain), new FileCredentialStore(dataDir)).load()).toEqual(enrolment);
  });

  it('keeps the schedule passphrase in the store, not in backup-settings.json', async () => {
    const service = new BackupService({ dataDir });
    await service.configure({ folder, passphrase: 'the daily passphrase', schedule: { enabled: true, timeOfDay: '02:30', keep: 3 } });
    const settingsText = readFileSync(join(dataDir, 'backup-settings.json'), 'utf8');
    expect(settingsText).not.toContain('the daily passphrase');
    expect(JSON.parse(settingsText)).toMatchObject({ passphrase: null });
    expect(await new BackupService({ dataDir }).schedulePassphrase()).toEqual({ passphrase: 'the daily passphrase' });
    expect((await new BackupService({ dataDir }).settings()).hasPassphrase).toBe(true);
    await service.configure({ schedule: { enabled: false, timeOfDay: '02:30', keep: 3 }, passphrase: null });
    expect(await new BackupService({ dataDir }).schedulePassphrase()).toEqual({ passphrase: null });
    expect(await new EncryptedFileSecretStore(dataDir).get('backup-passphrase')).toBeUndefined();
  });

  it('moves the passphrase of an earlier version’s 0600 settings file into the store on start', async () => {
    const legacy = { folder, schedule: { enabled: true, timeOfDay: '19:00', keep: 7 }, passphrase: 'from an older version', lastRun: null, lastScheduledRun: null };
    writeFileSync(join(dataDir, 'backup-settings.json'), JSON.stringify(legacy), { mode: 0o600 });
    const service = new BackupService({ dataDir });
    await service.migrateSecrets();
    const after = JSON.parse(readFileSync(join(dataDir, 'backup-settings.json'), 'utf8')) as { passphrase: unknown; schedule: unknown };
    expect(after).toMatchObject({ passphrase: null, schedule: legacy.schedule });
    if (process.platform !== 'win32') expect(statSync(join(dataDir, 'backup-settings.json')).mode & 0o077).toBe(0);
    expect(await service.schedulePassphrase()).toEqual({ passphrase: 'from an older version' });
    expect(await service.settings()).toMatchObject({ hasPassphrase: true, schedule: legacy.schedule });
  });

  it('without a keychain, refuses a new schedule passphrase (typed, nothing saved) yet keeps using one already on disk', async () => {
    const secrets = new SafeStorageSecretStore(dataDir, noKeychain);
    const handlers = backupHandlers(new BackupService({ dataDir, secrets }));
    const params = mainApi.methods['backup.configure'].params.parse({ folder, passphrase: 'new one', schedule: { enabled: true, timeOfDay: '02:00', keep: 2 } });
    await expect(handlers['backup.configure'](params)).rejects.toMatchObject({ name: 'RpcError', code: 'secret-store-unavailable' });
    expect(existsSync(join(dataDir, 'backup-settings.json'))).toBe(false);

    const legacy = { folder, schedule: { enabled: true, timeOfDay: '19:00', keep: 7 }, passphrase: 'kept where it was', lastRun: null, lastScheduledRun: null };
    writeFileSync(join(dataDir, 'backup-settings.json'), JSON.stringify(legacy), { mode: 0o600 });
    expect(await new BackupService({ dataDir, secrets }).schedulePassphrase()).toEqual({ passphrase: 'kept where it was' });
  });
});
