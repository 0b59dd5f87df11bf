import { z } from 'zod';
import { nearestName } from '../../src/core/errors.ts';

/**
 * Dose error reduction software (DERS): the drug library a pump checks every program and bolus against.
 * Limits are in the drug's dose unit; a program over a hard limit is refused outright, one over a soft
 * limit needs the clinician's explicit confirmation (`confirmSoftLimit: true`).
 */

export const DOSE_UNITS = ['mL/h', 'U/h', 'mcg/min', 'mcg/kg/min', 'mg/h', 'mg/kg/h'] as const;
export type DoseUnit = (typeof DOSE_UNITS)[number];

// How a dose unit converts to mL/h: amount unit, per-minute or per-hour, per-kg or not.
const UNIT_PARTS: Record<DoseUnit, { amount: string; perMinute: boolean; perKg: boolean }> = {
  'mL/h': { amount: 'mL', perMinute: false, perKg: false },
  'U/h': { amount: 'U', perMinute: false, perKg: false },
  'mcg/min': { amount: 'mcg', perMinute: true, perKg: false },
  'mcg/kg/min': { amount: 'mcg', perMinute: true, perKg: true },
  'mg/h': { amount: 'mg', perMinute: false, perKg: false },
  'mg/kg/h': { amount: 'mg', perMinute: false, perKg: true },
};

const limitsSchema = z
  .strictObject({ softMax: z.number().positive(), hardMax: z.number().positive() })
  .refine((l) => l.softMax <= l.hardMax, { message: 'softMax must not exceed hardMax' });

export const drugEntrySchema = z.strictObject({
  label: z.string().min(1),
  /** Drug amount per mL, in the amount unit of `doseUnit` (U/mL, mcg/mL, mg/mL; 1 for mL/h fluids). */
  concentration: z.number().positive(),
  doseUnit: z.enum(DOSE_UNITS),
  /** Dose rates and bolus amounts must be multiples of this (insulin: 0.05 U). */
  doseStep: z.number().positive().optional(),
  /** Continuous dose-rate limits, in `doseUnit`. */
  rate: limitsSchema,
  /** Bolus limits in the amount unit; absent means no bolus for this drug. */
  bolus: limitsSchema.optional(),
  /** Keep-vein-open rate after VTBI, mL/h; falls back to the pump's `kvoRateMlPerH`. */
  kvoRateMlPerH: z.number().nonnegative().optional(),
});
export type DrugEntry = z.output<typeof drugEntrySchema>;
export type DrugLibrary = Readonly<Record<string, DrugEntry>>;

/** Illustrative adult ICU entries, in the range of published hospital libraries; not for clinical use. */
export const DEFAULT_DRUG_LIBRARY: DrugLibrary = {
  // 100 U regular insulin in 100 mL NS. Limits from DESIGN.md (simglucose/LoopKit): basal 0–35 U/h in
  // 0.05 U steps, typical configured max 5 U/h; bolus 0–75 U, typical max 25 U.
  insulin: {
    label: 'Insulin regular 1 U/mL',
    concentration: 1,
    doseUnit: 'U/h',
    doseStep: 0.05,
    rate: { softMax: 5, hardMax: 35 },
    bolus: { softMax: 25, hardMax: 75 },
    kvoRateMlPerH: 0.5,
  },
  // 25,000 units in 250 mL.
  heparin: {
    label: 'Heparin 100 units/mL',
    concentration: 100,
    doseUnit: 'U/h',
    rate: { softMax: 2000, hardMax: 4000 },
    bolus: { softMax: 5000, hardMax: 10000 },
  },
  // 4 mg in 250 mL; vasopressor, no bolus.
  norepinephrine: {
    label: 'Norepinephrine 16 mcg/mL',
    concentration: 16,
    doseUnit: 'mcg/min',
    rate: { softMax: 30, hardMax: 100 },
  },
  // 1 % emulsion; soft 80, hard 200 mcg/kg/min expressed per hour.
  propofol: {
    label: 'Propofol 10 mg/mL',
    concentration: 10,
    doseUnit: 'mg/kg/h',
    rate: { softMax: 4.8, hardMax: 12 },
  },
  'normal-saline': {
    label: 'Sodium chloride 0.9 %',
    concentration: 1,
    doseUnit: 'mL/h',
    rate: { softMax: 500, hardMax: 999 },
    bolus: { softMax: 500, hardMax: 1000 },
    kvoRateMlPerH: 5,
  },
};

/** What a clinician (or a boot profile) asks the pump to infuse. Exactly one of `rate`/`doseRate`. */
export interface ProgramRequest {
  drug: string;
  /** mL/h. */
  rate?: number;
  /** In the drug's dose unit (U/h, mcg/min, mg/kg/h...). */
  doseRate?: number;
  /** Volume to be infused, mL. */
  vtbi: number;
  /** Needed for weight-based dose units. */
  weightKg?: number;
  confirmSoftLimit?: boolean;
}

/** A program that passed DERS. */
export interface InfusionProgram {
  drug: string;
  rateMlPerH: number;
  doseRate: number;
  doseUnit: DoseUnit;
  /** Amount unit of the drug (U, mcg, mg, mL) and amount per mL. */
  amountUnit: string;
  concentration: number;
  vtbiMl: number;
  weightKg?: number;
}

export type DersVerdict<T> = { ok: true; value: T; detail?: string } | { ok: false; code: string; reason: string };

export interface PumpRange {
  minMlPerH: number;
  maxMlPerH: number;
}

/** mL/h for a dose rate in `unit`. */
export function doseToMlPerH(dose: number, unit: DoseUnit, concentration: number, weightKg = 1): number {
  const p = UNIT_PARTS[unit];
  return (dose * (p.perKg ? weightKg : 1) * (p.perMinute ? 60 : 1)) / concentration;
}

