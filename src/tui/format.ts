import type { RunStatus } from '../runtime/run.ts';
import { chartUnit, CHART_SIGNALS } from './state/series.ts';

/** `×1`, `×100`, `max`. */
export function speedLabel(speed: number | 'max'): string {
  return speed === 'max' ? 'max' : `×${speed}`;
}

/** The speed a realtime run reaches, as the header shows it beside the asked one: "×38", "×0.6". */
export function achievedLabel(speed: number): string {
  return `×${speed >= 10 ? Math.round(speed) : speed.toFixed(1)}`;
}

/** What the run is doing, as the header shows it. */
export function phaseLabel(status: RunStatus, paused: boolean, started: boolean): string {
  switch (status.phase) {
    case 'created':
    case 'starting':
      return 'connecting';
    case 'finished':
      return 'finished';
    case 'stopping':
      return 'stopping';
    default:
      if (!started) return 'ready';
      return paused || status.phase === 'paused' ? 'paused' : 'running';
  }
}

/** A reading for display: integers as they are, others to at most 2 decimals, null as `—`. */
export function formatValue(value: unknown): string {
  if (value === null || value === undefined) return '—';
  if (typeof value === 'number') return Number.isInteger(value) ? String(value) : String(Math.round(value * 100) / 100);
  if (typeof value === 'string') return value;
  if (Array.isArray(value)) return value.length === 0 ? '—' : value.join(',');
  return JSON.stringify(value);
}

/** One line of a device's headline readings from its last telemetry: `glucose 142 mg/dL · trend flat`. */
export function telemetrySummary(body: Record<string, unknown> | undefined): string {
  if (!body) return 'no telemetry yet';
  const parts: string[] = [];
  for (const signal of CHART_SIGNALS) {
    if (!(signal in body)) continue;
    parts.push(`${signal} ${formatValue(body[signal])}${body[signal] === null ? '' : ` ${chartUnit(signal)}`}`.trim());
  }
  if (typeof body.drug === 'string') parts.push(body.drug);
  if (typeof body.display === 'string') parts.push(body.display);
  if (typeof body.trend === 'string' && body.trend !== 'none') parts.push(TREND_ARROW[body.trend] ?? body.trend);
  return parts.length > 0 ? parts.join(' · ') : 'no readings';
}

const TREND_ARROW: Record<string, string> = {
  doubleUp: '⇈',
  singleUp: '↑',
  fortyFiveUp: '↗',
  flat: '→',
  fortyFiveDown: '↘',
  singleDown: '↓',
  doubleDown: '⇊',
};

/** Cuts text to `width` columns with an ellipsis. */
export function fit(text: string, width: number): string {
  if (width <= 0) return '';
  return text.length <= width ? text : `${text.slice(0, Math.max(0, width - 1))}…`;
}

/** Pads or cuts text to exactly `width` columns. */
export function cell(text: string, width: number): string {
  return fit(text, width).padEnd(width);
}
