/**
 * Birth dates as clinics' spreadsheets write them. The order of day and month cannot be read
 * from "03/04/1961", so the format is chosen explicitly (guessed from the column, confirmed
 * by staff); every format becomes ISO 8601 YYYY-MM-DD, which PatientInput then checks.
 */
export const BIRTH_DATE_FORMATS = ['YYYY-MM-DD', 'DD/MM/YYYY', 'MM/DD/YYYY', 'DD.MM.YYYY', 'DD-MM-YYYY', 'MM-DD-YYYY', 'YYYY/MM/DD', 'YYYYMMDD'] as const;
export type BirthDateFormat = (typeof BIRTH_DATE_FORMATS)[number];

interface Layout {
  re: RegExp;
  /** Capture group of year, month and day. */
  y: number;
  m: number;
  d: number;
}

// Day and month may lose their leading zero (1/2/1961); a trailing time is ignored (exports from other systems add 00:00:00).
const TIME = '(?:[ T]\\d{1,2}:\\d{2}(?::\\d{2}(?:\\.\\d+)?)?(?:Z|[+-]\\d{2}:?\\d{2})?)?';
const layout = (pattern: string, y: number, m: number, d: number): Layout => ({ re: new RegExp(`^${pattern}${TIME}$`), y, m, d });
const LAYOUTS: Record<BirthDateFormat, Layout> = {
  'YYYY-MM-DD': layout('(\\d{4})-(\\d{1,2})-(\\d{1,2})', 1, 2, 3),
  'DD/MM/YYYY': layout('(\\d{1,2})/(\\d{1,2})/(\\d{4})', 3, 2, 1),
  'MM/DD/YYYY': layout('(\\d{1,2})/(\\d{1,2})/(\\d{4})', 3, 1, 2),
  'DD.MM.YYYY': layout('(\\d{1,2})\\.(\\d{1,2})\\.(\\d{4})', 3, 2, 1),
  'DD-MM-YYYY': layout('(\\d{1,2})-(\\d{1,2})-(\\d{4})', 3, 2, 1),
  'MM-DD-YYYY': layout('(\\d{1,2})-(\\d{1,2})-(\\d{4})', 3, 1, 2),
  'YYYY/MM/DD': layout('(\\d{4})/(\\d{1,2})/(\\d{1,2})', 1, 2, 3),
  YYYYMMDD: layout('(\\d{4})(\\d{2})(\\d{2})', 1, 2, 3),
};

/** The date as YYYY-MM-DD when the text has the format's shape (whether the day exists is PatientInput's check), else undefined. */
export function parseBirthDate(text: string, format: BirthDateFormat): string | undefined {
  const l = LAYOUTS[format];
  const m = l.re.exec(text.trim());
  if (!m) return undefined;
  return `${m[l.y]}-${m[l.m]!.padStart(2, '0')}-${m[l.d]!.padStart(2, '0')}`;
}

const isRealDate = (iso: string) => {
  const d = new Date(`${iso}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().startsWith(iso);
};

export interface BirthDateGuess {
  format: BirthDateFormat;
  /** Another format reads every sample as well (01/02/1961): staff must choose. */
  ambiguous: boolean;
}

/** The format that reads the most samples as real dates; ties go to the earlier format in BIRTH_DATE_FORMATS. */
export function guessBirthDateFormat(samples: readonly string[]): BirthDateGuess {
  const values = samples.map((s) => s.trim()).filter((s) => s !== '');
  const score = (f: BirthDateFormat) => values.filter((v) => {
    const iso = parseBirthDate(v, f);
    return iso !== undefined && isRealDate(iso);
  }).length;
  const scored = BIRTH_DATE_FORMATS.map((f) => ({ f, n: score(f) }));
  const best = scored.reduce((a, b) => (b.n > a.n ? b : a));
  const ambiguous = best.n > 0 && scored.filter((s) => s.n === best.n).length > 1;
  return { format: best.f, ambiguous };
}
