import { cellText, type Cell } from '../../engine/population/suppression';

/** A count cell as people read it: the number, or "<11". */
export function countText(c: Cell): string {
  return cellText(c, (v) => v.toLocaleString());
}

/** A share as a whole percentage, or "—" when it is withheld or there is nothing to divide. */
export function shareText(share: number | null): string {
  return share === null ? '—' : `${Math.round(share * 100)} %`;
}

export function valueText(v: number | null, unit: string): string {
  return v === null ? '—' : `${v} ${unit}`;
}

/** 'YYYY-MM' as a short month name. */
export function monthText(key: string): string {
  const [y, m] = key.split('-').map(Number) as [number, number];
  return new Date(Date.UTC(y, m - 1, 1)).toLocaleDateString(undefined, { month: 'short', year: '2-digit', timeZone: 'UTC' });
}

/** Epoch ms of the middle of a 'YYYY-MM' month (for a trend chart's x axis). */
export function monthMidMs(key: string): number {
  const [y, m] = key.split('-').map(Number) as [number, number];
  return Date.UTC(y, m - 1, 15);
}
