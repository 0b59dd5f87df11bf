import { escapeXml as esc } from './escape.ts';
import { formatValue } from './format.ts';
import { valueTicks } from './svg-chart.ts';

const W = 560;
const H = 92;
const M = { left: 16, right: 16, top: 22, bottom: 22 };
const DOT = '#2563eb';
const FAIL_DOT = '#dc2626';
const BOUND = '#dc2626';

export interface DistributionPlotOptions {
  title: string;
  /** One value per seed (null where nothing was measured). */
  values: readonly (number | null)[];
  /** Which seeds passed, in the same order. */
  passed?: readonly boolean[];
  bound?: { op: '<=' | '>='; value: number };
  p50?: number;
  p95?: number;
}

/**
 * A study's measured value over its seeds as a strip plot: a dot per seed (red where the seed failed),
 * lines at p50 and p95, and the expectation's bound, so how close the tail runs to it can be seen.
 */
export function distributionPlot(o: DistributionPlotOptions): string {
  const values = o.values.map((v, i) => ({ v, i })).filter((x): x is { v: number; i: number } => x.v !== null && Number.isFinite(x.v));
  const all = [...values.map((x) => x.v), ...(o.bound ? [o.bound.value] : [])];
  if (all.length === 0) return '';
  const axis = valueTicks(Math.min(...all), Math.max(...all), 6);
  const plotW = W - M.left - M.right;
  const sx = (v: number) => Math.round((M.left + ((v - axis.min) / (axis.max - axis.min)) * plotW) * 10) / 10;
  const mid = M.top + (H - M.top - M.bottom) / 2;
  const out = [
    `<svg xmlns="http://www.w3.org/2000/svg" class="distribution" viewBox="0 0 ${W} ${H}" role="img" aria-label="${esc(o.title)}">`,
    `<title>${esc(o.title)}</title>`,
    `<line x1="${M.left}" x2="${W - M.right}" y1="${H - M.bottom}" y2="${H - M.bottom}" stroke="#9ca3af"/>`,
    '<g class="axis" fill="#4b5563" font-size="10">',
    ...axis.ticks.map((t) => `<text x="${sx(t)}" y="${H - 8}" text-anchor="middle">${t.toFixed(axis.decimals)}</text>`),
    '</g>',
  ];
  const marks: { v: number; label: string; color: string }[] = [];
  if (o.p50 !== undefined) marks.push({ v: o.p50, label: `p50 ${formatValue(o.p50)}`, color: '#374151' });
  if (o.p95 !== undefined) marks.push({ v: o.p95, label: `p95 ${formatValue(o.p95)}`, color: '#374151' });
  if (o.bound) marks.push({ v: o.bound.value, label: `bound ${o.bound.op} ${formatValue(o.bound.value)}`, color: BOUND });
  // Mark labels along the top, each pushed right of the one before so none overlap.
  let nextFree = Number.NEGATIVE_INFINITY;
  for (const m of [...marks].sort((a, b) => a.v - b.v)) {
    const x = sx(m.v);
    const w = m.label.length * 6.2;
    const tx = Math.min(W - M.right - w, Math.max(x - w / 2, nextFree + 6, M.left));
    nextFree = tx + w;
    out.push(
      `<line x1="${x}" x2="${x}" y1="${M.top - 2}" y2="${H - M.bottom}" stroke="${m.color}"${m.color === BOUND ? ' stroke-dasharray="3 2"' : ''}/>`,
      `<text x="${Math.round(tx * 10) / 10}" y="${M.top - 6}" font-size="10" fill="${m.color}" class="mark-label">${esc(m.label)}</text>`,
    );
  }
  // Seeds spread over a few rows (by index, deterministic) so equal values stay countable.
  for (const { v, i } of values) {
    const y = mid + ((i % 5) - 2) * 6;
    const failed = o.passed !== undefined && o.passed[i] === false;
    out.push(
      `<circle cx="${sx(v)}" cy="${y}" r="3" fill="${failed ? FAIL_DOT : DOT}" fill-opacity="0.7"><title>seed #${i + 1}: ${esc(formatValue(v))}</title></circle>`,
    );
  }
  out.push('</svg>');
  return out.join('');
}
