/**
 * Annotation codes of WFDB's ecgcodes.h (WFDB Applications Guide, ecgcodes(3)):
 * code → mnemonic as printed by rdann, and which codes denote a beat (isqrs).
 */
export const ANNOTATION_MNEMONICS: Readonly<Record<number, string>> = {
  0: '',
  1: 'N', // NORMAL
  2: 'L', // LBBB
  3: 'R', // RBBB
  4: 'a', // ABERR
  5: 'V', // PVC
  6: 'F', // FUSION
  7: 'J', // NPC
  8: 'A', // APC
  9: 'S', // SVPB
  10: 'E', // VESC
  11: 'j', // NESC
  12: '/', // PACE
  13: 'Q', // UNKNOWN
  14: '~', // NOISE
  16: '|', // ARFCT
  18: 's', // STCH
  19: 'T', // TCH
  20: '*', // SYSTOLE
  21: 'D', // DIASTOLE
  22: '"', // NOTE
  23: '=', // MEASURE
  24: 'p', // PWAVE
  25: 'B', // BBB
  26: '^', // PACESP
  27: 't', // TWAVE
  28: '+', // RHYTHM
  29: 'u', // UWAVE
  30: '?', // LEARN
  31: '!', // FLWAV
  32: '[', // VFON
  33: ']', // VFOFF
  34: 'e', // AESC
  35: 'n', // SVESC
  36: '@', // LINK
  37: 'x', // NAPC
  38: 'f', // PFUS
  39: '(', // WFON
  40: ')', // WFOFF
  41: 'r', // RONT
};

/** Highest code an annotation may carry; 42–49 are reserved, 59–63 are the pseudo-codes below. */
export const ACMAX = 49;
export const SKIP = 59;
export const NUM = 60;
export const SUB = 61;
export const CHN = 62;
export const AUX = 63;

/**
 * Beat codes, as ANSI/AAMI EC57 and WFDB's isqrs() count them:
 * N L R B A a J S V r F e j n E / f Q ?.
 */
export const BEAT_CODES: ReadonlySet<number> = new Set([1, 2, 3, 25, 8, 4, 7, 9, 5, 41, 6, 34, 11, 35, 10, 12, 38, 13, 30]);

export function isBeatCode(code: number): boolean {
  return BEAT_CODES.has(code);
}

export function mnemonic(code: number): string {
  return ANNOTATION_MNEMONICS[code] ?? `[${code}]`;
}
