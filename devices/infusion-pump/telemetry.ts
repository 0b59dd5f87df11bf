import { z } from 'zod';
import type { AlarmPriority } from '../descriptor.ts';
import { DEFAULT_DRUG_LIBRARY, drugEntrySchema } from './drug-library.ts';

/** The message shapes of the pump: telemetry, commands, settings, clinical profile, alarm codes. */

export const PUMP_STATES = ['off', 'self-test', 'idle', 'programmed', 'infusing', 'bolus', 'paused', 'hold', 'completed'] as const;
export type PumpStateLabel = (typeof PUMP_STATES)[number];

/**
 * Alarm conditions. Priorities follow IEC 60601-1-8 (high: immediate response, medium: prompt, low:
 * awareness); every high-priority condition stops flow, as IEC 60601-2-24 expects of occlusion, air and
 * free-flow (door) hazards.
 */
export const PUMP_ALARMS = {
  'occlusion.downstream': { priority: 'high', message: 'Downstream occlusion: line pressure over limit' },
  'occlusion.upstream': { priority: 'high', message: 'Upstream occlusion: no fluid from the container' },
  'air-in-line': { priority: 'high', message: 'Air in line' },
  'door.open': { priority: 'high', message: 'Door open while pumping' },
  'battery.low': { priority: 'medium', message: 'Battery low' },
  'battery.depleted': { priority: 'high', message: 'Battery depleted: infusion stopped' },
  'infusion.complete': { priority: 'medium', message: 'Infusion complete: VTBI reached' },
  'kvo.active': { priority: 'low', message: 'Running keep-vein-open rate' },
} as const satisfies Record<string, { priority: AlarmPriority; message: string }>;
export type PumpAlarmCode = keyof typeof PUMP_ALARMS;

const ms = z.number().int().nonnegative();
const positive = z.number().positive();

const programFields = {
  drug: z.string().min(1),
  rate: positive.optional(),
  doseRate: positive.optional(),
  vtbi: positive.max(9999),
  weightKg: positive.max(500).optional(),
  confirmSoftLimit: z.boolean().optional(),
};
const oneRate = (p: { rate?: number | undefined; doseRate?: number | undefined }) => (p.rate === undefined) !== (p.doseRate === undefined);
const oneRateMessage = { message: "give exactly one of rate (mL/h) or doseRate (in the drug's dose unit)" };

const commandId = { commandId: z.string().min(1).optional() };
export const commandSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('program'), ...commandId, ...programFields }).refine(oneRate, oneRateMessage),
  z.object({ type: z.literal('start'), ...commandId }),
  z.object({ type: z.literal('pause'), ...commandId }),
  z.object({ type: z.literal('resume'), ...commandId }),
  z.object({ type: z.literal('stop'), ...commandId }),
  z.object({ type: z.literal('bolus'), ...commandId, amount: positive, confirmSoftLimit: z.boolean().optional() }),
  z.object({ type: z.literal('acknowledge'), ...commandId, code: z.string().min(1).optional() }),
]);
export type PumpCommand = z.output<typeof commandSchema>;

/** Clinical use at boot: what the pump is programmed with and started on once its self-test passes. */
export const profileSchema = z.strictObject(programFields).refine(oneRate, oneRateMessage);
export type PumpProfile = z.output<typeof profileSchema>;

export const telemetrySchema = z.object({
  state: z.enum(PUMP_STATES),
  drug: z.string().nullable(),
  /** mL/h the pump is driving now, as it believes: programmed, bolus or KVO rate; 0 when stopped. */
  rate: z.number(),
  programmedRate: z.number().nullable(),
  doseRate: z.number().nullable(),
  doseRateUnit: z.string().nullable(),
  vtbi: z.number().nullable(),
  volumeInfused: z.number(),
  remaining: z.number().nullable(),
  linePressure: z.number(),
  battery: z.number(),
  firmware: z.string(),
  alarms: z.array(z.string()),
});
export type PumpTelemetry = z.output<typeof telemetrySchema>;

