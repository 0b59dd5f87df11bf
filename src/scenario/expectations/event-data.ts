import type { LoggedEvent } from '../../core/event-log.ts';

/**
 * Typed readers for the payloads in the event log. The log stores plain data (it is hashed as JSON),
 * so every judge and the collector read it through these instead of casting ad hoc.
 */

export type Plain = Record<string, unknown>;

export function isPlain(value: unknown): value is Plain {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A finite number, or undefined. */
export function num(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
}

export function str(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

/** The device an event is from or about: its source, or `data.device` for twin, injector and IDS events. */
export function deviceOf(event: LoggedEvent): string | undefined {
  return str(event.data.device) ?? event.source;
}

export interface AlarmData {
  code: string;
  priority: string;
  category: string;
  message: string;
  parameter?: string;
  value?: number;
  limit?: number;
  suppressed: boolean;
}

/** The alarm of an `alarm.raised` event. */
export function alarmOf(event: LoggedEvent): AlarmData {
  const alarm = isPlain(event.data.alarm) ? event.data.alarm : {};
  return {
    code: str(alarm.code) ?? 'unknown',
    priority: str(alarm.priority) ?? 'unknown',
    category: str(alarm.category) ?? 'unknown',
    message: str(alarm.message) ?? '',
    parameter: str(alarm.parameter),
    value: num(alarm.value),
    limit: num(alarm.limit),
    suppressed: event.data.suppressed === true,
  };
}

export interface TelemetryData {
  seq: number;
  body: Plain;
  truth: Plain;
  /** What reached the patient: the rate from now on and, from pumps that keep them, running totals. */
  delivered?: { drug: string; rateMlPerH: number; doseRatePerH: number; doseUnit: string; volumeMl?: number; amount?: number };
  silenced: boolean;
}

/** The payload of a `telemetry` event. */
export function telemetryOf(event: LoggedEvent): TelemetryData {
  const d = event.data;
  const seq = num(d.seq) ?? 0;
  const body = isPlain(d.body) ? d.body : {};
  const truth = isPlain(d.truth) ? d.truth : {};
  const silenced = d.silenced === true;
  // Two literals rather than conditional spreads (the same keys in the same order): the collector
  // reads every telemetry event through here, and each spread cost an object and a copy.
  if (!isPlain(d.delivered)) return { seq, body, truth, silenced };
  return { seq, body, truth, delivered: deliveredOf(d.delivered), silenced };
}

function deliveredOf(delivered: Plain): NonNullable<TelemetryData['delivered']> {
  const out: NonNullable<TelemetryData['delivered']> = {
    drug: str(delivered.drug) ?? '',
    rateMlPerH: num(delivered.rateMlPerH) ?? 0,
    doseRatePerH: num(delivered.doseRatePerH) ?? 0,
    doseUnit: str(delivered.doseUnit) ?? '',
  };
  const volumeMl = num(delivered.volumeMl);
  if (volumeMl !== undefined) out.volumeMl = volumeMl;
  const amount = num(delivered.amount);
  if (amount !== undefined) out.amount = amount;
  return out;
}

/** Signals a monitor measures with its NIBP cuff: reported in `body.nibp`, one determination at a time. */
export const NIBP_SIGNALS: ReadonlySet<string> = new Set(['sbp', 'dbp', 'map']);

/**
 * The device's reading of a true signal: `body[signal]`, or `body.nibp[signal]` for blood pressure.
 * Undefined when the body does not carry the signal, null when the device shows no valid reading.
 */
export function readingOf(body: Plain, signal: string): number | null | undefined {
  const holder = NIBP_SIGNALS.has(signal) ? (isPlain(body.nibp) ? body.nibp : body.nibp === null ? null : undefined) : body;
  if (holder === null) return null;
  if (holder === undefined || !(signal in holder)) return undefined;
  const value = holder[signal];
  return typeof value === 'number' && Number.isFinite(value) ? value : null;
}

export interface InjectionData {
  id: string;
  fault: string;
  category: string;
  device: string;
  params: Plain;
  /** Planned end: equal to the injection time for instant faults, null when open-ended. */
  until: number | null;
}

/** The payload of a `fault.injected` (or, partly, `fault.reverted`) event. */
export function injectionOf(event: LoggedEvent): InjectionData {
  const d = event.data;
  return {
    id: str(d.id) ?? str(d.fault) ?? 'unknown',
    fault: str(d.fault) ?? 'unknown',
    category: str(d.category) ?? 'unknown',
    device: str(d.device) ?? '',
    params: isPlain(d.params) ? d.params : {},
    until: num(d.until) ?? null,
  };
}

/** True when a `fault.injected` event is for a fault that is over the moment it happens (a reboot). */
export function isInstant(event: LoggedEvent): boolean {
  return num(event.data.until) === event.t;
}
