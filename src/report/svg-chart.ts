import { escapeXml as esc } from './escape.ts';

/**
 * Server-side SVG line charts over simulation time: no script, no external resource, so the HTML
 * report stays one self-contained file. Colours are presentation attributes; the page's CSS may
 * override them (dark mode) because CSS wins over attributes.
 */

export interface ChartLine {
  label: string;
  /** [t ms, value or null]; null breaks the line (a gap in telemetry). */
  points: readonly (readonly [number, number | null])[];
  color: string;
  /** stroke-dasharray, e.g. "4 3" for the truth signal. */
  dash?: string;
}

export interface ChartBand {
  from: number;
  /** null: lasted to the end of the chart. */
  to: number | null;
  label: string;
  /** Said after the label, e.g. how long the alarm took to follow the fault: "alarm after 2m14s". */
  note?: string;
}

/** A horizontal line at an alarm limit. */
export interface ChartLimit {
  value: number;
  label: string;
}

/** A point in time marked above the plot (an alarm), with its tooltip. */
export interface ChartMarker {
  t: number;
  color: string;
  title: string;
}

export interface LineChartOptions {
  /** x domain in simulation ms. */
  x: readonly [number, number];
  lines: readonly ChartLine[];
  bands?: readonly ChartBand[];
  limits?: readonly ChartLimit[];
  markers?: readonly ChartMarker[];
  unit?: string;
  width?: number;
  height?: number;
  /** Accessible name of the figure. */
  title: string;
}

const MARGIN = { left: 52, right: 22, top: 26, bottom: 26 };
const BAND_FILL = '#f97316';
const LIMIT_COLOR = '#dc2626';
/** Width of one character of the charts' 10 px text, estimated on the wide side so labels never collide. */
const CHAR_PX = 6.2;
const LABEL_ROW_PX = 12;

const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;
const TIME_STEPS = [1, 2, 5, 10, 15, 30]
  .map((n) => n * SECOND)
  .concat([1, 2, 5, 10, 15, 30].map((n) => n * MINUTE))
  .concat([1, 2, 3, 6, 12, 24, 48, 168].map((n) => n * HOUR));

/** Tick positions for a time axis: the smallest "round" step giving at most `target` intervals. */
export function timeTicks(from: number, to: number, target = 6): { step: number; ticks: number[] } {
  const span = Math.max(1, to - from);
  const step = TIME_STEPS.find((s) => span / s <= target) ?? Math.ceil(span / target / (24 * HOUR)) * 24 * HOUR;
  const ticks: number[] = [];
  for (let t = Math.ceil(from / step) * step; t <= to; t += step) ticks.push(t);
  return { step, ticks };
}

/** A sim-time tick label: "01:30" for whole minutes, "00:00:15" for seconds, "1d 02:00" past a day. */
export function formatTick(ms: number, step: number): string {
  const total = Math.floor(ms / SECOND);
  const days = Math.floor(total / 86_400);
  const pad = (n: number) => String(n).padStart(2, '0');
  const hm = `${pad(Math.floor((total % 86_400) / 3600))}:${pad(Math.floor((total % 3600) / 60))}`;
  const clock = step % MINUTE === 0 ? hm : `${hm}:${pad(total % 60)}`;
  return days > 0 ? `${days}d ${clock}` : clock;
}

/** Round value ticks (1, 2, 5 × 10^k) covering [min, max]. */
export function valueTicks(min: number, max: number, target = 5): { min: number; max: number; ticks: number[]; decimals: number } {
  if (!(max > min)) {
    const pad = Math.abs(min) > 0 ? Math.abs(min) * 0.1 : 1;
    return valueTicks(min - pad, max + pad, target);
  }
  const raw = (max - min) / target;
  const magnitude = 10 ** Math.floor(Math.log10(raw));
  // d3's tickIncrement: the 1-2-5 multiple nearest the raw step (on a log scale).
  const error = raw / magnitude;
  const step = (error >= Math.sqrt(50) ? 10 : error >= Math.sqrt(10) ? 5 : error >= Math.SQRT2 ? 2 : 1) * magnitude;
  const lo = Math.floor(min / step) * step;
  const hi = Math.ceil(max / step) * step;
  const ticks: number[] = [];
  for (let i = 0; lo + i * step <= hi + step / 2; i++) ticks.push(lo + i * step);
  return { min: lo, max: hi, ticks, decimals: Math.max(0, -Math.floor(Math.log10(step))) };
}