const linePressureSchema = z.strictObject({
  /** Normal downstream pressure (head height, catheter resistance), mmHg. */
  baselineMmHg: z.number().nonnegative(),
  noiseSdMmHg: z.number().nonnegative(),
  /** Pressure an occluded line saturates at (the pump's maximum output pressure), mmHg. */
  maxMmHg: positive,
  /** Set compliance: mL stored per mmHg above baseline; how fast a closed line's pressure builds, and the bolus it holds. */
  complianceMlPerMmHg: positive,
  /** Time constant of an open line giving up its stored volume (and pressure) into the patient, ms. */
  relaxMs: positive,
});
export const OCCLUSION_LEVELS = ['low', 'medium', 'high'] as const;
export type OcclusionLevel = (typeof OCCLUSION_LEVELS)[number];
const alarmLimitsSchema = z.strictObject({
  /** The downstream occlusion pressure setting in use (a pump's low / medium / high). */
  occlusionLevel: z.enum(OCCLUSION_LEVELS),
  /** The alarm limit of each occlusion setting, mmHg. */
  occlusionLimitsMmHg: z
    .strictObject({ low: positive, medium: positive, high: positive })
    .refine((l) => l.low < l.medium && l.medium < l.high, { message: 'occlusion limits must rise: low < medium < high' }),
  downstreamOcclusionPersistenceMs: ms,
  upstreamOcclusionPersistenceMs: ms,
  airInLinePersistenceMs: ms,
  doorOpenPersistenceMs: ms,
});
/** The seeded delivery error of one pump and its set (devices/infusion-pump/accuracy.ts). */
const accuracySchema = z.strictObject({
  /** SD of the pumping mechanism's own error (its calibration, its tube-compression fingers), % of the rate. */
  mechanismSdPct: z.number().nonnegative().max(20),
  /** SD of the administration set's error at the standard's intermediate rate (25 mL/h), % of the rate. */
  setSdPct: z.number().nonnegative().max(20),
  /** The accuracy claimed at the standard's test conditions, ±%: pumps and sets in use are within it there. */
  claimPct: z.number().nonnegative().max(50),
});
const batterySchema = z.strictObject({
  /** On mains the battery holds its charge unless a `battery.drain-factor` condition says otherwise. */
  mainsPowered: z.boolean(),
  initialPct: z.number().min(0).max(100),
  /** Run time from full while pumping / while not pumping, hours (at `battery.drain-factor` 1). */
  hoursPumping: positive,
  hoursIdle: positive,
  lowPct: z.number().min(0).max(100),
});
const rangeSchema = z
  .strictObject({ minMlPerH: positive, maxMlPerH: positive })
  .refine((r) => r.minMlPerH < r.maxMlPerH, { message: 'minMlPerH must be below maxMlPerH' });

const fullSettingsSchema = z.strictObject({
  selfTestMs: ms,
  rateRange: rangeSchema,
  bolusRateMlPerH: positive,
  kvoRateMlPerH: z.number().nonnegative(),
  linePressure: linePressureSchema,
  alarms: alarmLimitsSchema,
  accuracy: accuracySchema,
  battery: batterySchema,
  drugs: z.record(z.string().min(1), drugEntrySchema),
});
export type PumpSettings = z.output<typeof fullSettingsSchema>;

