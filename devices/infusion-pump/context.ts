import type { AlarmInfo } from '../descriptor.ts';
import type { InfusionProgram, ProgramRequest } from './drug-library.ts';
import type { PumpSettings } from './telemetry.ts';

/** The pump machine's data: its input, context and events. The continuous quantities are in plant.ts. */

export interface PumpInput {
  id: string;
  firmware: string;
  settings: PumpSettings;
}

/** An alarm as the pump holds it: IEC 60601-1-8 "acknowledged" silences it until its condition ends. */
export interface ActiveAlarm extends AlarmInfo {
  status: 'active' | 'acknowledged';
}

/** What the motor is driving: nothing, the programmed rate, a bolus, or keep-vein-open. */
export type Flow = 'none' | 'basal' | 'bolus' | 'kvo';

/** Downstream line pressure against the occlusion limit: over it, between it and 80 % of it, or below. */
export type PressureBand = 'normal' | 'elevated' | 'over';
export type BatteryBand = 'ok' | 'low' | 'depleted';
/** The on/off detectors of a volumetric pump, named as the hardware conditions that trip them. */
export const DETECTORS = ['occlusion.upstream', 'air-in-line', 'door.open'] as const;
export type Detector = (typeof DETECTORS)[number];

/** What the pump's sensors last told its firmware: the plant sends a change when it happens. */
export interface PumpSensors {
  pressure: PressureBand;
  /** The line-pressure reading at the last band change, mmHg. */
  pressureMmHg: number;
  battery: BatteryBand;
  batteryPct: number;
  detectors: Readonly<Record<Detector, boolean>>;
}

export interface PumpContext {
  id: string;
  firmware: string;
  settings: PumpSettings;
  program: InfusionProgram | null;
  /** Boot profile, programmed and started once the self-test passes. */
  queued: ProgramRequest | null;
  flow: Flow;
  /** The bolus running or last given; a new object for each bolus. */
  bolus: { volumeMl: number } | null;
  sensors: PumpSensors;
  alarms: ActiveAlarm[];
}

type Command<T extends string, P = object> = { type: T; commandId?: string } & P;
export type PumpCommandEvent =
  | Command<'infusion.program', ProgramRequest>
  | Command<'infusion.start'>
  | Command<'infusion.pause'>
  | Command<'infusion.resume'>
  | Command<'infusion.stop'>
  | Command<'infusion.bolus', { amount: number; confirmSoftLimit?: boolean }>
  | Command<'alarm.acknowledge', { code?: string }>;

/** What the plant tells the machine: a threshold crossed, a detector tripped, a volume reached. */
export type PumpPlantEvent =
  | { type: 'line.pressure'; band: PressureBand; mmHg: number }
  | { type: 'battery.level'; band: BatteryBand; pct: number }
  | { type: 'detector.changed'; detector: Detector; on: boolean }
  | { type: 'infusion.vtbi-reached' }
  | { type: 'infusion.bolus-done' };

export type PumpEvent =
  | { type: 'device.power-on'; program?: ProgramRequest }
  | { type: 'device.power-off' }
  | PumpCommandEvent
  | PumpPlantEvent;

export const INITIAL_SENSORS: PumpSensors = {
  pressure: 'normal',
  pressureMmHg: 0,
  battery: 'ok',
  batteryPct: 100,
  detectors: { 'occlusion.upstream': false, 'air-in-line': false, 'door.open': false },
};

export function initialContext(input: PumpInput): PumpContext {
  return {
    id: input.id,
    firmware: input.firmware,
    settings: input.settings,
    program: null,
    queued: null,
    flow: 'none',
    bolus: null,
    sensors: { ...INITIAL_SENSORS, pressureMmHg: input.settings.linePressure.baselineMmHg, batteryPct: input.settings.battery.initialPct },
    alarms: [],
  };
}

/** The occlusion alarm limit of the pressure setting in use, mmHg. */
export function occlusionLimitMmHg(settings: PumpSettings): number {
  return settings.alarms.occlusionLimitsMmHg[settings.alarms.occlusionLevel];
}

/** mL/h the motor drives for `flow` and `program`, as the pump believes. KVO never exceeds the programmed rate. */
export function motorRateMlPerH(settings: PumpSettings, program: InfusionProgram | null, flow: Flow): number {
  if (program === null || flow === 'none') return 0;
  if (flow === 'basal') return program.rateMlPerH;
  if (flow === 'bolus') return settings.bolusRateMlPerH;
  const kvo = settings.drugs[program.drug]?.kvoRateMlPerH ?? settings.kvoRateMlPerH;
  return Math.min(kvo, program.rateMlPerH);
}