/** Splits a series at nulls into runs of consecutive points. */
export function segments(points: readonly (readonly [number, number | null])[]): [number, number][][] {
  const runs: [number, number][][] = [];
  let current: [number, number][] = [];
  for (const [t, v] of points) {
    if (v === null || !Number.isFinite(v)) {
      if (current.length > 0) runs.push(current);
      current = [];
    } else current.push([t, v]);
  }
  if (current.length > 0) runs.push(current);
  return runs;
}

const r1 = (n: number) => Math.round(n * 10) / 10;

/** An SVG line chart with time and value axes, shaded bands, alarm limits and markers, and a legend. */
export function lineChart(o: LineChartOptions): string {
  const width = o.width ?? 560;
  const height = o.height ?? 220;
  const plotW = width - MARGIN.left - MARGIN.right;
  const plotH = height - MARGIN.top - MARGIN.bottom;
  const [x0, x1raw] = o.x;
  const x1 = x1raw > x0 ? x1raw : x0 + 1;
  const limits = o.limits ?? [];
  const values = [
    ...o.lines.flatMap((l) => l.points.map((p) => p[1]).filter((v): v is number => v !== null && Number.isFinite(v))),
    // A limit line is drawn where it is: the value axis reaches it.
    ...limits.map((l) => l.value).filter((v) => Number.isFinite(v)),
  ];
  const y = valueTicks(values.length > 0 ? Math.min(...values) : 0, values.length > 0 ? Math.max(...values) : 1);
  const sx = (t: number) => r1(MARGIN.left + ((Math.min(Math.max(t, x0), x1) - x0) / (x1 - x0)) * plotW);
  const sy = (v: number) => r1(MARGIN.top + plotH - ((v - y.min) / (y.max - y.min)) * plotH);
  const right = MARGIN.left + plotW;
  const out: string[] = [];
  out.push(
    `<svg xmlns="http://www.w3.org/2000/svg" class="chart" viewBox="0 0 ${width} ${height}" role="img" aria-label="${esc(o.title)}">`,
  );
  out.push(`<title>${esc(o.title)}</title>`);

  // Limit labels sit at the right end of their line, pushed apart when two limits are close together.
  const limitLabels: { limit: ChartLimit; ly: number; ty: number; x1: number }[] = [];
  let lastY = Number.NEGATIVE_INFINITY;
  for (const limit of [...limits].sort((a, b) => b.value - a.value)) {
    const ly = sy(limit.value);
    const ty = r1(Math.max(ly - 3, lastY + LABEL_ROW_PX, MARGIN.top + 10));
    lastY = ty;
    limitLabels.push({ limit, ly, ty, x1: right - 3 - limit.label.length * CHAR_PX });
  }
  // Band labels stack upwards from the bottom of the plot, each in the lowest row where it meets no
  // other label (of a band or of a limit).
  const rows: [number, number][][] = [];
  const clearOfLimits = (x: number, w: number, y: number) =>
    limitLabels.every((l) => y < l.ty - LABEL_ROW_PX || y > l.ty + LABEL_ROW_PX || x + w + 4 <= l.x1 || x >= right);
  for (const band of [...(o.bands ?? [])].sort((a, b) => a.from - b.from)) {
    const a = sx(band.from);
    const b = sx(band.to ?? x1);
    const until = band.to === null ? 'end' : formatTick(band.to, SECOND);
    const text = band.note ? `${band.label} · ${band.note}` : band.label;
    const w = text.length * CHAR_PX;
    const x = r1(Math.max(MARGIN.left + 2, Math.min(a + 3, right - 2 - w)));
    const rowY = (row: number) => MARGIN.top + plotH - 4 - row * LABEL_ROW_PX;
    let row = 0;
    while (!(rows[row] ?? []).every(([from, to]) => x + w + 4 <= from || x >= to + 4) || !clearOfLimits(x, w, rowY(row))) row++;
    while (rows.length <= row) rows.push([]);
    rows[row]!.push([x, x + w]);
    out.push(
      `<g class="band"><rect x="${a}" y="${MARGIN.top}" width="${r1(Math.max(1, b - a))}" height="${plotH}" fill="${BAND_FILL}" fill-opacity="0.16"><title>${esc(`${band.label}: ${formatTick(band.from, SECOND)} – ${until}${band.note ? ` (${band.note})` : ''}`)}</title></rect>`,
    );
    out.push(`<text x="${x}" y="${rowY(row)}" class="band-label" fill="#c2410c" font-size="10">${esc(text)}</text></g>`);
  }

  out.push(`<g class="grid" stroke="#e5e7eb" stroke-width="1">`);
  for (const v of y.ticks) out.push(`<line x1="${MARGIN.left}" x2="${right}" y1="${sy(v)}" y2="${sy(v)}"/>`);
  out.push('</g>');
  out.push(`<g class="axis" fill="#4b5563" font-size="10">`);
  for (const v of y.ticks) out.push(`<text x="${MARGIN.left - 6}" y="${r1(sy(v) + 3)}" text-anchor="end">${v.toFixed(y.decimals)}</text>`);
  const { step, ticks } = timeTicks(x0, x1);
  for (const t of ticks) out.push(`<text x="${sx(t)}" y="${height - 8}" text-anchor="middle">${formatTick(t, step)}</text>`);
  if (o.unit) out.push(`<text x="6" y="${MARGIN.top - 10}" class="unit">${esc(o.unit)}</text>`);
  out.push('</g>');
  out.push(`<rect class="frame" x="${MARGIN.left}" y="${MARGIN.top}" width="${plotW}" height="${plotH}" fill="none" stroke="#9ca3af"/>`);

  if (limitLabels.length > 0) {
    out.push(`<g class="limits" stroke="${LIMIT_COLOR}" fill="${LIMIT_COLOR}" font-size="10">`);
    for (const { limit, ly, ty } of limitLabels) {
      out.push(
        `<line class="limit" x1="${MARGIN.left}" x2="${right}" y1="${ly}" y2="${ly}" stroke-width="1" stroke-dasharray="2 3"><title>${esc(`${limit.label}: ${limit.value}`)}</title></line>`,
        `<text class="limit-label" x="${right - 3}" y="${ty}" text-anchor="end" stroke="none">${esc(limit.label)}</text>`,
      );
    }
    out.push('</g>');
  }

  for (const line of o.lines) {
    const dash = line.dash ? ` stroke-dasharray="${line.dash}"` : '';
    out.push(`<g class="line" stroke="${line.color}" fill="${line.color}">`);
    for (const run of segments(line.points)) {
      if (run.length === 1) out.push(`<circle cx="${sx(run[0]![0])}" cy="${sy(run[0]![1])}" r="1.8" stroke="none"/>`);
      else out.push(`<polyline fill="none" stroke-width="1.6"${dash} points="${run.map(([t, v]) => `${sx(t)},${sy(v)}`).join(' ')}"/>`);
    }
    out.push('</g>');
  }

  const markers = o.markers ?? [];
  if (markers.length > 0) {
    out.push('<g class="markers">');
    for (const m of markers) {
      const mx = sx(m.t);
      out.push(
        `<path class="alarm-marker" d="M${r1(mx - 4)},${MARGIN.top + 1} L${r1(mx + 4)},${MARGIN.top + 1} L${mx},${MARGIN.top + 8} Z" fill="${m.color}"><title>${esc(m.title)}</title></path>`,
      );
    }
    out.push('</g>');
  }

  out.push(
    legend(
      [
        ...o.lines.map((l) => ({ label: l.label, color: l.color, dash: l.dash })),
        ...((o.bands ?? []).length > 0 ? [{ label: 'fault window', color: BAND_FILL, band: true }] : []),
        ...(limits.length > 0 ? [{ label: 'alarm limit', color: LIMIT_COLOR, dash: '2 3' }] : []),
        ...(markers.length > 0 ? [{ label: 'alarm', color: LIMIT_COLOR, marker: true }] : []),
      ],
      width,
      o.unit ? 6 + o.unit.length * CHAR_PX + 10 : MARGIN.left,
    ),
  );
  out.push('</svg>');
  return out.join('');
}

function legend(
  items: { label: string; color: string; dash?: string; band?: boolean; marker?: boolean }[],
  width: number,
  minX: number,
): string {
  // Right-aligned along the top margin, never over the unit label at its left.
  const sizes = items.map((i) => 22 + i.label.length * CHAR_PX + 10);
  let x = Math.max(minX, width - MARGIN.right - sizes.reduce((a, b) => a + b, 0));
  const out = [`<g class="legend" font-size="10" fill="#374151">`];
  items.forEach((item, i) => {
    const swatch = item.band
      ? `<rect x="${r1(x)}" y="8" width="16" height="10" fill="${item.color}" fill-opacity="0.25"/>`
      : item.marker
        ? `<path d="M${r1(x + 4)},8 L${r1(x + 12)},8 L${r1(x + 8)},15 Z" fill="${item.color}"/>`
        : `<line x1="${r1(x)}" x2="${r1(x + 16)}" y1="13" y2="13" stroke="${item.color}" stroke-width="2"${item.dash ? ` stroke-dasharray="${item.dash}"` : ''}/>`;
    out.push(`${swatch}<text x="${r1(x + 20)}" y="17">${esc(item.label)}</text>`);
    x += sizes[i]!;
  });
  out.push('</g>');
  return out.join('');
}
