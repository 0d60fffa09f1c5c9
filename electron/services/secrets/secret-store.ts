/**
 * Secrets this workstation keeps between runs (issue 9): the cloud enrolment (server address
 * and workstation credential) and the daily backup's passphrase. In Electron they are sealed
 * with the operating system's keychain (safeStorage); in browser mode with an AES-256-GCM file
 * under a per-installation key file. Callers see only this interface.
 */
export const SECRET_NAMES = ['cloud-enrolment', 'backup-passphrase', 'fhir-server-client-secret'] as const;
export type SecretName = (typeof SECRET_NAMES)[number];

export interface SecretStore {
  /** What protects the secrets, for the settings screen and logs (never the secret). */
  readonly kind: 'os-keychain' | 'encrypted-file';
  get(name: SecretName): Promise<string | undefined>;
  set(name: SecretName, value: string): Promise<void>;
  delete(name: SecretName): Promise<void>;
}

export type SecretStoreErrorCode =
  /** Nothing safe to seal with (no keychain): the secret is refused rather than kept in plain text. */
  | 'secret-store-unavailable'
  /** The sealed file was made under another installation's key file. */
  | 'secret-wrong-key'
  /** The sealed file was altered, truncated or is not a sealed secret. */
  | 'secret-tampered'
  /** The keychain could not open the sealed secret (another user, another machine, a reset keychain). */
  | 'secret-unreadable'
  /** The installation's key file exists but is not a key. */
  | 'secret-key-invalid';

export class SecretStoreError extends Error {
  override readonly name = 'SecretStoreError';
  constructor(
    readonly code: SecretStoreErrorCode,
    message: string,
  ) {
    super(message);
  }
}

const LABELS: Record<SecretName, string> = {
  'cloud-enrolment': 'the cloud credential',
  'backup-passphrase': 'the daily backup passphrase',
  'fhir-server-client-secret': 'the FHIR server client secret',
};

/** How a secret is named to people in error messages. */
export const secretLabel = (name: SecretName): string => LABELS[name];

export function checkSecretName(name: string): SecretName {
  if (!(SECRET_NAMES as readonly string[]).includes(name)) throw new TypeError(`unknown secret name: ${name.slice(0, 40)}`);
  return name as SecretName;
}
