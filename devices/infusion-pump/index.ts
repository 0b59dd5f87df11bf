import type { SnapshotFrom, StateValue } from 'xstate';
import { alarmCodes } from '../alarm-codes.ts';
import type { DeviceDescriptor } from '../descriptor.ts';
import { pumpDesired } from './desired.ts';
import { motorRateMlPerH } from './context.ts';
import { pumpModelDocs } from './model-docs.ts';
import { pumpMachine, type PumpEvent } from './machine.ts';
import { PUMP_SAMPLE_PERIOD_MS, PumpPlant } from './plant.ts';
import {
  PUMP_ALARMS,
  commandSchema,
  defaultSettings,
  profileSchema,
  settingsSchema,
  telemetrySchema,
  type PumpCommand,
  type PumpProfile,
  type PumpStateLabel,
  type PumpTelemetry,
} from './telemetry.ts';

type PumpSnapshot = SnapshotFrom<typeof pumpMachine>;

const round = (x: number, digits: number): number => Math.round(x * 10 ** digits) / 10 ** digits;

/** The short state label: `off`, `self-test`, `idle`, `programmed`, `infusing`, `bolus`, `paused`, `hold`, `completed`. */
export function pumpStateLabel(value: StateValue): PumpStateLabel {
  if (typeof value === 'string') return 'off';
  const therapy = (value['on'] as Record<string, StateValue> | undefined)?.['therapy'];
  if (therapy === undefined) return 'off';
  if (typeof therapy !== 'string') return (therapy as { infusing?: string }).infusing === 'bolus' ? 'bolus' : 'infusing';
  return therapy === 'selfTest' ? 'self-test' : (therapy as PumpStateLabel);
}

/** Telemetry: the mode and program from the machine, the counters, pressure and battery from the plant. */
function telemetry(snapshot: PumpSnapshot, plant: PumpPlant): PumpTelemetry {
  const c = snapshot.context;
  const p = c.program;
  // Keys in sorted order: the event log's canonical JSON of the record is then one JSON.stringify.
  return {
    alarms: alarmCodes(c.alarms, (a) => a.code),
    battery: round(plant.batteryPct, 1),
    doseRate: p === null ? null : round(p.doseRate, 3),
    doseRateUnit: p?.doseUnit ?? null,
    drug: p?.drug ?? null,
    firmware: c.firmware,
    linePressure: Math.round(plant.pressureReadingMmHg),
    programmedRate: p === null ? null : round(p.rateMlPerH, 2),
    rate: round(motorRateMlPerH(c.settings, p, c.flow), 2),
    remaining: p === null ? null : round(Math.max(0, p.vtbiMl - plant.volumeInfusedMl), 2),
    state: pumpStateLabel(snapshot.value),
    volumeInfused: round(plant.volumeInfusedMl, 2),
    vtbi: p?.vtbiMl ?? null,
  };
}

function commandEvent(command: PumpCommand): PumpEvent {
  const { type, ...rest } = command;
  switch (type) {
    case 'acknowledge':
      return { type: 'alarm.acknowledge', ...rest };
    case 'program':
      return { type: 'infusion.program', ...(rest as Omit<Extract<PumpCommand, { type: 'program' }>, 'type'>) };
    case 'bolus':
      return { type: 'infusion.bolus', ...(rest as Omit<Extract<PumpCommand, { type: 'bolus' }>, 'type'>) };
    default:
      return { type: `infusion.${type}`, ...rest };
  }
}

