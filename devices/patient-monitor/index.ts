import { z } from 'zod';
import type { DeviceDescriptor } from '../descriptor.ts';
import {
  ARRHYTHMIA_ALARMS,
  DEFAULT_ALARM_LIMITS,
  type HARDWARE_CONDITIONS,
  MONITOR_PARAMETERS,
  TECHNICAL_ALARMS,
  limitsProblem,
} from './alarm-limits.ts';
import { monitorDesired } from './desired.ts';
import { DEFAULT_MONITOR_SETTINGS, type MonitorSettings, type PatientMonitorMachine, patientMonitorMachine } from './machine.ts';
import { MonitorPlant } from './plant.ts';
import {
  type MonitorCommand,
  type MonitorTelemetry,
  durationMs,
  monitorCommandEvent,
  monitorCommandSchema,
  monitorStateLabel,
  monitorTelemetry,
  monitorTelemetrySchema,
} from './telemetry.ts';

const pair = z.object({ low: z.number().nullable().optional(), high: z.number().nullable().optional() }).strict();
const parameterOverride = z.object({ warn: pair.optional(), crit: pair.optional() }).strict();

/**
 * A scenario's partial settings, merged over the defaults. Durations take ms or text ("5s", "15m"); a
 * limit override replaces only the bounds it names, and `null` removes one:
 * `limits: { hr: { warn: { high: 120 } }, sbp: { warn: { high: null } } }`.
 */
export const monitorSettingsSchema = z
  .object({
    limits: z.partialRecord(z.enum(MONITOR_PARAMETERS), parameterOverride).optional(),
    alarmDelayMs: durationMs.pipe(z.number().max(60_000)).optional(),
    signalLossDelayMs: durationMs.pipe(z.number().max(300_000)).optional(),
    silenceMs: durationMs.pipe(z.number().min(1_000)).optional(),
    maxSilenceMs: durationMs.pipe(z.number().min(1_000)).optional(),
    nibpIntervalMs: durationMs
      .pipe(
        z
          .number()
          .min(60_000)
          .max(24 * 3_600_000),
      )
      .optional(),
  })
  .strict()
  .optional()
  .transform((input, ctx): MonitorSettings => {
    const { limits: overrides, ...rest } = input ?? {};
    const limits = { ...DEFAULT_ALARM_LIMITS };
    for (const parameter of MONITOR_PARAMETERS) {
      const o = overrides?.[parameter];
      if (o === undefined) continue;
      const base = DEFAULT_ALARM_LIMITS[parameter];
      limits[parameter] = { warn: { ...base.warn, ...o.warn }, crit: { ...base.crit, ...o.crit } };
      const problem = limitsProblem(parameter, limits[parameter]);
      if (problem !== undefined) ctx.issues.push({ code: 'custom', message: problem, input: o, path: ['limits', parameter] });
    }
    const defined = Object.fromEntries(Object.entries(rest).filter(([, v]) => v !== undefined));
    const settings = { ...DEFAULT_MONITOR_SETTINGS, ...defined, limits };
    if (settings.silenceMs > settings.maxSilenceMs) {
      ctx.issues.push({
        code: 'custom',
        message: `silenceMs ${settings.silenceMs} exceeds maxSilenceMs ${settings.maxSilenceMs}`,
        input,
        path: ['silenceMs'],
      });
    }
    return settings;
  });

/** Clinical use: how often the nurse set the NIBP cycle, and whether the monitor starts monitoring at boot. */
export const monitorProfileSchema = z
  .object({
    nibpIntervalMin: z.number().min(1).max(1440).optional(),
    monitoring: z.boolean().default(true),
  })
  .strict();

