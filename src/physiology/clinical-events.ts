import { z } from 'zod';
import { durationSchema } from '../core/duration-schema.ts';

/** The vital signs a clinical event can act on (`map` follows from sbp/dbp). */
export type EventSignal = 'hr' | 'spo2' | 'rr' | 'temp' | 'sbp' | 'dbp';

/** A duration: text with a unit in a scenario file (the loader checks), or ms from code; parsed to ms. */
const duration = durationSchema;

/**
 * Timing shared by every event: it starts `at`, ramps linearly to full effect over `onset`, holds until
 * `at + duration`, then ramps back over `recovery`. Defaults differ per type (a fever builds over half an
 * hour, a bradycardia in seconds).
 */
function timing(defaults: { duration: number; onset: number; recovery: number }) {
  return {
    at: duration,
    duration: duration.default(defaults.duration),
    onset: duration.default(defaults.onset),
    recovery: duration.default(defaults.recovery),
  };
}

const MIN = 60_000;
const hr = z.number().min(20).max(250);
const spo2 = z.number().min(40).max(100);
const rr = z.number().min(0).max(60);
const bp = z.number().min(20).max(260);

/** Clinical events a scenario can schedule on a patient's vital signs. */
export const clinicalEventSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('desaturation'), ...timing({ duration: 5 * MIN, onset: MIN, recovery: MIN }), spo2: spo2.default(85) }),
  z.object({ type: z.literal('tachycardia'), ...timing({ duration: 10 * MIN, onset: 30_000, recovery: MIN }), hr: hr.default(140) }),
  z.object({ type: z.literal('bradycardia'), ...timing({ duration: 5 * MIN, onset: 10_000, recovery: 30_000 }), hr: hr.default(40) }),
  z.object({
    type: z.literal('hypotension'),
    ...timing({ duration: 15 * MIN, onset: 2 * MIN, recovery: 5 * MIN }),
    sbp: bp.default(80),
    dbp: bp.default(45),
    // Baroreflex: falling pressure raises heart rate.
    hrRise: z.number().min(0).max(100).default(15),
  }),
  z.object({
    type: z.literal('hypertension'),
    ...timing({ duration: 30 * MIN, onset: 5 * MIN, recovery: 10 * MIN }),
    sbp: bp.default(180),
    dbp: bp.default(110),
  }),
  z.object({
    type: z.literal('fever'),
    ...timing({ duration: 6 * 60 * MIN, onset: 30 * MIN, recovery: 60 * MIN }),
    temp: z.number().min(37.5).max(43).default(39),
    // Karjalainen & Viitasalo 1986 (Arch Intern Med 146:1169): HR rises ~8.5 bpm per °C of fever.
    hrPerDegree: z.number().min(0).max(30).default(8.5),
  }),
  z.object({
    type: z.literal('respiratory-depression'),
    ...timing({ duration: 30 * MIN, onset: 5 * MIN, recovery: 10 * MIN }),
    rr: rr.default(6),
    // Hypoventilation lowers SpO2 in patients breathing room air.
    spo2: spo2.default(88),
  }),
  z.object({
    type: z.literal('apnea'),
    // Breathing stops within seconds; SpO2 falls over the whole apnoea and recovers after it.
    ...timing({ duration: 30_000, onset: 30_000, recovery: 30_000 }),
    spo2: spo2.default(85),
  }),
]);

/** A scheduled event as a scenario writes it (durations as text or ms, optional parameters). */
export type ClinicalEventInput = z.input<typeof clinicalEventSchema>;
/** A validated event: durations in ms, every parameter filled in. */
export type ClinicalEvent = z.output<typeof clinicalEventSchema>;
export type ClinicalEventType = ClinicalEvent['type'];
export const CLINICAL_EVENT_TYPES = clinicalEventSchema.options.map((o) => o.shape.type.value) as readonly ClinicalEventType[];

/** One signal's share of an event: move toward `target` or shift by `delta`, with its own ramps. */
export interface VitalEffect {
  signal: EventSignal;
  mode: 'target' | 'delta';
  value: number;
  start: number;
  end: number;
  onset: number;
  recovery: number;
}

/** Splits an event into per-signal effects. `baseline` supplies the reference for relative effects. */
export function eventEffects(event: ClinicalEvent, baseline: { temp: number }): VitalEffect[] {
  const span = { start: event.at, end: event.at + event.duration, onset: event.onset, recovery: event.recovery };
  const target = (signal: EventSignal, value: number): VitalEffect => ({ signal, mode: 'target', value, ...span });
  const delta = (signal: EventSignal, value: number): VitalEffect => ({ signal, mode: 'delta', value, ...span });
  switch (event.type) {
    case 'desaturation':
      return [target('spo2', event.spo2)];
    case 'tachycardia':
    case 'bradycardia':
      return [target('hr', event.hr)];
    case 'hypotension':
      return [target('sbp', event.sbp), target('dbp', event.dbp), delta('hr', event.hrRise)];
    case 'hypertension':
      return [target('sbp', event.sbp), target('dbp', event.dbp)];
    case 'fever':
      return [target('temp', event.temp), delta('hr', event.hrPerDegree * Math.max(0, event.temp - baseline.temp))];
    case 'respiratory-depression':
      return [target('rr', event.rr), target('spo2', event.spo2)];
    case 'apnea':
      return [{ ...target('rr', 0), onset: 2_000, recovery: 5_000 }, target('spo2', event.spo2)];
  }
}

/** How much of an effect applies at `t`, 0..1: a linear ramp up, a hold, a linear ramp down. */
export function effectLevel(effect: VitalEffect, t: number): number {
  if (t < effect.start) return 0;
  if (t <= effect.end) return rise(effect, t);
  const fall = effect.recovery <= 0 ? 0 : 1 - (t - effect.end) / effect.recovery;
  return fall <= 0 ? 0 : rise(effect, effect.end) * fall;
}

function rise(effect: VitalEffect, t: number): number {
  return effect.onset <= 0 ? 1 : Math.min(1, (t - effect.start) / effect.onset);
}

/**
 * Applies effects to a signal's mean: first every shift (fever's HR rise, baroreflex), then targets in
 * schedule order, so a scenario's explicit "HR to 150" holds whatever else is going on, and a later
 * target wins while it is at full strength.
 */
export function applyEffects(signal: EventSignal, mean: number, effects: readonly VitalEffect[], t: number): number {
  let m = mean;
  for (const effect of effects) {
    if (effect.signal !== signal || effect.mode !== 'delta') continue;
    const level = effectLevel(effect, t);
    if (level !== 0) m += level * effect.value;
  }
  for (const effect of effects) {
    if (effect.signal !== signal || effect.mode !== 'target') continue;
    const level = effectLevel(effect, t);
    if (level !== 0) m += level * (effect.value - m);
  }
  return m;
}
