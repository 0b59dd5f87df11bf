import type { SnapshotFrom } from 'xstate';
import { z } from 'zod';
import { InputError } from '../../src/core/errors.ts';
import { parseDuration } from '../../src/core/duration.ts';
import { alarmCodes } from '../alarm-codes.ts';
import { PROFILE_COMMAND_ID } from '../commands.ts';
import type { DeviceDescriptor } from '../descriptor.ts';
import { type CgmSettings, cgmMode } from './context.ts';
import { cgmMachine, type CgmEvent } from './machine.ts';
import { CgmPlant } from './plant.ts';
import {
  CGM_ALARMS,
  displayValue,
  cgmCommandSchema,
  cgmTelemetrySchema,
  type CgmCommand,
  type CgmStateLabel,
  type CgmTelemetry,
} from './telemetry.ts';

export { cgmMachine, type CgmContext, type CgmEvent, type CgmInput, type CgmSettings } from './machine.ts';
export { CgmPlant } from './plant.ts';
export {
  trendArrow,
  rateOfChange,
  displayValue,
  URGENT_LOW_MG_DL,
  cgmCommandSchema,
  cgmTelemetrySchema,
  type CgmCommand,
  type CgmTelemetry,
  type TrendArrow,
} from './telemetry.ts';

const MIN = 60_000;
const HOUR = 60 * MIN;

export const defaultCgmSettings: CgmSettings = {
  warmUpMs: 2 * HOUR,
  sensorLifeMs: 10 * 24 * HOUR,
  highMgDl: 250,
  lowMgDl: 70,
  highEnabled: true,
  lowEnabled: true,
  urgentLowSoonEnabled: true,
  signalLossEnabled: true,
  signalLossSamples: 4,
  snoozeMs: 30 * MIN,
  backfillMs: 3 * HOUR,
};

const duration = (what: string) =>
  z.union([z.string(), z.number()]).transform((value, ctx) => {
    try {
      return parseDuration(value, what);
    } catch (error) {
      ctx.addIssue({ code: 'custom', message: (error as Error).message });
      return z.NEVER;
    }
  });

/** A partial override of the CGM settings, merged over the defaults. Durations take "2h", "30m" or ms. */
export const cgmSettingsSchema = z
  .object({
    warmUp: duration('warmUp'),
    sensorLife: duration('sensorLife'),
    // Dexcom G6 adjustable ranges: high 120–400, low 60–100 mg/dL.
    highMgDl: z.number().min(120).max(400),
    lowMgDl: z.number().min(60).max(100),
    highEnabled: z.boolean(),
    lowEnabled: z.boolean(),
    urgentLowSoonEnabled: z.boolean(),
    signalLossEnabled: z.boolean(),
    signalLossSamples: z.number().int().min(1).max(288),
    snooze: duration('snooze'),
    backfill: duration('backfill'),
  })
  .partial()
  .strict()
  .transform(
    ({ warmUp, sensorLife, snooze, backfill, ...rest }): CgmSettings => ({
      ...defaultCgmSettings,
      ...rest,
      ...(warmUp !== undefined ? { warmUpMs: warmUp } : {}),
      ...(sensorLife !== undefined ? { sensorLifeMs: sensorLife } : {}),
      ...(snooze !== undefined ? { snoozeMs: snooze } : {}),
      ...(backfill !== undefined ? { backfillMs: backfill } : {}),
    }),
  );

/** How a CGM is in use at t=0: `sensorAge` lets a run start mid-session (skipping warm-up if past it). */
export const cgmProfileSchema = z.looseObject({ sensorAge: duration('sensorAge').optional() });

type Snapshot = SnapshotFrom<typeof cgmMachine>;

function stateLabel(snapshot: Snapshot): CgmStateLabel {
  return cgmMode(snapshot.value);
}

/** Telemetry: the state, session and alarms from the machine, the reading and trend from the plant. */
function telemetry(snapshot: Snapshot, plant: CgmPlant): CgmTelemetry {
  const c = snapshot.context;
  const state = stateLabel(snapshot);
  const current = plant.current(c);
  const shown = current === null ? null : displayValue(current);
  return {
    state,
    glucose: shown?.glucose ?? null,
    display: shown?.display ?? null,
    trend: plant.trend,
    rateOfChange: plant.rate === null ? null : Math.round(plant.rate * 100) / 100,
    sensorAgeMs: c.sensorStartedAt === null ? null : plant.t - c.sensorStartedAt,
    warmUpRemainingMs:
      state === 'warm-up' && c.sensorStartedAt !== null ? Math.max(0, c.sensorStartedAt + c.settings.warmUpMs - plant.t) : null,
    alarms: alarmCodes(c.alarms, (a) => a.code),
  };
}

function commandEvent(command: CgmCommand, at: { t: number; plant: CgmPlant }): CgmEvent {
  const id = command.commandId !== undefined ? { commandId: command.commandId } : {};
  switch (command.type) {
    case 'acknowledge':
      return { type: 'alarm.acknowledge', t: at.t, ...id, ...(command.code !== undefined ? { code: command.code } : {}) };
    case 'calibrate':
      // A receiver calibrates against the sensor value it shows when the fingerstick is entered.
      return { type: 'sensor.calibrate', glucose: command.glucose, raw: at.plant.lastRaw, ...id };
    case 'sensor.start':
      return { type: 'sensor.start', t: at.t, ...id };
    case 'sensor.stop':
      return { type: 'sensor.stop', ...id };
  }
}

