import type { FleetSpec } from '../fleet/fleet-spec.ts';

/**
 * A validated scenario, ready to build a run from. The loader turns a file into this; the TS API can
 * build one directly.
 */
export interface Plan {
  name: string;
  description?: string;
  tags?: string[];
  seed: string | number;
  durationMs: number;
  fleet: FleetSpec;
  /** Where the plan came from (a file path), for messages and reports. */
  source?: string;
}
