/** Why a WFDB file could not be read; every parser failure is a WfdbFormatError with one of these codes. */
export type WfdbErrorCode =
  | 'bad-record-line'
  | 'bad-signal-line'
  | 'unsupported-format'
  | 'truncated'
  | 'bad-annotation'
  | 'too-large';

export class WfdbFormatError extends Error {
  override readonly name = 'WfdbFormatError';
  constructor(
    readonly code: WfdbErrorCode,
    message: string,
    /** Line number (header, 1-based) or byte offset (binary files) where reading failed, when known. */
    readonly at?: number,
  ) {
    super(message);
  }
}
