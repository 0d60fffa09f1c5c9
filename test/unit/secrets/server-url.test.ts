import { describe, expect, it } from 'vitest';
import { CloudService, type Fetch } from '../../../electron/services/cloud/cloud-service';
import { checkServerUrl, CloudUrlError } from '../../../electron/services/cloud/server-url';
import { SecretCredentialStore } from '../../../electron/services/cloud/secret-credential-store';
import type { SecretName, SecretStore } from '../../../electron/services/secrets/secret-store';

class MemorySecrets implements SecretStore {
  readonly kind = 'encrypted-file' as const;
  readonly values = new Map<SecretName, string>();
  async get(name: SecretName) {
    return this.values.get(name);
  }
  async set(name: SecretName, value: string) {
    this.values.set(name, value);
  }
  async delete(name: SecretName) {
    this.values.delete(name);
  }
}

describe('the sync channel needs TLS off this machine (checkServerUrl)', () => {
  it('refuses plain http to any host but loopback', () => {
    for (const url of ['http://cloud.example.org', 'http://192.168.1.20:8787', 'http://10.0.0.5', 'http://[fe80::1]:8787', 'http://127.0.0.1.example.org', 'http://localhost.evil.example']) {
      expect(() => checkServerUrl(url), url).toThrow(CloudUrlError);
    }
    expect(() => checkServerUrl('http://cloud.example.org')).toThrow(/Use https/);
  });

  it('allows https anywhere and http on loopback only', () => {
    expect(checkServerUrl('https://cloud.example.org/careloop/')).toBe('https://cloud.example.org/careloop');
    expect(checkServerUrl('http://127.0.0.1:8787')).toBe('http://127.0.0.1:8787');
    expect(checkServerUrl('http://localhost:8787')).toBe('http://localhost:8787');
    expect(checkServerUrl('http://[::1]:8787')).toBe('http://[::1]:8787');
  });

  it('refuses other schemes and addresses carrying credentials', () => {
    for (const url of ['ftp://cloud.example.org', 'ws://cloud.example.org', 'https://user:pw@cloud.example.org', 'https://cloud.example.org/?token=1', 'not a url']) {
      expect(() => checkServerUrl(url), url).toThrow(CloudUrlError);
    }
  });

  it('the cloud client sends nothing to an http:// server on the network', async () => {
    const sent: string[] = [];
    const fetch: Fetch = async (url) => {
      sent.push(url);
      return { status: 201, text: async () => '{}' };
    };
    const cloud = new CloudService({ store: new SecretCredentialStore(new MemorySecrets()), fetch });
    await expect(cloud.enrol('http://cloud.example.org', 'CODE', 'Desk')).rejects.toMatchObject({ code: 'cloud-insecure-url' });
    expect(sent).toEqual([]);
  });
});
