import { formatDuration, formatSimTime } from '../../core/duration.ts';

/** At most this many event ids go into a verdict's evidence (a day of injections would bloat the report). */
export const MAX_EVIDENCE = 200;

/** A number for a sentence: fixed decimals, no "-0". */
export function fixed(value: number, digits = 2): string {
  const text = value.toFixed(digits);
  return /^-0\.?0*$/.test(text) ? text.slice(1) : text;
}

/** A measured value for the report: rounded to 4 significant decimals so floats read cleanly. */
export function measuredValue(value: number): number {
  return Math.round(value * 10_000) / 10_000;
}

/** Up to `max` items joined, then "and N more". */
export function listSome(items: readonly string[], max = 5): string {
  if (items.length <= max) return items.join(', ');
  return `${items.slice(0, max).join(', ')} and ${items.length - max} more`;
}

/** De-duplicated event ids, the first MAX_EVIDENCE given (most telling first), sorted. */
export function evidenceIds(ids: Iterable<number>): number[] {
  return [...new Set(ids)].slice(0, MAX_EVIDENCE).sort((a, b) => a - b);
}

/** Value at quantile q (0–1) of a sorted array, nearest rank. */
export function quantile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))]!;
}

export { formatDuration, formatSimTime };

/**
 * A value against optional `min`/`max` bounds: whether it holds, whether it fell below `min` (the
 * verdict then names the lowest values first), and the comparison for the verdict's sentence.
 */
export function withinBounds(
  value: number,
  min: number | undefined,
  max: number | undefined,
): { passed: boolean; low: boolean; comparison: string } {
  if (min !== undefined && value < min) return { passed: false, low: true, comparison: `< ${min}` };
  if (max !== undefined && value > max) return { passed: false, low: false, comparison: `> ${max}` };
  const met = [min !== undefined ? `≥ ${min}` : '', max !== undefined ? `≤ ${max}` : ''];
  return { passed: true, low: false, comparison: met.filter(Boolean).join(' and ') };
}
