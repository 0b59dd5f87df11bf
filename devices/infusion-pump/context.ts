import type { AlarmInfo, DeviceConditions } from '../descriptor.ts';
import { INITIAL_WATCH, type WatchState, type WatchedCode } from './alarms.ts';
import type { InfusionProgram, ProgramRequest } from './drug-library.ts';
import type { PumpSettings } from './telemetry.ts';

/** The pump's data: input, machine context and events. */

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

export interface PumpContext {
  id: string;
  firmware: string;
  settings: PumpSettings;
  program: InfusionProgram | null;
  /** Boot profile, programmed and started once the self-test passes. */
  queued: ProgramRequest | null;
  flow: Flow;
  /**
   * The flow the next sample integrates over: the one running right after the previous sample. Timers
   * (self-test end, alarm holds) fire just before a sample due at the same time, so their changes count
   * from that sample on; a command's change counts from the next sample (at most one period late).
   */
  intervalFlow: Flow;
  /** What the pump counted (programmed rate × time); the truth is `deliveredMl`. */
  volumeInfusedMl: number;
  deliveredMl: number;
  bolus: { volumeMl: number; infusedMl: number } | null;
  /** Noise-free line pressure and the sensor's reading of it, mmHg. */
  pressureMmHg: number;
  linePressureMmHg: number;
  batteryPct: number;
  conditions: DeviceConditions;
  lastSampleT: number | null;
  alarms: ActiveAlarm[];
  /** Where each watched alarm condition stands (clear, persisting, announced) while the pump is on. */
  watch: WatchState;
}

type Command<T extends string, P = object> = { type: T; commandId?: string } & P;
export type SampleEvent = { type: 'sensor.sample'; t: number; conditions: DeviceConditions; noise: number };
export type PumpEvent =
  | { type: 'device.power-on'; program?: ProgramRequest }
  | { type: 'device.power-off' }
  | SampleEvent
  | Command<'infusion.program', ProgramRequest>
  | Command<'infusion.start'>
  | Command<'infusion.pause'>
  | Command<'infusion.resume'>
  | Command<'infusion.stop'>
  | Command<'infusion.bolus', { amount: number; confirmSoftLimit?: boolean }>
  | Command<'alarm.acknowledge', { code?: string }>;
/** Internal: a watched condition has persisted for its delay (the machine schedules it for itself). */
export type AlarmPersistedEvent = { type: 'alarm.persisted'; code: WatchedCode };
/** Every event the machine takes. */
export type PumpMachineEvent = PumpEvent | AlarmPersistedEvent;

export function initialContext(input: PumpInput): PumpContext {
  return {
    id: input.id,
    firmware: input.firmware,
    settings: input.settings,
    program: null,
    queued: null,
    flow: 'none',
    intervalFlow: 'none',
    volumeInfusedMl: 0,
    deliveredMl: 0,
    bolus: null,
    pressureMmHg: input.settings.linePressure.baselineMmHg,
    linePressureMmHg: input.settings.linePressure.baselineMmHg,
    batteryPct: input.settings.battery.initialPct,
    conditions: {},
    lastSampleT: null,
    alarms: [],
    watch: INITIAL_WATCH,
  };
}