export const cgmDescriptor: DeviceDescriptor<typeof cgmMachine, CgmTelemetry, CgmCommand, CgmPlant> = {
  kind: 'cgm',
  title: 'Continuous glucose monitor',
  summary:
    'A Dexcom G6-style CGM: warm-up, a reading every 5 minutes with a trend arrow, glucose alerts, signal loss, 3 h backfill, 10-day sensor life.',
  machine: cgmMachine,
  defaultSettings: defaultCgmSettings,
  settingsSchema: cgmSettingsSchema,
  telemetrySchema: cgmTelemetrySchema,
  commandSchema: cgmCommandSchema,
  telemetryPeriodMs: 5 * MIN,
  samplePeriodMs: 5 * MIN,
  // Dexcom G6: readings missed during a signal loss are backfilled, up to 3 h; the Signal Loss alert
  // comes after 20 minutes without readings by default (Dexcom G6 CGM System User Guide, LBL014003).
  connectivity: { telemetry: 'buffer', telemetrySpanMs: 3 * HOUR, capacity: 48, commLossAlarmMs: 20 * MIN, commLossPriority: 'low' },
  measures: ['glucose'],
  conditions: [{ name: 'sensor.error', description: '1 while the sensor reports an error (no readings; raises sensor.error).' }],
  profileSchema: cgmProfileSchema,
  bootEvents({ profile, t }) {
    const parsed = profile === undefined ? {} : cgmProfileSchema.parse(profile);
    return [
      { type: 'device.power-on' },
      { type: 'sensor.start', t, commandId: PROFILE_COMMAND_ID, ...(parsed.sensorAge !== undefined ? { ageMs: parsed.sensorAge } : {}) },
    ];
  },
  createInput({ id, settings, firmware }) {
    const result = cgmSettingsSchema.safeParse(settings ?? {});
    if (!result.success) {
      const problems = result.error.issues.map((i) => `${i.path.join('.') || '(settings)'}: ${i.message}`).join('; ');
      throw new InputError('E_SETTINGS', `cgm "${id}" settings: ${problems}`);
    }
    return { id, firmware: firmware ?? '1.0.0', settings: result.data };
  },
  createPlant: (input, rng) => new CgmPlant(input.settings, rng),
  telemetry,
  commandEvent,
  stateLabel,
  activeAlarms: (snapshot) => snapshot.context.alarms.map(({ status: _status, until: _until, ...info }) => info),
  backfill: (plant, since) => plant.backfill.filter((r) => r.t > since),
  docs: {
    states: [
      { name: 'off', description: 'Receiver off.' },
      { name: 'no-sensor', description: 'On, no sensor session (after sensor.stop).' },
      { name: 'warm-up', description: 'New sensor warming up (default 2 h, Dexcom G6; G7 30 min): no readings.' },
      { name: 'active', description: 'A reading every 5 minutes with a trend arrow; glucose alerts evaluated on each reading.' },
      { name: 'signal-loss', description: 'No reading for `signalLossSamples` consecutive samples (default 4 = 20 min).' },
      { name: 'sensor-error', description: 'The sensor reports an error (condition sensor.error): no readings until it clears.' },
      { name: 'expired', description: 'Sensor session over (default 10 days): replace with sensor.start.' },
    ],
    alarms: Object.entries(CGM_ALARMS).map(([name, a]) => ({ name, description: a.message, priority: a.priority })),
    commands: [
      {
        name: 'acknowledge',
        description: '{code?}: silences glucose alarms for the snooze time (default 30 min), acknowledges technical ones; all if no code.',
      },
      {
        name: 'calibrate',
        description: '{glucose}: 40–400 mg/dL; sets an additive offset so the current reading equals the value (until the next sensor).',
      },
      { name: 'sensor.start', description: 'Starts a new sensor session: warm-up again, calibration reset.' },
      { name: 'sensor.stop', description: 'Ends the sensor session.' },
    ],
    telemetry: [
      { name: 'state', description: 'One of off, no-sensor, warm-up, active, signal-loss, sensor-error, expired.' },
      { name: 'glucose', description: 'Current reading, whole numbers 40–400; null without a current reading.', unit: 'mg/dL' },
      { name: 'display', description: 'LOW below 40, HIGH above 400 mg/dL, else null.' },
      {
        name: 'trend',
        description: 'Dexcom trend arrow: doubleUp, singleUp, fortyFiveUp, flat, fortyFiveDown, singleDown, doubleDown, none.',
      },
      { name: 'rateOfChange', description: 'Least-squares slope of the last 15 minutes of readings.', unit: 'mg/dL/min' },
      { name: 'sensorAgeMs', description: 'Time since the sensor session started.', unit: 'ms' },
      { name: 'warmUpRemainingMs', description: 'Time left in warm-up, else null.', unit: 'ms' },
      { name: 'alarms', description: 'Codes of the alarms present.' },
    ],
    model: [
      '**How it is modelled**',
      '',
      'The machine holds the receiver and sensor session (warm-up and sensor life are timers), the calibration offset and the ' +
        'announced alarms, with their snooze (a timer). Its plant (devices/cgm/plant.ts) holds the sensor side: the raw reading ' +
        'of each 5-minute cycle, the last 15 minutes of readings for the trend arrow, the 3 h backfill buffer and the count of ' +
        'missed readings. It tells the machine when the sensor fails or recovers, when the signal is lost (after ' +
        '`signalLossSamples` missed readings) or back, and when the glucose alarms a reading calls for differ from those ' +
        'announced. A calibration takes the raw value shown when it arrives.',
      '',
    ],
  },
};
