import type { JWK } from 'jose';
import { ShareBuildError } from '../../../../common/sharing/errors';
import { recipientPublicJwk } from '../../../../common/sharing/seal';

/** A recipient's public key from the .jwk file they sent: a JSON Web Key, or a JWK Set holding one encryption key. */
export async function readRecipientKeyFile(file: File): Promise<JWK> {
  if (file.size > 64 * 1024) throw new ShareBuildError('bad-recipient-key', 'That file is too large to be a key.');
  let value: unknown;
  try {
    value = JSON.parse(await file.text());
  } catch {
    throw new ShareBuildError('bad-recipient-key', 'That file is not a JSON Web Key (not JSON).');
  }
  const keys = (value as { keys?: unknown })?.keys;
  if (Array.isArray(keys)) {
    if (keys.length !== 1) throw new ShareBuildError('bad-recipient-key', 'That key set holds more than one key: ask for the one to encrypt to.');
    value = keys[0];
  }
  return recipientPublicJwk(value);
}
