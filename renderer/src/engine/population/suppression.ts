/**
 * Small-cell suppression for population figures (issue 11): no published cell may describe
 * fewer than 11 patients — the threshold of the CMS cell size suppression policy (counts of
 * 1 to 10 are not shown). Here every cell under 11, zero included, is shown as "<11", because
 * a zero next to a total also says something about the patients who are there.
 *
 * Complementary suppression: a suppressed cell must not be recoverable by subtraction. When
 * cells partition a shown total (the age bands of the clinic, the tiers, at target vs not at
 * target), a single suppressed cell is the total minus the others, so whenever exactly one
 * cell of a partition is suppressed, the smallest other cell is suppressed too; two hidden
 * cells leave only their sum known. Groups that overlap (a patient in two programs or with
 * two conditions) are treated the same way — more than strictly needed, never less.
 * Statistics of a suppressed cell (median, quartiles, histogram, rates) are withheld with it.
 */

export const MIN_CELL = 11;

export type Cell = { suppressed: false; value: number } | { suppressed: true };

export const shown = (value: number): Cell => ({ suppressed: false, value });
export const hidden: Cell = { suppressed: true };

/** A count as a cell: suppressed under MIN_CELL. */
export function countCell(n: number): Cell {
  return n < MIN_CELL ? hidden : shown(n);
}

/**
 * Which of these cells (patient counts of a partition of a shown total) must be hidden:
 * those under MIN_CELL and, when that is exactly one, the smallest of the others too.
 */
export function suppressedIndices(counts: readonly number[]): Set<number> {
  const out = new Set<number>();
  counts.forEach((n, i) => {
    if (n < MIN_CELL) out.add(i);
  });
  if (out.size === 1 && counts.length > 1) {
    let pick = -1;
    counts.forEach((n, i) => {
      if (!out.has(i) && (pick < 0 || n < counts[pick]!)) pick = i;
    });
    if (pick >= 0) out.add(pick);
  }
  return out;
}

/** A displayed cell: "<11" when suppressed. */
export function cellText(c: Cell, format: (v: number) => string = (v) => String(v)): string {
  return c.suppressed ? `<${MIN_CELL}` : format(c.value);
}
