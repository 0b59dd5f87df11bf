import type { Plan } from '../../src/scenario/plan.ts';

/** A small mixed ward: every kind, two zones, an insulin pump on a CGM patient. */
export function smallWard(overrides: Partial<Plan> = {}): Plan {
  return {
    name: 'small-ward',
    seed: 7,
    durationMs: 10 * 60_000,
    fleet: {
      site: 'test-hospital',
      zones: [
        {
          id: 'icu',
          beds: 2,
          devices: { 'patient-monitor': 2, 'infusion-pump': 2, cgm: 1 },
          config: { 'infusion-pump': { profile: { drug: 'normal-saline', rate: 100, vtbi: 500 } } },
        },
        { id: 'ward-a', beds: 2, devices: { 'patient-monitor': 2, cgm: 1 } },
      ],
    },
    ...overrides,
  };
}
