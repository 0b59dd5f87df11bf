import { DEVICES } from '../../devices/index.ts';
import { FAULTS } from '../inject/registry.ts';
import { CLINICAL_EVENT_TYPES } from '../physiology/clinical-events.ts';
import { INVARIANT_NAMES, METRIC_NAMES } from '../scenario/expectations/index.ts';
import type { ScenarioRegistries } from '../scenario/loader.ts';

/** Every name a scenario file may use, for the loader's checks and its "did you mean" hints. */
export const SCENARIO_REGISTRIES: ScenarioRegistries = {
  devices: DEVICES,
  faults: FAULTS,
  clinicalEvents: CLINICAL_EVENT_TYPES,
  invariants: INVARIANT_NAMES,
  metrics: METRIC_NAMES,
};
