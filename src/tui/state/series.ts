import { SIGNAL_UNITS, type SignalName } from '../../physiology/signals.ts';
import { RingBuffer } from './ring-buffer.ts';

/** One charted reading: what the device reported and what was true, either of which may be missing. */
export interface SeriesPoint {
  t: number;
  measured: number | null;
  truth: number | null;
}

/**
 * Telemetry fields the detail chart can plot. `rate` is a pump's rate as the pump believes it; its
 * truth is the rate actually delivered into the patient.
 */
export const CHART_SIGNALS = ['glucose', 'spo2', 'hr', 'rr', 'temp', 'rate'] as const;
export type ChartSignal = (typeof CHART_SIGNALS)[number];

export function chartUnit(signal: string): string {
  if (signal === 'rate') return 'mL/h';
  return SIGNAL_UNITS[signal as SignalName] ?? '';
}

export interface SeriesOptions {
  /** Points kept per signal. */
  capacity: number;
  /** Readings closer together than this are thinned (a 1 Hz monitor would otherwise fill the buffer in minutes), ms. */
  minSpacingMs: number;
}

export const DEFAULT_SERIES_OPTIONS: SeriesOptions = { capacity: 720, minSpacingMs: 5_000 };

/** Recent measured-vs-true points of one device, per signal, in bounded memory. */
export class DeviceSeries {
  readonly #options: SeriesOptions;
  readonly #bySignal = new Map<string, RingBuffer<SeriesPoint>>();

  constructor(options: SeriesOptions = DEFAULT_SERIES_OPTIONS) {
    this.#options = options;
  }

  /** Signals with at least one point, in CHART_SIGNALS order. */
  get signals(): string[] {
    return CHART_SIGNALS.filter((s) => this.#bySignal.has(s));
  }

  points(signal: string): SeriesPoint[] {
    return this.#bySignal.get(signal)?.toArray() ?? [];
  }

  add(signal: string, point: SeriesPoint): void {
    let ring = this.#bySignal.get(signal);
    if (!ring) {
      ring = new RingBuffer<SeriesPoint>(this.#options.capacity);
      this.#bySignal.set(signal, ring);
    }
    const last = ring.last();
    if (last && point.t - last.t < this.#options.minSpacingMs) return;
    ring.push(point);
  }

  /** Takes the chartable readings out of one `telemetry` event's data ({ body, truth, delivered }). */
  addTelemetry(t: number, data: Record<string, unknown>): void {
    for (const [signal, point] of telemetryPoints(t, data)) this.add(signal, point);
  }
}

/** The chartable (signal, point) pairs in one `telemetry` event's data. */
export function telemetryPoints(t: number, data: Record<string, unknown>): [ChartSignal, SeriesPoint][] {
  const body = asRecord(data.body);
  if (!body) return [];
  const truth = asRecord(data.truth) ?? {};
  const delivered = asRecord(data.delivered);
  const out: [ChartSignal, SeriesPoint][] = [];
  for (const signal of CHART_SIGNALS) {
    if (!(signal in body)) continue;
    const measured = body[signal];
    if (measured !== null && typeof measured !== 'number') continue;
    const trueValue = signal === 'rate' ? delivered?.rateMlPerH : truth[signal];
    out.push([signal, { t, measured, truth: typeof trueValue === 'number' ? trueValue : null }]);
  }
  return out;
}

export function asRecord(value: unknown): Record<string, unknown> | undefined {
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
}