export const defaultSettings: PumpSettings = {
  selfTestMs: 3000,
  // Typical large-volume pump range (e.g. BD Alaris, B. Braun Infusomat: 0.1–999 mL/h).
  rateRange: { minMlPerH: 0.1, maxMlPerH: 999 },
  bolusRateMlPerH: 300,
  kvoRateMlPerH: 1,
  // A closed line stores what the pump pushes into the set's compliance until the pump's maximum output
  // pressure. ECRI (Health Devices, infusion pump evaluation criteria, 2015): downstream pressure should
  // not exceed 20 psi (1,034 mmHg). Compliance 0.5 µL/mmHg is our choice for an LVP set between the
  // pump and an occlusion near the patient: stiffer than a syringe (1.2–2.8 µL/mmHg, from the
  // 9.0e-9–2.1e-8 L/Pa Snijder et al. found for syringes, the most compliant part of a syringe set-up;
  // Biomed Tech 2015, doi:10.1515/bmt-2014-0148). It stores 0.24 mL at the medium limit and 0.44 mL at the high one, under ECRI's
  // ≤ 0.5 mL for the bolus released after an occlusion. Time to alarm then follows from the rate (see
  // docs/devices.md, "How it is modelled"): at 1 mL/h about 6 / 20 / 63 minutes at low / medium / high.
  // Baseline 20 mmHg, reading noise 1.5 mmHg and the open line's 5 s time constant (its resistance ×
  // compliance) are our choices, not from a source.
  linePressure: { baselineMmHg: 20, noiseSdMmHg: 1.5, maxMmHg: 1034, complianceMlPerMmHg: 0.0005, relaxMs: 5000 },
  alarms: {
    // ECRI 2015: the limit should go as low as 2 psi (103 mmHg); ≤ 4 psi (207 mmHg) is enough for most
    // venous infusions, ~10 psi (517 mmHg) for epidural lines. Low ≈ 4 psi, medium ≈ 10 psi (the
    // single limit medtwin had before), high ≈ 17 psi, under the 20 psi ceiling.
    occlusionLevel: 'medium',
    occlusionLimitsMmHg: { low: 200, medium: 500, high: 900 },
    downstreamOcclusionPersistenceMs: 3000,
    upstreamOcclusionPersistenceMs: 5000,
    airInLinePersistenceMs: 1000,
    doorOpenPersistenceMs: 1000,
  },
  // Volumetric pumps claim ±5 % under IEC 60601-2-24's test conditions (e.g. BD Alaris GP: "volumetric
  // accuracy ±5 % (nominal)"). Two SDs of 1.5 % give pump + set an SD of 2.1 %, kept inside the claim;
  // lower rates widen it (accuracy.ts).
  accuracy: { mechanismSdPct: 1.5, setSdPct: 1.5, claimPct: 5 },
  // Ward pumps run on mains. On battery, datasheets quote roughly 4–10 h at 25 mL/h; lowPct 10 leaves
  // ~45 min of warning, in line with IEC 60601-2-24's early low-battery warning.
  battery: { mainsPowered: true, initialPct: 100, hoursPumping: 8, hoursIdle: 24, lowPct: 10 },
  drugs: { ...DEFAULT_DRUG_LIBRARY },
};

/**
 * A scenario's partial override, merged over `defaultSettings` one group deep; a drug entry merges over
 * the library entry of the same name (a new drug needs every field). Parses to full settings, so parsing
 * its own output again is harmless.
 */
export const settingsSchema = z
  .strictObject({
    selfTestMs: ms.optional(),
    rateRange: z.strictObject({ minMlPerH: positive, maxMlPerH: positive }).partial().optional(),
    bolusRateMlPerH: positive.optional(),
    kvoRateMlPerH: z.number().nonnegative().optional(),
    linePressure: linePressureSchema.partial().optional(),
    alarms: z
      .strictObject({
        ...alarmLimitsSchema.shape,
        occlusionLimitsMmHg: z.strictObject({ low: positive, medium: positive, high: positive }).partial(),
      })
      .partial()
      .optional(),
    accuracy: accuracySchema.partial().optional(),
    battery: batterySchema.partial().optional(),
    drugs: z.record(z.string().min(1), z.record(z.string(), z.unknown())).optional(),
  })
  .transform((o) => {
    const d = defaultSettings;
    const drugs: Record<string, unknown> = { ...d.drugs };
    for (const [name, entry] of Object.entries(o.drugs ?? {})) drugs[name] = { ...d.drugs[name], ...entry };
    return {
      selfTestMs: o.selfTestMs ?? d.selfTestMs,
      rateRange: { ...d.rateRange, ...o.rateRange },
      bolusRateMlPerH: o.bolusRateMlPerH ?? d.bolusRateMlPerH,
      kvoRateMlPerH: o.kvoRateMlPerH ?? d.kvoRateMlPerH,
      linePressure: { ...d.linePressure, ...o.linePressure },
      alarms: { ...d.alarms, ...o.alarms, occlusionLimitsMmHg: { ...d.alarms.occlusionLimitsMmHg, ...o.alarms?.occlusionLimitsMmHg } },
      accuracy: { ...d.accuracy, ...o.accuracy },
      battery: { ...d.battery, ...o.battery },
      drugs,
    };
  })
  .pipe(fullSettingsSchema);
