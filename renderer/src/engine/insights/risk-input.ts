/**
 * Reading untrusted risk-score input (JSON from the CLI, a form or the record) into typed values.
 * Missing inputs are named and never guessed: a calculator that silently filled in a default
 * cholesterol would print a confident, wrong risk.
 */

export type RiskInputErrorCode = 'not-an-object' | 'missing' | 'not-a-number' | 'out-of-range' | 'not-a-boolean' | 'not-an-option';

export class RiskInputError extends Error {
  override readonly name = 'RiskInputError';
  constructor(
    readonly code: RiskInputErrorCode,
    /** The offending fields (all of them when several inputs are missing). */
    readonly fields: readonly string[],
    message: string,
  ) {
    super(message);
  }
}

export type InputObject = Readonly<Record<string, unknown>>;

/** Checks `raw` is an object and that every required field is present (null counts as missing). */
export function readInputObject(raw: unknown, what: string, required: readonly string[]): InputObject {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    throw new RiskInputError('not-an-object', [], `${what} input must be an object`);
  }
  const obj = raw as InputObject;
  const missing = required.filter((field) => obj[field] === undefined || obj[field] === null);
  if (missing.length > 0) {
    throw new RiskInputError('missing', missing, `missing ${missing.length === 1 ? 'input' : 'inputs'}: ${missing.join(', ')}`);
  }
  return obj;
}

export interface NumberRange {
  min: number;
  max: number;
  unit: string;
}

export function readNumberInRange(obj: InputObject, field: string, range: NumberRange): number {
  const value = obj[field];
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    throw new RiskInputError('not-a-number', [field], `${field} must be a number (${range.unit})`);
  }
  if (value < range.min || value > range.max) {
    throw new RiskInputError('out-of-range', [field], `${field} ${value} is outside ${range.min}–${range.max} ${range.unit}`);
  }
  return value;
}

export function readBoolean(obj: InputObject, field: string): boolean {
  const value = obj[field];
  if (typeof value !== 'boolean') throw new RiskInputError('not-a-boolean', [field], `${field} must be true or false`);
  return value;
}

export function readOption<T extends string>(obj: InputObject, field: string, options: readonly T[]): T {
  const value = obj[field];
  if (typeof value !== 'string' || !(options as readonly string[]).includes(value)) {
    throw new RiskInputError('not-an-option', [field], `${field} must be one of ${options.join(', ')}`);
  }
  return value as T;
}

/** Rounds to one decimal the way a person reading a printed percent expects (half away from zero). */
export function roundToTenth(value: number): number {
  return (Math.sign(value) * Math.round(Math.abs(value) * 10)) / 10;
}
