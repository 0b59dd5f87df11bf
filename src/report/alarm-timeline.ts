import type { AlarmRecord, InjectionRecord } from '../scenario/result.ts';
import { escapeXml as esc } from './escape.ts';
import { sortPriorities } from './format.ts';
import { formatTick, timeTicks } from './svg-chart.ts';

/** IEC 60601-1-8 alarm colours: high red, medium yellow, low cyan. */
export const PRIORITY_COLORS: Record<string, string> = { high: '#dc2626', medium: '#eab308', low: '#06b6d4' };
const OTHER_COLOR = '#6b7280';
const FAULT_FILL = '#f97316';
const LABEL_W = 150;
const LANE_H = 24;
const TOP = 8;
const AXIS_H = 22;
const LEGEND_H = 24;
const MAX_LANES = 40;

export interface AlarmTimelineOptions {
  alarms: readonly AlarmRecord[];
  injections: readonly InjectionRecord[];
  /** End of the time axis (the run's simulated ms). */
  durationMs: number;
  width?: number;
}

/**
 * Swimlanes, one per device that alarmed or was injected, over simulation time: a marker per alarm
 * coloured by priority (hollow when suppressed) and the device's fault windows shaded behind it, so
 * the delay between a fault and its alarm can be read off the picture.
 */
export function alarmTimeline(o: AlarmTimelineOptions): string {
  const width = o.width ?? 1100;
  const devices = [...new Set([...o.alarms.map((a) => a.device), ...o.injections.map((i) => i.device)])].sort();
  const lanes = devices.slice(0, MAX_LANES);
  const plotW = width - LABEL_W - 16;
  const end = Math.max(1, o.durationMs, ...o.alarms.map((a) => a.t));
  const sx = (t: number) => Math.round((LABEL_W + (Math.min(Math.max(t, 0), end) / end) * plotW) * 10) / 10;
  const laneY = (i: number) => TOP + i * LANE_H;
  const axisY = laneY(lanes.length);
  const height = axisY + AXIS_H + LEGEND_H;
  const out = [
    `<svg xmlns="http://www.w3.org/2000/svg" class="timeline" viewBox="0 0 ${width} ${height}" role="img" aria-label="Alarm timeline">`,
    '<title>Alarm timeline</title>',
  ];

  lanes.forEach((device, i) => {
    const y = laneY(i);
    out.push(
      `<g class="lane"><rect x="${LABEL_W}" y="${y}" width="${plotW}" height="${LANE_H}" fill="${i % 2 === 0 ? '#f9fafb' : '#f3f4f6'}"/>`,
    );
    const label = device.length > 22 ? `${device.slice(0, 21)}…` : device;
    out.push(
      `<text x="${LABEL_W - 8}" y="${y + 16}" text-anchor="end" font-size="11" fill="#111827">${esc(label)}<title>${esc(device)}</title></text></g>`,
    );
    for (const inj of o.injections.filter((j) => j.device === device)) {
      const a = sx(inj.at);
      const b = sx(inj.until ?? end);
      const until = inj.until === null ? 'end' : formatTick(inj.until, 1000);
      out.push(
        `<rect class="fault" x="${a}" y="${y + 2}" width="${Math.max(2, Math.round((b - a) * 10) / 10)}" height="${LANE_H - 4}" fill="${FAULT_FILL}" fill-opacity="0.22"><title>${esc(`${inj.fault} (${inj.id}) ${formatTick(inj.at, 1000)} – ${until}`)}</title></rect>`,
      );
    }
  });

  for (const alarm of o.alarms) {
    const lane = lanes.indexOf(alarm.device);
    if (lane < 0) continue;
    const color = PRIORITY_COLORS[alarm.priority] ?? OTHER_COLOR;
    const fill = alarm.suppressed ? 'none' : color;
    const tip = `${formatTick(alarm.t, 1000)} ${alarm.device} ${alarm.priority} ${alarm.code}: ${alarm.message}${alarm.suppressed ? ' (suppressed)' : ''}`;
    out.push(
      `<circle class="alarm alarm-${esc(alarm.priority)}" cx="${sx(alarm.t)}" cy="${laneY(lane) + LANE_H / 2}" r="5" fill="${fill}" stroke="${color}" stroke-width="2"><title>${esc(tip)}</title></circle>`,
    );
  }

  const { step, ticks } = timeTicks(0, end, 10);
  out.push(
    `<g class="axis" font-size="10" fill="#4b5563"><line x1="${LABEL_W}" x2="${LABEL_W + plotW}" y1="${axisY}" y2="${axisY}" stroke="#9ca3af"/>`,
  );
  for (const t of ticks)
    out.push(
      `<line x1="${sx(t)}" x2="${sx(t)}" y1="${axisY}" y2="${axisY + 4}" stroke="#9ca3af"/><text x="${sx(t)}" y="${axisY + 15}" text-anchor="middle">${formatTick(t, step)}</text>`,
    );
  out.push('</g>');

  const priorities = sortPriorities(new Set([...Object.keys(PRIORITY_COLORS), ...o.alarms.map((a) => a.priority)]));
  const items = [
    ...priorities.map(
      (p) => `<circle cx="0" cy="0" r="5" fill="${PRIORITY_COLORS[p] ?? OTHER_COLOR}"/><text x="10" y="4">${esc(p)}</text>`,
    ),
    `<circle cx="0" cy="0" r="5" fill="none" stroke="${OTHER_COLOR}" stroke-width="2"/><text x="10" y="4">suppressed</text>`,
    `<rect x="-6" y="-6" width="14" height="12" fill="${FAULT_FILL}" fill-opacity="0.3"/><text x="12" y="4">fault window</text>`,
  ];
  out.push(`<g class="legend" font-size="11" fill="#374151">`);
  items.forEach((item, i) => out.push(`<g transform="translate(${LABEL_W + 6 + i * 95} ${axisY + AXIS_H + 12})">${item}</g>`));
  out.push('</g>');
  if (devices.length > lanes.length)
    out.push(
      `<text x="${width - 16}" y="${height - 6}" text-anchor="end" font-size="10" fill="#6b7280">${devices.length - lanes.length} more devices not shown</text>`,
    );
  out.push('</svg>');
  return out.join('');
}