/** A bedside multiparameter patient monitor: ECG HR, SpO2, RR, temperature and cycled NIBP, with limit and technical alarms. */
export const patientMonitor: DeviceDescriptor<PatientMonitorMachine, MonitorTelemetry, MonitorCommand, MonitorPlant> = {
  kind: 'patient-monitor',
  title: 'Patient monitor',
  summary: 'Bedside monitor: HR, SpO2, RR, temperature, cycled NIBP; limit alarms with 5 s persistence, IEC 60601-1-8 priorities.',
  machine: patientMonitorMachine,
  defaultSettings: DEFAULT_MONITOR_SETTINGS,
  settingsSchema: monitorSettingsSchema,
  telemetrySchema: monitorTelemetrySchema,
  telemetrySorted: true,
  commandSchema: monitorCommandSchema,
  telemetryPeriodMs: 1_000,
  samplePeriodMs: 1_000,
  // Numerics buffered for 5 minutes while offline, backfilled on reconnect. IEC 60601-1-8 (6.11.2.2.2)
  // requires a technical alarm when a distributed alarm system's communication fails but sets no delay;
  // 10 s (two missed keep-alive checks' worth of numerics at the central station) is medtwin's choice.
  connectivity: { telemetry: 'buffer', telemetrySpanMs: 5 * 60_000, capacity: 600, commLossAlarmMs: 10_000, commLossPriority: 'medium' },
  measures: ['hr', 'spo2', 'rr', 'temp', 'sbp', 'dbp', 'map'],
  // The cuff is read only at a determination (every NIBP cycle, or on demand).
  measuresOnDemand: ['sbp', 'dbp', 'map'],
  conditions: [
    { name: 'ecg.lead-off', description: 'An ECG electrode is off: HR and RR read invalid; "ECG lead off" (medium) at once.' },
    { name: 'spo2.probe-off', description: 'The SpO2 probe is off the finger: SpO2 reads invalid; "SpO2 probe off" (medium) at once.' },
    { name: 'nibp.cuff-error', description: 'The NIBP cuff leaks or is kinked: each due determination fails; "NIBP cuff error" (low).' },
  ] satisfies { name: (typeof HARDWARE_CONDITIONS)[number]; description: string }[],
  profileSchema: monitorProfileSchema,
  bootEvents({ profile }) {
    const p = monitorProfileSchema.parse(profile ?? {});
    const nibpIntervalMs = p.nibpIntervalMin === undefined ? undefined : Math.round(p.nibpIntervalMin * 60_000);
    return [{ type: 'device.power-on', monitoring: p.monitoring, nibpIntervalMs }];
  },
  createInput({ id, settings, firmware }) {
    return { id, firmware: firmware ?? '1.0.0', settings: monitorSettingsSchema.parse(settings) };
  },
  createPlant: () => new MonitorPlant(),
  telemetry: monitorTelemetry,
  commandEvent: monitorCommandEvent,
  stateLabel: monitorStateLabel,
  activeAlarms: (snapshot) => snapshot.context.alarms.map((a) => a.info),
  desired: monitorDesired,
  docs: {
    states: [
      { name: 'off', description: 'Powered off; every command is rejected.' },
      { name: 'standby', description: 'Powered, not monitoring: no values, no alarms; limits and NIBP interval can be set.' },
      { name: 'monitoring', description: 'Displays HR, SpO2, RR and temperature each second, NIBP every cycle, and raises alarms.' },
    ],
    alarms: [
      ...(['hr', 'spo2', 'rr', 'temp', 'sbp', 'dbp', 'map'] as const).flatMap((p) =>
        (['low', 'high'] as const).map((side) => ({
          name: `${p}.${side}`,
          priority: 'medium' as const,
          description:
            `${p} beyond its warn ${side} limit (medium), or its crit limit (escalates to high; latched until acknowledged). ` +
            (p === 'sbp' || p === 'dbp' || p === 'map' ? 'Checked at each NIBP determination.' : 'After 5 s persistence.'),
        })),
      ),
      ...Object.entries(TECHNICAL_ALARMS).map(([name, a]) => ({
        name,
        priority: a.priority,
        description: name.endsWith('signal-loss')
          ? `${a.message}: no reading for 10 s without a detected lead/probe fault.`
          : name === 'nibp.failed'
            ? `${a.message}: a determination gave no reading; cleared by the next good one.`
            : name === 'ecg.noisy'
              ? `${a.message}: the arrhythmia analysis cannot classify the ECG (noise, poor signal).`
              : `${a.message} (hardware condition ${name}).`,
      })),
      ...Object.values(ARRHYTHMIA_ALARMS).map((a) => ({
        name: a.code,
        priority: a.priority,
        description: `${a.message}: called by the arrhythmia analysis of the ECG, at once (no persistence delay); most are false (docs/physiology.md).`,
      })),
    ],
    commands: [
      { name: 'start', description: 'Standby → monitoring; takes a first NIBP determination.' },
      { name: 'standby', description: 'Monitoring → standby; clears every alarm.' },
      {
        name: 'acknowledge {code?}',
        description: 'Acknowledge one alarm or all: audio off while the condition lasts; releases a latched alarm.',
      },
      {
        name: 'silence {durationMs? | duration?}',
        description: 'Pause audio of sounding alarms (default 2 min, at most maxSilenceMs); they sound again after.',
      },
      { name: 'nibp.start', description: 'Take an NIBP determination at the next sample; the auto cycle is unchanged.' },
      { name: 'nibp.interval {minutes}', description: 'Set the NIBP auto-cycle interval.' },
      {
        name: 'limits.set {parameter, level, low?, high?}',
        description: 'Set (number) or remove (null) a warn or crit limit; crit must lie outside warn.',
      },
    ],
    telemetry: [
      { name: 'state', description: 'off | standby | monitoring' },
      { name: 'hr', description: 'ECG heart rate; null when invalid.', unit: 'bpm' },
      { name: 'spo2', description: 'Pulse-oximeter saturation; null when invalid.', unit: '%' },
      { name: 'rr', description: 'Respiratory rate (impedance, ECG leads); null when invalid.', unit: '/min' },
      { name: 'temp', description: 'Temperature; null when invalid.', unit: '°C' },
      { name: 'nibp', description: 'Last NIBP determination {sbp, dbp, map, t (ms)}; null before the first.', unit: 'mmHg' },
      { name: 'alarms', description: 'Codes of announced alarms, oldest first.' },
    ],
    model: [
      '**How it is modelled**',
      '',
      'The machine (off, standby, monitoring) holds the commands, limits and announced alarms: their priority, latching, ' +
        'acknowledgement and silence (whose end is a timer of its own). Its plant (devices/patient-monitor/plant.ts) holds what ' +
        'the monitor displays each second, the NIBP cycle, and how long each alarm condition has been present. It tells the ' +
        'machine only when the set of conditions that have held for their delay changes: one appears (OpenICE: 5 s persistence ' +
        'for limit alarms, none for NIBP values, 10 s of no signal before "no signal"), escalates past its crit limit for the ' +
        'delay, or goes. An alarm keeps the value it was announced with. The NIBP cuff is read only at a determination ' +
        '(`measuresOnDemand`), as an oscillometric cuff inflates once per cycle.',
      '',
    ],
  },
};

export {
  patientMonitorMachine,
  DEFAULT_MONITOR_SETTINGS,
  type MonitorSettings,
  type MonitorContext,
  type MonitorEvent,
} from './machine.ts';
export { DEFAULT_ALARM_LIMITS, MONITOR_PARAMETERS, TECHNICAL_ALARMS, type AlarmLimits } from './alarm-limits.ts';
export type { MonitorAlarm } from './context.ts';
export { MonitorPlant } from './plant.ts';
export { monitorCommandSchema, monitorTelemetrySchema, type MonitorCommand, type MonitorTelemetry } from './telemetry.ts';
