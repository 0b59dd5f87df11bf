import type { AlarmInfo } from '../descriptor.ts';

/** The CGM machine's data: settings, input, context and events. The sensor's readings live in plant.ts. */

export interface CgmSettings {
  /** Sensor warm-up before the first reading: Dexcom G6 2 h, G7 30 min. */
  warmUpMs: number;
  /** Sensor session length: Dexcom G6 10 days. */
  sensorLifeMs: number;
  /** High alert, mg/dL (Dexcom's adjustable range 120–400). */
  highMgDl: number;
  /** Low alert, mg/dL (Dexcom's adjustable range 60–100). */
  lowMgDl: number;
  highEnabled: boolean;
  lowEnabled: boolean;
  urgentLowSoonEnabled: boolean;
  signalLossEnabled: boolean;
  /** Consecutive missing samples before signal loss: 4 × 5 min = Dexcom G6's 20-minute default. */
  signalLossSamples: number;
  /** An acknowledged glucose alarm sounds again after this long if still present (Dexcom repeats urgent low after 30 min). */
  snoozeMs: number;
  /** Readings kept for backfill after a link outage: Dexcom G6 backfills up to 3 h. */
  backfillMs: number;
}

export interface CgmInput {
  id: string;
  firmware: string;
  settings: CgmSettings;
}

export interface ActiveAlarm extends AlarmInfo {
  status: 'active' | 'acknowledged' | 'silenced';
  until?: number;
}

export interface CgmContext extends CgmInput {
  /** When the sensor session started (so its age at start was already counted), ms; null without a session. */
  sensorStartedAt: number | null;
  /** How old the sensor already was when the session started, ms (a run can start mid-session). */
  sensorAgeAtStart: number;
  /** Single-point calibration: added to every raw sensor value until the next sensor. */
  calibrationOffset: number;
  alarms: ActiveAlarm[];
}

type WithId = { commandId?: string };
export type CgmCommandEvent =
  | ({ type: 'sensor.start'; t: number; ageMs?: number } & WithId)
  | ({ type: 'sensor.stop' } & WithId)
  /** `raw`: the sensor's uncalibrated value when the command arrived (null: no current reading). */
  | ({ type: 'sensor.calibrate'; glucose: number; raw: number | null } & WithId)
  | ({ type: 'alarm.acknowledge'; code?: string; t: number } & WithId);

/** What the plant tells the machine: the sensor failing or back, the signal lost or back, glucose alarms due. */
export type CgmPlantEvent =
  | { type: 'sensor.failed' }
  | { type: 'sensor.recovered' }
  | { type: 'signal.lost' }
  | { type: 'signal.restored' }
  /** The glucose alarms the current reading calls for, when they differ from those announced. */
  | { type: 'glucose.alarms'; alarms: readonly AlarmInfo[] };

export type CgmEvent =
  | { type: 'device.power-on' }
  | { type: 'device.power-off' }
  | CgmCommandEvent
  | CgmPlantEvent
  /** A snooze that ends at `until` is over (scheduled by the acknowledgement). */
  | { type: 'alarm.snooze-ended'; until: number };

/** The command name (as on the wire) behind each command event. */
export const COMMAND_OF_EVENT: Record<CgmCommandEvent['type'], string> = {
  'sensor.start': 'sensor.start',
  'sensor.stop': 'sensor.stop',
  'sensor.calibrate': 'calibrate',
  'alarm.acknowledge': 'acknowledge',
};

/** Where the machine is, as a label (state names of machine.ts): what the telemetry, twin and plant go by. */
export type CgmMode = 'off' | 'no-sensor' | 'warm-up' | 'active' | 'signal-loss' | 'sensor-error' | 'expired';

export function cgmMode(value: unknown): CgmMode {
  if (value === 'off' || typeof value !== 'object' || value === null) return 'off';
  const on = (value as { on?: unknown }).on;
  if (on === 'idle') return 'no-sensor';
  if (on === 'expired') return 'expired';
  const session = (on as { session?: unknown } | undefined)?.session;
  if (session === 'warmUp') return 'warm-up';
  if (session === 'error') return 'sensor-error';
  const active = (session as { active?: unknown } | undefined)?.active;
  return active === 'signalLoss' ? 'signal-loss' : 'active';
}
