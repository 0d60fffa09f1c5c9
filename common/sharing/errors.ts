/**
 * Why a share package could not be made or could not be trusted. One error class per side,
 * each with a kind a caller can switch on (the CLI exits 1 with the message; the UI shows it),
 * and messages that never carry patient data.
 */
export type ShareVerifyErrorKind =
  /** Not a compact JWE of our format: wrong shape, a character outside base64url, non-canonical base64url, extra bytes. */
  | 'malformed'
  /** A JWE, but not a CareLoop share package (type headers). */
  | 'not-a-share-package'
  /** The package's format version is not one this build reads. */
  | 'unsupported-version'
  /** Sealed by passphrase but a key was given, or the other way round. */
  | 'wrong-secret-kind'
  /** The recipient key file is not a usable private key. */
  | 'bad-key'
  /** The passphrase or key does not open it, or any encrypted byte was changed (AES-GCM/AES-KW cannot tell these apart). */
  | 'cannot-decrypt'
  /** The clinic's signature does not verify, or the signing key in the header is not the one its kid names. */
  | 'bad-signature'
  /** Signed by a key other than the one the caller said to expect. */
  | 'untrusted-key'
  /** The signed payload is not what the format says (fields, types, dates). */
  | 'bad-payload'
  /** The bundle does not match the content hash the clinic signed. */
  | 'integrity'
  /** Past its expiry. */
  | 'expired'
  /** Issued in the future (beyond clock skew): a wrong clock somewhere. */
  | 'not-yet-valid';

export class ShareVerifyError extends Error {
  override readonly name = 'ShareVerifyError';
  constructor(
    readonly kind: ShareVerifyErrorKind,
    message: string,
  ) {
    super(message);
  }
}

export type ShareBuildErrorKind = 'bad-request' | 'bad-recipient-key' | 'no-passphrase' | 'bad-signing-key';

export class ShareBuildError extends Error {
  override readonly name = 'ShareBuildError';
  constructor(
    readonly kind: ShareBuildErrorKind,
    message: string,
  ) {
    super(message);
  }
}
