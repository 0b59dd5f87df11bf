import type { SimEvent } from '../../core/event-log.ts';

/**
 * The span an impact is judged over: from the attack's start to the end of what it could affect (the
 * run's end, or containment), over one patient's devices. Harm is the patient's, not a device's: a
 * forged bolus shows on the pump's dose account and on the glucose the same patient's CGM knows, so
 * `devices` is every device of the patient (the target's, for an attack). A site-wide metric
 * (`scope: 'site'`, records exposed) is given every device of the fleet instead.
 */
export interface ImpactWindow {
  devices: readonly string[];
  from: number;
  to: number;
  /** The patient a device belongs to (records-exposed counts patients, not devices); each device its own patient without it. */
  patientOf?: (device: string) => string | undefined;
}

/** One clinical-impact or response metric, computed from the run's event log against ground truth. */
export interface ImpactMetric {
  name: string;
  unit: string;
  summary: string;
  /** How it is computed and from what, with its clinical source. */
  rationale: string;
  /** `patient` (default): judged over one patient's devices; `site`: over the whole fleet (a breach counts everyone). */
  scope?: 'patient' | 'site';
  /** A response metric (how fast the defence was), not harm to a patient: `prevented` does not read it. */
  response?: boolean;
  /** The value, or null when the log holds nothing to judge it by (no samples, never detected). */
  compute(events: readonly SimEvent[], window: ImpactWindow): number | null;
}

export function defineMetric(metric: ImpactMetric): ImpactMetric {
  return metric;
}

type Plain = Record<string, unknown>;
const isPlain = (v: unknown): v is Plain => typeof v === 'object' && v !== null && !Array.isArray(v);
const num = (v: unknown): number | undefined => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);

/**
 * `[t, value]` of `data.truth[signal]` from the `telemetry` events of `devices` (one patient's: every
 * device of a patient reports the same true state), in time order.
 */
export function truthSamples(events: readonly SimEvent[], devices: readonly string[], signal: string): [number, number][] {
  const out: [number, number][] = [];
  const of = new Set(devices);
  for (const e of events) {
    if (e.type !== 'telemetry' || !of.has(e.source) || !isPlain(e.data.truth)) continue;
    const value = num(e.data.truth[signal]);
    if (value !== undefined) out.push([e.t, value]);
  }
  return out.sort((a, b) => a[0] - b[0]);
}

/** `[t, delivered]` of a pump's `telemetry` events (data.delivered: the dose account, devices/descriptor.ts Delivery). */
export function deliverySamples(
  events: readonly SimEvent[],
  device: string,
): { t: number; amount: number; doseRatePerH: number; unit: string }[] {
  const out: { t: number; amount: number; doseRatePerH: number; unit: string }[] = [];
  for (const e of events) {
    if (e.type !== 'telemetry' || e.source !== device || !isPlain(e.data.delivered)) continue;
    const d = e.data.delivered;
    const amount = num(d.amount);
    if (amount === undefined) continue;
    out.push({ t: e.t, amount, doseRatePerH: num(d.doseRatePerH) ?? 0, unit: typeof d.doseUnit === 'string' ? d.doseUnit : '' });
  }
  return out.sort((a, b) => a.t - b.t);
}

/**
 * Milliseconds within [from, to] during which `holds` is true of a piecewise-constant signal: each
 * sample holds until the next (sample-and-hold, as the CGM's and the monitor's own displays do).
 */
export function heldMs(samples: readonly (readonly [number, boolean])[], from: number, to: number): number {
  let total = 0;
  for (let i = 0; i < samples.length; i++) {
    const [t, holds] = samples[i]!;
    const end = Math.min(to, samples[i + 1]?.[0] ?? to);
    const start = Math.max(from, t);
    if (holds && end > start) total += end - start;
  }
  return total;
}

export const MINUTE_MS = 60_000;
