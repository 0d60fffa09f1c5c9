/**
 * A hint, not a gate beyond the minimum: Argon2id makes each guess costly, so length matters
 * most. Estimates bits from length and the kinds of characters used, and knocks off what
 * guessers try first (one repeated character, runs like "1234" or "abcd", a common word).
 */
export const MIN_PASSPHRASE_LENGTH = 10;

export interface PassphraseStrength {
  level: 'too-short' | 'weak' | 'fair' | 'strong';
  hint: string;
}

const COMMON = /(password|passwort|careloop|clinic|qwerty|letmein|welcome|admin|iloveyou|123456)/i;

function alphabetSize(p: string): number {
  let size = 0;
  if (/[a-z]/.test(p)) size += 26;
  if (/[A-Z]/.test(p)) size += 26;
  if (/\d/.test(p)) size += 10;
  if (/[^A-Za-z0-9]/.test(p)) size += 33;
  return size;
}

function hasRun(p: string): boolean {
  let run = 1;
  for (let i = 1; i < p.length; i++) {
    run = p.charCodeAt(i) - p.charCodeAt(i - 1) === 1 ? run + 1 : 1;
    if (run >= 4) return true;
  }
  return false;
}

export function passphraseStrength(p: string): PassphraseStrength {
  if (p.length < MIN_PASSPHRASE_LENGTH) return { level: 'too-short', hint: `Use at least ${MIN_PASSPHRASE_LENGTH} characters; a few unrelated words work well.` };
  let bits = p.length * Math.log2(Math.max(alphabetSize(p), 2));
  if (/^(.)\1*$/.test(p)) bits = 4;
  if (COMMON.test(p)) bits -= 30;
  if (hasRun(p)) bits -= 15;
  if (bits < 50) return { level: 'weak', hint: 'Easy to guess. Add more words or characters; avoid names, dates and common words.' };
  if (bits < 80) return { level: 'fair', hint: 'Fair. A longer passphrase (four or five unrelated words) is much stronger.' };
  return { level: 'strong', hint: 'Strong. Keep it somewhere safe: without it the backup cannot be opened.' };
}
