import type { FleetSpec } from '../fleet/fleet-spec.ts';
import type { SecurityConfig } from '../net/security/profile-schema.ts';
import type { BrokerSetting, CampaignEntry, CommandEntry, Expectation, IdsSetting, PatientsSection, TimelineEntry } from './schema.ts';

/**
 * A validated scenario, ready to build a run from. The loader turns a file into this (durations in
 * ms, defaults filled in, names checked against the registries); the TS API can build one directly.
 */
export interface Plan {
  name: string;
  description?: string;
  tags?: string[];
  seed: string | number;
  durationMs: number;
  fleet: FleetSpec;
  patients?: PatientsSection;
  commands?: CommandEntry[];
  /** Firmware patch campaigns (docs/security.md#patch-campaigns). */
  campaigns?: CampaignEntry[];
  timeline?: TimelineEntry[];
  expectations?: Expectation[];
  /** Security controls in force; absent means `open` (docs/security.md). */
  security?: SecurityConfig;
  /** Limits of the run's own embedded broker (an external `--broker` keeps its own). */
  broker?: BrokerSetting;
  /**
   * The intrusion detector: on, off, or on with thresholds. Absent: on when the timeline names an
   * attack (RunOptions.ids overrides either way).
   */
  ids?: IdsSetting;
  /** Where the plan came from (a file path), for messages and reports. */
  source?: string;
}
