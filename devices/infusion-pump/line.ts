import type { DeviceConditions } from '../descriptor.ts';
import type { Flow, PumpContext, SampleEvent } from './context.ts';
import type { PumpSettings } from './telemetry.ts';

/** The physics of the pump and its line: rates, volumes, battery drain and line pressure. Pure functions. */

export const isOn = (c: DeviceConditions, name: string): boolean => (c[name] ?? 0) >= 0.5;
const factor = (c: DeviceConditions, name: string): number => Math.max(0, c[name] ?? 1);

/** mL/h the motor drives for `flow`, as the pump believes. KVO never exceeds the programmed rate. */
export function pumpRateMlPerH(ctx: PumpContext, flow: Flow = ctx.flow): number {
  const p = ctx.program;
  if (p === null || flow === 'none') return 0;
  if (flow === 'basal') return p.rateMlPerH;
  if (flow === 'bolus') return ctx.settings.bolusRateMlPerH;
  const kvo = ctx.settings.drugs[p.drug]?.kvoRateMlPerH ?? ctx.settings.kvoRateMlPerH;
  return Math.min(kvo, p.rateMlPerH);
}

/** mL/h reaching the patient: the motor rate × `rate.error-factor`, nothing through an occluded line. */
export function deliveredRateMlPerH(ctx: PumpContext): number {
  const c = ctx.conditions;
  if (isOn(c, 'occlusion.upstream') || isOn(c, 'occlusion.downstream')) return 0;
  return pumpRateMlPerH(ctx) * factor(c, 'rate.error-factor');
}

/** Advances counters, battery and line pressure over the time since the last sample. */
export function integrate(ctx: PumpContext, e: SampleEvent): Partial<PumpContext> {
  const s = ctx.settings;
  const c = e.conditions;
  const dtMs = ctx.lastSampleT === null ? 0 : Math.max(0, e.t - ctx.lastSampleT);
  const hours = dtMs / 3_600_000;
  const flow = ctx.intervalFlow === 'bolus' && ctx.bolus === null ? 'none' : ctx.intervalFlow;
  let pumped = pumpRateMlPerH(ctx, flow) * hours;
  if (ctx.program !== null && flow !== 'kvo') pumped = Math.min(pumped, ctx.program.vtbiMl - ctx.volumeInfusedMl);
  if (flow === 'bolus' && ctx.bolus !== null) pumped = Math.min(pumped, ctx.bolus.volumeMl - ctx.bolus.infusedMl);
  pumped = Math.max(0, pumped);
  const inflowMlPerH = isOn(c, 'occlusion.upstream') || hours === 0 ? 0 : (pumped / hours) * factor(c, 'rate.error-factor');
  const downstream = isOn(c, 'occlusion.downstream');
  const drainPerH = 100 / (flow === 'none' ? s.battery.hoursIdle : s.battery.hoursPumping);
  // A drain-factor condition means the pump runs from its battery (unplugged, or a failing cell).
  const drainFactor = c['battery.drain-factor'] ?? (s.battery.mainsPowered ? 0 : 1);
  const pressure = nextPressure(ctx.pressureMmHg, dtMs, inflowMlPerH, downstream, s);
  return {
    conditions: c,
    lastSampleT: e.t,
    intervalFlow: ctx.flow,
    volumeInfusedMl: ctx.volumeInfusedMl + pumped,
    deliveredMl: ctx.deliveredMl + (downstream ? 0 : inflowMlPerH * hours),
    bolus: flow === 'bolus' && ctx.bolus !== null ? { ...ctx.bolus, infusedMl: ctx.bolus.infusedMl + pumped } : ctx.bolus,
    batteryPct: Math.max(0, ctx.batteryPct - drainPerH * hours * Math.max(0, drainFactor)),
    pressureMmHg: pressure,
    linePressureMmHg: Math.max(0, pressure + e.noise * s.linePressure.noiseSdMmHg),
  };
}

function nextPressure(p: number, dtMs: number, inflowMlPerH: number, occluded: boolean, s: PumpSettings): number {
  const { baselineMmHg, maxMmHg, complianceMlPerMmHg, relaxMs } = s.linePressure;
  if (!occluded) return baselineMmHg + (p - baselineMmHg) * Math.exp(-dtMs / relaxMs);
  // A closed line stores pumped volume in the set's compliance; pressure saturates at the pump's maximum
  // (dp/dt = q/C · (1 − p/max), solved exactly so the sample period does not matter). Held when stopped.
  const k = inflowMlPerH / 3_600_000 / (complianceMlPerMmHg * maxMmHg);
  return maxMmHg - (maxMmHg - p) * Math.exp(-k * dtMs);
}