/** A large-volume infusion pump with a DERS drug library, IEC 60601-1-8 alarms, KVO and a battery. */
export const infusionPump: DeviceDescriptor<typeof pumpMachine, PumpTelemetry, PumpCommand, PumpPlant> = {
  kind: 'infusion-pump',
  title: 'Large-volume infusion pump',
  summary:
    'Volumetric pump with a dose-error-reduction drug library (soft/hard limits), occlusion, air-in-line, door ' +
    'and battery alarms, bolus and keep-vein-open.',
  machine: pumpMachine,
  defaultSettings,
  settingsSchema,
  telemetrySchema,
  telemetrySorted: true,
  commandSchema,
  telemetryPeriodMs: 5000,
  samplePeriodMs: PUMP_SAMPLE_PERIOD_MS,
  // A pump keeps infusing standalone: it keeps its events and alarms for the server and drops its
  // periodic status (the next one says it all). Comm-loss after a minute is medtwin's choice (no
  // standard figure; IEC 60601-1-8 6.11.2.2.2 asks only that the failure be a technical alarm).
  connectivity: { telemetry: 'drop', telemetrySpanMs: 0, capacity: 500, commLossAlarmMs: 60_000, commLossPriority: 'low' },
  measures: [],
  conditions: [
    {
      name: 'occlusion.downstream',
      description:
        '1 = line closed below the pump: pumped volume is stored in the set and pressure builds, faster at higher rates; ' +
        '0 = the line opens and gives the stored volume to the patient as a bolus',
    },
    { name: 'occlusion.upstream', description: '1 = no fluid reaches the pump (clamped or empty container); nothing is delivered' },
    { name: 'air-in-line', description: '1 = air at the detector; alarms while pumping and blocks start/resume' },
    { name: 'door.open', description: '1 = pump door open; alarms while pumping and blocks start/resume' },
    {
      name: 'battery.drain-factor',
      description:
        'Runs the pump from its battery at factor × normal drain (1 = unplugged, 10 = failing battery, 0 = none); ' +
        'absent: settings.battery.mainsPowered (default true) keeps the charge',
    },
    {
      name: 'rate.error-factor',
      description: "Delivered = programmed × the pump's own accuracy × factor (default 1); the pump still reports the programmed rate",
    },
  ],
  profileSchema,
  bootEvents({ profile }) {
    const program = profile as PumpProfile | undefined;
    return [program === undefined ? { type: 'device.power-on' } : { type: 'device.power-on', program }];
  },
  createInput({ id, settings, firmware }) {
    return { id, firmware: firmware ?? '3.2.1', settings: settingsSchema.parse(settings ?? {}) };
  },
  createPlant: (input, rng) => new PumpPlant(input, rng),
  telemetry,
  commandEvent,
  stateLabel: (snapshot) => pumpStateLabel(snapshot.value),
  activeAlarms: (snapshot) => snapshot.context.alarms,
  delivery: (_snapshot, plant) => plant.delivery(),
  desired: pumpDesired,
  docs: {
    states: [
      { name: 'off', description: 'Powered off; commands are rejected' },
      { name: 'self-test', description: 'Power-on self-test (settings.selfTestMs); a boot profile is programmed and started after it' },
      { name: 'idle', description: 'Ready, no program' },
      { name: 'programmed', description: 'A program passed the drug library; waiting for start' },
      { name: 'infusing', description: 'Delivering the programmed rate; volume counts toward VTBI' },
      { name: 'bolus', description: 'Delivering a bolus at settings.bolusRateMlPerH, then back to infusing' },
      { name: 'paused', description: 'Stopped by the clinician; resume continues' },
      { name: 'hold', description: 'Flow stopped by a high-priority alarm; resume once its cause is cleared' },
      { name: 'completed', description: 'VTBI reached; running keep-vein-open (KVO) until stop or a new program' },
    ],
    alarms: Object.entries(PUMP_ALARMS).map(([name, a]) => ({ name, description: a.message, priority: a.priority })),
    commands: [
      {
        name: 'program',
        description:
          '{drug, rate (mL/h) | doseRate (dose unit), vtbi (mL), weightKg?, confirmSoftLimit?}, checked against the drug library',
      },
      { name: 'start', description: 'Start a programmed infusion' },
      { name: 'pause', description: 'Pause infusing (a running bolus is abandoned)' },
      { name: 'resume', description: 'Resume after pause or after an alarm hold' },
      { name: 'stop', description: 'End the infusion (or KVO) and clear the program' },
      { name: 'bolus', description: '{amount (drug amount unit), confirmSoftLimit?} — while infusing, within the library bolus limits' },
      { name: 'acknowledge', description: '{code?} — acknowledge one alarm, or all (IEC 60601-1-8: audio off until the condition ends)' },
    ],
    telemetry: [
      { name: 'state', description: 'State label' },
      { name: 'drug', description: 'Programmed drug' },
      { name: 'rate', description: 'Rate the pump drives now (programmed, bolus or KVO)', unit: 'mL/h' },
      { name: 'programmedRate', description: 'Programmed rate', unit: 'mL/h' },
      { name: 'doseRate', description: 'Programmed dose rate, in doseRateUnit' },
      { name: 'doseRateUnit', description: 'Drug library dose unit (U/h, mcg/min, mg/kg/h...)' },
      { name: 'vtbi', description: 'Volume to be infused', unit: 'mL' },
      { name: 'volumeInfused', description: 'Volume the pump counted', unit: 'mL' },
      { name: 'remaining', description: 'VTBI minus volume infused', unit: 'mL' },
      { name: 'linePressure', description: 'Downstream line pressure', unit: 'mmHg' },
      { name: 'battery', description: 'Battery charge', unit: '%' },
      { name: 'firmware', description: 'Firmware version' },
      { name: 'alarms', description: 'Codes of active alarms' },
    ],
    model: pumpModelDocs(defaultSettings),
  },
};

export { pumpMachine, type PumpContext, type PumpEvent, type PumpInput, type ActiveAlarm } from './machine.ts';
export { PumpPlant } from './plant.ts';
export { DEFAULT_DRUG_LIBRARY, checkProgram, checkBolus, type DrugEntry, type DrugLibrary } from './drug-library.ts';
export { PUMP_ALARMS, defaultSettings, type PumpSettings, type PumpTelemetry, type PumpCommand } from './telemetry.ts';
