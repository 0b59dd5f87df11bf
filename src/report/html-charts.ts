import { formatDuration, formatSimTime } from '../core/duration.ts';
import type { AlarmRecord, RunResult, SeriesSet } from '../scenario/result.ts';
import { PRIORITY_COLORS } from './alarm-timeline.ts';
import { escapeHtml as esc } from './escape.ts';
import { slug } from './html-table.ts';
import { lineChart, type ChartBand, type ChartLimit, type ChartMarker } from './svg-chart.ts';

/** Past this, a fleet of thousands would make a report no browser wants to open. */
export const MAX_CHARTS = 48;
const MEASURED_COLOR = '#2563eb';
const TRUTH_COLOR = '#4b5563';
const OTHER_COLOR = '#6b7280';

/** The DOM id of a device's charts, for links from failures and evidence. */
export function chartAnchor(anchor: string, device: string): string {
  return `${anchor}-device-${slug(device)}`;
}

/**
 * The run's signal plots, one group per device: devices where something happened (an alarm, a fault,
 * lost telemetry, a failing check's evidence) first and open; the quiet rest folded away, so a long
 * ward run does not bury the few charts that matter under a hundred flat ones.
 */
export function signalsSection(r: RunResult, anchor: string, active: ReadonlySet<string>): string {
  if (r.series.length === 0) return '<p class="note">No signals were recorded.</p>';
  const shown = r.series.slice(0, MAX_CHARTS);
  const byDevice = new Map<string, SeriesSet[]>();
  for (const s of shown) byDevice.set(s.device, [...(byDevice.get(s.device) ?? []), s]);
  const end = Math.max(r.simulatedMs, ...shown.map((s) => s.points.at(-1)?.[0] ?? 0));
  const devices = [...byDevice.keys()];
  const busy = devices.filter((d) => active.has(d));
  const quiet = devices.filter((d) => !active.has(d));
  const out = busy.map((d) => deviceCharts(r, anchor, d, byDevice.get(d)!, end));
  if (busy.length === 0) out.push('<p class="note">No device had an alarm, a fault or lost telemetry.</p>');
  if (quiet.length > 0) {
    out.push(
      `<details class="quiet"><summary>${quiet.length} quiet device${quiet.length === 1 ? '' : 's'} (no alarm, fault or lost telemetry)</summary>`,
      ...quiet.map((d) => deviceCharts(r, anchor, d, byDevice.get(d)!, end)),
      '</details>',
    );
  }
  if (r.series.length > shown.length)
    out.push(`<p class="note">${r.series.length - shown.length} more signals not plotted (the first ${MAX_CHARTS} are shown).</p>`);
  return out.join('');
}

function deviceCharts(r: RunResult, anchor: string, device: string, sets: readonly SeriesSet[], end: number): string {
  const info = r.devices.find((d) => d.id === device);
  const about = info ? `${info.kind} · ${info.zone} · bed ${info.bed}` : '';
  const alarms = r.alarms.first.filter((a) => a.device === device);
  const out = [
    `<h4 class="device" id="${esc(chartAnchor(anchor, device))}">${esc(device)} <span>${esc(about)}</span></h4><div class="charts">`,
  ];
  for (const s of sets) {
    const chart = lineChart({
      title: `${s.device} ${s.signal} (${s.unit})`,
      x: [0, end],
      unit: s.unit,
      lines: [
        { label: 'measured', color: MEASURED_COLOR, points: s.points.map(([t, m]) => [t, m] as const) },
        { label: 'truth', color: TRUTH_COLOR, dash: '5 3', points: s.points.map(([t, , truth]) => [t, truth] as const) },
      ],
      bands: s.faults.map((f) => faultBand(f, alarms, end)),
      limits: limitsOf(alarms, s.signal),
      markers: alarms.map(alarmMarker),
    });
    out.push(
      `<figure id="${esc(`${chartAnchor(anchor, device)}-${slug(s.signal)}`)}"><figcaption>${esc(s.signal)} <span class="note">(${esc(s.unit)})</span></figcaption>${chart}</figure>`,
    );
  }
  out.push('</div>');
  return out.join('');
}

/** A fault window labelled with how long the device's first alarm took to follow it (detection latency). */
export function faultBand(f: SeriesSet['faults'][number], alarms: readonly AlarmRecord[], end: number): ChartBand {
  const until = f.to ?? end;
  const first = alarms.find((a) => a.t >= f.from && a.t <= until && !a.suppressed);
  return { from: f.from, to: f.to, label: f.fault, note: first ? `alarm after ${formatDuration(first.t - f.from) || '0s'}` : 'no alarm' };
}

/** The limits this device's alarms on this signal crossed (a limit alarm names its parameter, or its code does: `glucose.low`). */
export function limitsOf(alarms: readonly AlarmRecord[], signal: string): ChartLimit[] {
  const byValue = new Map<number, Set<string>>();
  for (const a of alarms) {
    if (a.limit === undefined || (a.parameter ?? a.code.split('.')[0]) !== signal) continue;
    byValue.set(a.limit, (byValue.get(a.limit) ?? new Set()).add(a.code));
  }
  return [...byValue].map(([value, codes]) => ({ value, label: `${[...codes].join(', ')} ${value}` }));
}

function alarmMarker(a: AlarmRecord): ChartMarker {
  return {
    t: a.t,
    color: a.suppressed ? OTHER_COLOR : (PRIORITY_COLORS[a.priority] ?? OTHER_COLOR),
    title: `${formatSimTime(a.t)} ${a.priority} ${a.code}: ${a.message}${a.suppressed ? ' (suppressed)' : ''}`,
  };
}
