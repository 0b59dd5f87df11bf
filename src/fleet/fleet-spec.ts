import { z } from 'zod';
import { cohortSchema, type CohortName } from '../physiology/cohorts.ts';
import { acuitySchema, type Acuity } from '../physiology/vital-profiles.ts';

const segment = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_.-]*$/, 'use letters, digits, ".", "_" or "-" (it becomes an MQTT topic level)');

/** Per-kind configuration in a zone: scenario overrides of settings and the clinical-use profile. */
export const kindConfigSchema = z.object({
  settings: z.record(z.string(), z.unknown()).optional(),
  profile: z.record(z.string(), z.unknown()).optional(),
  firmware: z.string().optional(),
});

export const zoneSpecSchema = z.object({
  id: segment,
  /** Beds (= patients) in the zone. Devices of each kind are attached to beds in turn. */
  beds: z.number().int().positive().max(100_000),
  /** How many devices of each kind the zone has, e.g. `{ patient-monitor: 8, infusion-pump: 8 }`. */
  devices: z.record(z.string(), z.number().int().nonnegative().max(100_000)),
  /** Per-kind settings and profile overrides for this zone. */
  config: z.record(z.string(), kindConfigSchema).optional(),
  /** Labels that timeline selectors can target. */
  tags: z.array(z.string()).optional(),
  /** Age group of the zone's patients: adult (default), adolescent (13–17) or child (7–12); docs/physiology.md. */
  cohort: cohortSchema.optional(),
  /**
   * The zone's patient mix, drawn per patient by the seed: `ward` (default; mostly stable, a share
   * post-op, COPD, heart failure and sepsis), `icu` (mostly sick) or `healthy`; docs/physiology.md.
   */
  acuity: acuitySchema.optional(),
});

export const fleetSpecSchema = z.object({
  site: segment.default('general-hospital'),
  zones: z.array(zoneSpecSchema).min(1),
});

export type KindConfig = z.infer<typeof kindConfigSchema>;
export type ZoneSpec = z.infer<typeof zoneSpecSchema>;
export type FleetSpec = z.infer<typeof fleetSpecSchema>;

/** One device of a planned fleet, with the bed (and so the patient) it is attached to. */
export interface PlannedDevice {
  id: string;
  kind: string;
  zone: string;
  bed: string;
  patientId: string;
  config: KindConfig;
  tags: readonly string[];
}

export interface PlannedBed {
  id: string;
  zone: string;
  patientId: string;
  /** Kinds attached to the bed: the patient model includes glucose dynamics when a CGM or pump is. */
  kinds: string[];
  /** The zone's patient age group, when it names one. */
  cohort?: CohortName;
  /** The zone's patient mix, when it names one. */
  acuity?: Acuity;
}

export interface FleetPlan {
  site: string;
  beds: PlannedBed[];
  devices: PlannedDevice[];
}

/**
 * Lays out a fleet: stable bed, patient and device ids (`icu-bed-01`, `P-001`, `pump-001`) that do not
 * depend on anything random, so a device keeps its id — and its random stream — across seeds.
 */
export function planFleet(spec: FleetSpec, idPrefix: (kind: string) => string = (k) => k): FleetPlan {
  const beds: PlannedBed[] = [];
  const devices: PlannedDevice[] = [];
  const counters = new Map<string, number>();
  let patientNo = 0;
  for (const zone of spec.zones) {
    const zoneBeds: PlannedBed[] = [];
    for (let b = 1; b <= zone.beds; b++) {
      const bed = {
        id: `${zone.id}-bed-${pad(b, zone.beds)}`,
        zone: zone.id,
        patientId: `P-${pad(++patientNo, 999)}`,
        kinds: [] as string[],
        ...(zone.cohort ? { cohort: zone.cohort } : {}),
        ...(zone.acuity ? { acuity: zone.acuity } : {}),
      };
      zoneBeds.push(bed);
      beds.push(bed);
    }
    for (const [kind, count] of Object.entries(zone.devices)) {
      for (let i = 0; i < count; i++) {
        const n = (counters.get(kind) ?? 0) + 1;
        counters.set(kind, n);
        const bed = zoneBeds[i % zoneBeds.length]!;
        if (!bed.kinds.includes(kind)) bed.kinds.push(kind);
        devices.push({
          id: `${idPrefix(kind)}-${pad(n, 999)}`,
          kind,
          zone: zone.id,
          bed: bed.id,
          patientId: bed.patientId,
          config: zone.config?.[kind] ?? {},
          tags: zone.tags ?? [],
        });
      }
    }
  }
  return { site: spec.site, beds, devices };
}

function pad(n: number, max: number): string {
  return String(n).padStart(Math.max(2, String(max).length), '0');
}
