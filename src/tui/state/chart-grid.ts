import type { SeriesPoint } from './series.ts';

/** What one chart cell shows: nothing, the true value, the measured value, or both at once. */
export type ChartCell = 'empty' | 'truth' | 'measured' | 'both' | 'limit';

export interface ChartGrid {
  /** `height` rows of `width` cells, top row first. */
  rows: ChartCell[][];
  /** Columns where the device reported no reading although there was a truth (dropout, signal loss). */
  missing: boolean[];
  /** The row of each alarm limit drawn across the chart. */
  limitRows: { value: number; row: number }[];
  min: number;
  max: number;
  from: number;
  to: number;
}

/**
 * Lays measured and true values over time onto a character grid: each column is a time bucket
 * (the mean of its points), each row a band of values. Returns undefined with no numbers to plot.
 */
export function chartGrid(
  points: readonly SeriesPoint[],
  width: number,
  height: number,
  limits: readonly number[] = [],
): ChartGrid | undefined {
  if (width < 2 || height < 2 || points.length === 0) return undefined;
  const readings = points.flatMap((p) => [p.measured, p.truth]).filter((v): v is number => v !== null && Number.isFinite(v));
  if (readings.length === 0) return undefined;
  // The value axis reaches the alarm limits, so their lines are drawn where they are.
  const values = [...readings, ...limits.filter((v) => Number.isFinite(v))];
  let min = Math.min(...values);
  let max = Math.max(...values);
  if (max - min < 1e-9) {
    min -= 1;
    max += 1;
  }
  const from = points[0]!.t;
  const to = points[points.length - 1]!.t;
  const span = Math.max(1, to - from);
  const sums = Array.from({ length: width }, () => ({ m: 0, mn: 0, tr: 0, tn: 0, nulls: 0 }));
  for (const p of points) {
    const col = to === from ? width - 1 : Math.min(width - 1, Math.floor(((p.t - from) / span) * width));
    const s = sums[col]!;
    if (p.measured !== null) {
      s.m += p.measured;
      s.mn++;
    } else s.nulls++;
    if (p.truth !== null) {
      s.tr += p.truth;
      s.tn++;
    }
  }
  const rows: ChartCell[][] = Array.from({ length: height }, () => Array<ChartCell>(width).fill('empty'));
  const rowOf = (v: number) => Math.round(((max - v) / (max - min)) * (height - 1));
  const missing: boolean[] = [];
  const limitRows = limits.filter((v) => Number.isFinite(v)).map((value) => ({ value, row: rowOf(value) }));
  for (const { row } of limitRows) rows[row]!.fill('limit');
  sums.forEach((s, col) => {
    missing.push(s.mn === 0 && s.nulls > 0);
    if (s.tn > 0) rows[rowOf(s.tr / s.tn)]![col] = 'truth';
    if (s.mn > 0) {
      const r = rowOf(s.m / s.mn);
      rows[r]![col] = rows[r]![col] === 'truth' ? 'both' : 'measured';
    }
  });
  return { rows, missing, limitRows, min, max, from, to };
}

const SPARKS = '▁▂▃▄▅▆▇█';

/** A one-line sparkline of the newest `width` values; null values are blank. */
export function sparkline(values: readonly (number | null)[], width: number): string {
  const recent = values.slice(-width);
  const nums = recent.filter((v): v is number => v !== null);
  if (nums.length === 0) return ' '.repeat(recent.length);
  const min = Math.min(...nums);
  const max = Math.max(...nums);
  return recent
    .map((v) => {
      if (v === null) return ' ';
      const i = max === min ? 3 : Math.round(((v - min) / (max - min)) * (SPARKS.length - 1));
      return SPARKS[i]!;
    })
    .join('');
}
