import type { LoggedEvent } from '../../core/event-log.ts';
import { formatDuration } from '../../core/duration.ts';
import { asRecord } from './series.ts';

/** How much an event matters to someone watching: alarm priorities (IEC 60601-1-8) above the rest. */
export const SEVERITIES = ['info', 'warning', 'low', 'medium', 'high'] as const;
export type Severity = (typeof SEVERITIES)[number];

export function severityRank(severity: Severity): number {
  return SEVERITIES.indexOf(severity);
}

export interface FeedItem {
  /** The event's id in the log. */
  id: number;
  /** Where the feed shows it: the order events were applied in (causal within an instant, causal-order.ts). */
  seq: number;
  t: number;
  source: string;
  type: string;
  /** The device the event is about (its source, or `data.device` for twin and injector events). */
  device: string | undefined;
  zone: string | undefined;
  severity: Severity;
  text: string;
}

export interface FeedFilter {
  /** Show events at or above this severity. */
  minSeverity: Severity;
  zone: string | undefined;
  /** Substring of the device id. */
  device: string;
}

export const NO_FILTER: FeedFilter = { minSeverity: 'info', zone: undefined, device: '' };

export function matchesFilter(item: FeedItem, filter: FeedFilter): boolean {
  if (severityRank(item.severity) < severityRank(filter.minSeverity)) return false;
  if (filter.zone !== undefined && item.zone !== filter.zone) return false;
  if (filter.device !== '' && !(item.device ?? '').toLowerCase().includes(filter.device.toLowerCase())) return false;
  return true;
}

export function isFiltered(filter: FeedFilter): boolean {
  return filter.minSeverity !== 'info' || filter.zone !== undefined || filter.device !== '';
}

/** Event types too frequent for the feed; their effect shows in the fleet and the charts instead. */
const QUIET = new Set(['telemetry', 'command.received']);

/**
 * Turns one logged event into a feed line, or undefined for events the feed leaves out. `zoneOf`
 * gives a device's zone and undefined for other sources (`twin`, `runner`, `injector`).
 */
export function feedItem(event: LoggedEvent, zoneOf: (device: string) => string | undefined, seq = event.id): FeedItem | undefined {
  if (QUIET.has(event.type)) return undefined;
  const data = asRecord(event.data) ?? {};
  const device = zoneOf(event.source) !== undefined ? event.source : typeof data.device === 'string' ? data.device : undefined;
  const { severity, text } = describe(event.type, data);
  return {
    id: event.id,
    seq,
    t: event.t,
    source: event.source,
    type: event.type,
    device,
    zone: device === undefined ? undefined : zoneOf(device),
    severity,
    text,
  };
}

function describe(type: string, data: Record<string, unknown>): { severity: Severity; text: string } {
  switch (type) {
    case 'alarm.raised': {
      const alarm = asRecord(data.alarm) ?? {};
      const priority = (['high', 'medium', 'low'] as const).find((p) => p === alarm.priority) ?? 'medium';
      const suppressed = data.suppressed ? ' (suppressed: not announced)' : '';
      return { severity: priority, text: `ALARM ${priority} ${str(alarm.code)} — ${str(alarm.message)}${suppressed}` };
    }
    case 'alarm.cleared':
      return { severity: 'info', text: `alarm cleared ${str(data.code)}` };
    case 'alarm.updated': {
      const until = typeof data.until === 'number' ? ` until ${formatDuration(data.until)}` : '';
      return { severity: 'info', text: `alarm ${str(data.code)} ${str(data.status)}${until}` };
    }
    case 'state.changed':
      return { severity: 'info', text: `state ${str(data.from) || '(boot)'} → ${str(data.to)}` };
    case 'fault.injected':
      return {
        severity: 'warning',
        text: `${str(data.category) === 'attack' ? 'attack' : 'fault'} ${str(data.fault)} injected${paramsText(data.params)}`,
      };
    case 'fault.reverted':
      return { severity: 'info', text: `${str(data.fault) || 'fault'} reverted` };
    case 'twin.stale':
      return { severity: 'warning', text: 'twin: stale (no telemetry)' };
    case 'twin.fresh':
      return { severity: 'info', text: 'twin: fresh again' };
    case 'twin.diverged':
      return { severity: 'warning', text: `twin: diverged from desired ${compact(data.delta)}` };
    case 'twin.converged':
      return { severity: 'info', text: 'twin: converged' };
    case 'twin.implausible':
      return {
        severity: 'warning',
        text: `twin: implausible ${str(data.signal)} (${str(data.check)})${data.detail ? `: ${str(data.detail)}` : ''}`,
      };
    case 'twin.plausible':
      return { severity: 'info', text: `twin: ${str(data.signal)} plausible again` };
    case 'twin.command':
      return { severity: 'info', text: `command sent ${commandText(data.command)}` };
    case 'command.accepted':
      return { severity: 'info', text: `command ${str(data.command)} accepted${data.detail ? ` (${str(data.detail)})` : ''}` };
    case 'command.rejected':
      return { severity: 'warning', text: `command ${str(data.command)} rejected: ${str(data.reason) || str(data.code)}` };
    case 'command.malformed':
      return { severity: 'warning', text: `malformed command: ${str(data.error)}` };
    case 'device.rebooted':
      return { severity: 'warning', text: 'rebooted' };
    case 'device.error':
      return { severity: 'high', text: `device error: ${str(data.message)}` };
    case 'device.compromised':
      return { severity: 'high', text: `compromised${data.reason ? `: ${str(data.reason)}` : ''}` };
    case 'ids.alert': {
      // The detector's low / medium / high / critical onto the feed's top three (critical is high).
      const severity = data.severity === 'low' ? 'low' : data.severity === 'medium' ? 'medium' : 'high';
      const techniques = Array.isArray(data.techniques) ? data.techniques.map(str).join(',') : '';
      return {
        severity,
        text: `IDS ${str(data.severity)} ${techniques} ${str(data.rule)}: ${str(data.summary)}`.replace(/ {2,}/g, ' '),
      };
    }
    case 'run.started':
      return { severity: 'info', text: `run started: ${str(data.scenario)}, seed ${str(data.seed)}, ${str(data.devices)} devices` };
    case 'run.finished':
      return { severity: 'info', text: 'run finished' };
    default:
      return { severity: type.startsWith('ids.') ? 'warning' : 'info', text: `${type} ${compact(data)}`.trim() };
  }
}

function str(value: unknown): string {
  return value === undefined || value === null ? '' : String(value);
}

function commandText(command: unknown): string {
  const c = asRecord(command);
  if (!c) return compact(command);
  const { type, commandId: _id, ...rest } = c;
  const args = Object.keys(rest).length > 0 ? ` ${compact(rest)}` : '';
  return `${str(type) || 'command'}${args}`;
}

function paramsText(params: unknown): string {
  const p = asRecord(params);
  if (!p || Object.keys(p).length === 0) return '';
  return ` ${compact(p)}`;
}

/** Short JSON for one line: `{rate:10,signal:glucose}`. */
export function compact(value: unknown, max = 60): string {
  let text: string;
  try {
    text = JSON.stringify(value) ?? '';
  } catch {
    text = String(value);
  }
  text = text.replace(/"([^"]+)":/g, '$1:').replace(/"/g, '');
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}
