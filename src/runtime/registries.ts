import type { z } from 'zod';
import { DEVICES } from '../../devices/index.ts';
import { IMPACT_METRIC_NAMES } from '../defense/impact/registry.ts';
import { FAULTS, type FaultRegistry } from '../inject/registry.ts';
import { attackFaults } from './attack-faults.ts';
import { CLINICAL_EVENT_TYPES, clinicalEventSchema } from '../physiology/clinical-events.ts';
import { INVARIANT_NAMES, INVARIANTS, METRIC_NAMES } from '../scenario/expectations/index.ts';
import type { ScenarioRegistries } from '../scenario/loader.ts';

/** Faults and attacks as a timeline names them: for the loader's checks and `medtwin list faults`; a Run binds the attacks to its own adversaries. */
export const SCENARIO_FAULTS: FaultRegistry = {
  ...FAULTS,
  ...attackFaults(() => {
    throw new Error('an attack is launched by a Run (run-attacks.ts), not by the scenario registry');
  }),
};

/** Every name a scenario file may use, for the loader's checks and its "did you mean" hints. */
export const SCENARIO_REGISTRIES: ScenarioRegistries = {
  devices: DEVICES,
  faults: SCENARIO_FAULTS,
  clinicalEvents: CLINICAL_EVENT_TYPES,
  invariants: INVARIANT_NAMES,
  invariantParams: Object.fromEntries(Object.entries(INVARIANTS).map(([name, definition]) => [name, definition.params])),
  // Per-device figures, and the clinical-impact metrics judged per patient (src/defense/impact).
  metrics: [...METRIC_NAMES, ...IMPACT_METRIC_NAMES],
  // Each clinical event's own params (its type and time come from the entry itself).
  clinicalEventParams: Object.fromEntries(
    clinicalEventSchema.options.map((o) => [o.shape.type.value, (o as unknown as z.ZodObject).omit({ type: true, at: true })]),
  ),
};