/** Dose rate in `unit` for a volume rate in mL/h. */
export function mlPerHToDose(mlPerH: number, unit: DoseUnit, concentration: number, weightKg = 1): number {
  const p = UNIT_PARTS[unit];
  return (mlPerH * concentration) / (p.perKg ? weightKg : 1) / (p.perMinute ? 60 : 1);
}

export function amountUnitOf(unit: DoseUnit): string {
  return UNIT_PARTS[unit].amount;
}

/** Checks a program against the library and the pump's mechanical range. */
export function checkProgram(library: DrugLibrary, range: PumpRange, req: ProgramRequest): DersVerdict<InfusionProgram> {
  const found = lookup(library, req.drug);
  if (!found.ok) return found;
  const entry = found.value;
  const unit = entry.doseUnit;
  const perKg = UNIT_PARTS[unit].perKg;
  if (perKg && req.weightKg === undefined) {
    return { ok: false, code: 'ders.weight-required', reason: `${req.drug} is dosed in ${unit}; program needs weightKg` };
  }
  const weight = perKg ? req.weightKg : undefined;
  const doseRate = req.doseRate ?? mlPerHToDose(req.rate ?? 0, unit, entry.concentration, weight);
  const rateMlPerH = req.rate ?? doseToMlPerH(doseRate, unit, entry.concentration, weight);
  if (entry.doseStep !== undefined && !isMultiple(doseRate, entry.doseStep)) {
    return {
      ok: false,
      code: 'ders.step',
      reason: `${req.drug} ${round(doseRate)} ${unit} is not a multiple of ${entry.doseStep} ${unit}`,
    };
  }
  if (rateMlPerH < range.minMlPerH || rateMlPerH > range.maxMlPerH) {
    return {
      ok: false,
      code: 'pump.rate-range',
      reason: `${round(rateMlPerH)} mL/h is outside the pump's range ${range.minMlPerH}–${range.maxMlPerH} mL/h`,
    };
  }
  const limit = checkLimit(req.drug, doseRate, unit, entry.rate, req.confirmSoftLimit);
  if (!limit.ok) return limit;
  const program: InfusionProgram = {
    drug: req.drug,
    rateMlPerH,
    doseRate,
    doseUnit: unit,
    amountUnit: UNIT_PARTS[unit].amount,
    concentration: entry.concentration,
    vtbiMl: req.vtbi,
    ...(weight === undefined ? {} : { weightKg: weight }),
  };
  return { ok: true, value: program, ...(limit.detail === undefined ? {} : { detail: limit.detail }) };
}

/** Checks a bolus `amount` (in the drug's amount unit) and returns its volume in mL. */
export function checkBolus(
  library: DrugLibrary,
  program: InfusionProgram,
  amount: number,
  confirmSoftLimit?: boolean,
): DersVerdict<number> {
  const found = lookup(library, program.drug);
  if (!found.ok) return found;
  const entry = found.value;
  const unit = program.amountUnit;
  if (entry.bolus === undefined) {
    return { ok: false, code: 'ders.bolus-not-allowed', reason: `the drug library allows no bolus of ${program.drug}` };
  }
  if (entry.doseStep !== undefined && !isMultiple(amount, entry.doseStep)) {
    const reason = `${program.drug} bolus ${amount} ${unit} is not a multiple of ${entry.doseStep} ${unit}`;
    return { ok: false, code: 'ders.step', reason };
  }
  const limit = checkLimit(`${program.drug} bolus`, amount, unit, entry.bolus, confirmSoftLimit);
  if (!limit.ok) return limit;
  const volumeMl = amount / program.concentration;
  return { ok: true, value: volumeMl, ...(limit.detail === undefined ? {} : { detail: limit.detail }) };
}

function lookup(library: DrugLibrary, drug: string): DersVerdict<DrugEntry> {
  const entry = Object.hasOwn(library, drug) ? library[drug] : undefined;
  if (entry !== undefined) return { ok: true, value: entry };
  const names = Object.keys(library);
  const hint = nearestName(drug, names);
  const suggestion = hint === undefined ? '' : ` (did you mean "${hint}"?)`;
  const reason = `drug "${drug}" is not in the drug library${suggestion}; known: ${names.join(', ')}`;
  return { ok: false, code: 'ders.unknown-drug', reason };
}

function checkLimit(
  what: string,
  value: number,
  unit: string,
  limits: { softMax: number; hardMax: number },
  confirmed: boolean | undefined,
): { ok: true; detail?: string } | { ok: false; code: string; reason: string } {
  const shown = `${what} ${round(value)} ${unit}`;
  // DERS hard limit: never overridable at the pump.
  if (value > limits.hardMax) {
    return { ok: false, code: 'ders.hard-limit', reason: `${shown} exceeds the hard limit of ${limits.hardMax} ${unit}` };
  }
  // DERS soft limit: allowed only with explicit confirmation.
  if (value > limits.softMax) {
    if (confirmed !== true) {
      return {
        ok: false,
        code: 'ders.soft-limit-confirm',
        reason: `${shown} is above the soft limit of ${limits.softMax} ${unit}; resend with confirmSoftLimit: true to confirm`,
      };
    }
    return { ok: true, detail: `soft limit ${limits.softMax} ${unit} overridden` };
  }
  return { ok: true };
}

function isMultiple(value: number, step: number): boolean {
  const n = value / step;
  return Math.abs(n - Math.round(n)) < 1e-6;
}

function round(x: number): number {
  return Math.round(x * 1000) / 1000;
}
