import { alarmAnnounced } from './alarm-announced.ts';
import { noAlarmLost } from './no-alarm-lost.ts';
import { noInfusionWhileOccluded } from './no-infusion-while-occluded.ts';
import { noInsulinWhileLow } from './no-insulin-while-low.ts';
import { noStaleDevices } from './no-stale-devices.ts';
import { physiologyValid } from './physiology-valid.ts';

export { defineInvariant, PersistenceTimer, ViolationLog } from './invariant.ts';
export type { InvariantChecker, InvariantDefinition, InvariantEnv, InvariantRegistry, Violation } from './invariant.ts';

/** The safety invariants a scenario can name (`invariant: no-insulin-while-low`). */
export const INVARIANTS = {
  'no-infusion-while-occluded': noInfusionWhileOccluded,
  'no-insulin-while-low': noInsulinWhileLow,
  'alarm-announced': alarmAnnounced,
  'no-alarm-lost': noAlarmLost,
  'no-stale-devices': noStaleDevices,
  'physiology-valid': physiologyValid,
} as const;

export type InvariantName = keyof typeof INVARIANTS;

/** Invariant names a scenario may use (the loader checks `invariant:` against these). */
export const INVARIANT_NAMES = Object.keys(INVARIANTS) as InvariantName[];
