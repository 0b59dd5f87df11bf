/**
 * The fleets the benchmark runs, built as Plan objects in code (no scenario file): wards of 40 beds,
 * each bed with a patient monitor and an infusion pump and every other bed with a CGM — 40 % monitors,
 * 40 % pumps, 20 % CGMs, so 100 devices per ward — or monitors only, the pure 1 Hz load.
 */
import type { Plan } from '../src/scenario/plan.ts';

export type FleetMix = 'ward' | 'monitors';

/** Beds per zone: the 40-bed ward the ward target names. */
export const BEDS_PER_WARD = 40;

// The programs scenarios/ward.yaml runs: heparin by dose rate, maintenance saline by rate.
const PUMP_PROFILES = [
  { drug: 'heparin', doseRate: 1000, vtbi: 250 },
  { drug: 'normal-saline', rate: 75, vtbi: 1000 },
] as const;

export interface FleetCounts {
  monitors: number;
  pumps: number;
  cgms: number;
}

/** Device counts of a fleet of `devices` in a given mix (ward: 40/40/20 %, rounded, summing to `devices`). */
export function fleetCounts(devices: number, mix: FleetMix): FleetCounts {
  if (mix === 'monitors') return { monitors: devices, pumps: 0, cgms: 0 };
  const monitors = Math.round(devices * 0.4);
  const pumps = Math.round(devices * 0.4);
  return { monitors, pumps, cgms: devices - monitors - pumps };
}

/**
 * A plan of `devices` devices in wards of up to 40 beds (one bed per monitor). Device counts are
 * spread evenly over the wards so every zone looks alike; the ids are the fleet's usual stable ones.
 */
export function benchPlan(devices: number, mix: FleetMix, durationMs: number, seed: string | number = 'fleet-bench'): Plan {
  if (!Number.isInteger(devices) || devices < 1)
    throw new Error(`a benchmark fleet needs a whole number of devices >= 1, received ${devices}`);
  const counts = fleetCounts(devices, mix);
  const beds = Math.max(1, counts.monitors);
  const wards = Math.ceil(beds / BEDS_PER_WARD);
  const zones: Plan['fleet']['zones'] = [];
  for (let w = 0; w < wards; w++) {
    const part = (total: number) => share(total, wards, w);
    const zoneBeds = Math.max(1, part(beds));
    const profile = PUMP_PROFILES[w % PUMP_PROFILES.length]!;
    zones.push({
      id: `ward-${String(w + 1).padStart(String(wards).length, '0')}`,
      beds: zoneBeds,
      devices: { 'patient-monitor': part(counts.monitors), 'infusion-pump': part(counts.pumps), cgm: part(counts.cgms) },
      config: { 'infusion-pump': { profile: { ...profile } } },
    });
  }
  return {
    name: `fleet-bench-${mix}-${devices}`,
    description: `${devices} devices (${counts.monitors} monitors, ${counts.pumps} pumps, ${counts.cgms} CGMs) in ${wards} ward(s)`,
    seed,
    durationMs,
    fleet: { site: 'general-hospital', zones },
    // No scripted meals beyond the patient model's own; no faults, no commands: the baseline load.
    patients: { randomMeals: true, dosing: 'prescribed', meals: [], events: [] },
  };
}

/** Part `index` of `total` split into `parts` nearly equal whole parts (the first ones take the remainder). */
function share(total: number, parts: number, index: number): number {
  const base = Math.floor(total / parts);
  return base + (index < total % parts ? 1 : 0);
}
