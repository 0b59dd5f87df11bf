import { describe, expect, it } from 'vitest';
import type { Plan } from '../scenario/plan.ts';
import { smallWard } from '../../test/helpers/plans.ts';
import { DEFAULT_DEPENDENCIES } from './defaults.ts';
import { schedulePlanEvents } from './plan-events.ts';
import { createRunCore } from './run-core.ts';
import { RunFleet } from './run-fleet.ts';

/** A small ward's fleet with `overrides` in its plan, its plan events scheduled; what was commanded and logged. */
function scheduled(overrides: Partial<Plan>, seed = 7) {
  const core = createRunCore(smallWard(overrides), { seed });
  const fleet = new RunFleet({ ...core, deps: DEFAULT_DEPENDENCIES, speed: 'max' });
  const commands: [number, string, unknown][] = [];
  const logged: { t: number; type: string; data: Record<string, unknown> }[] = [];
  core.log.onRecord((e) => logged.push(e));
  schedulePlanEvents({
    ...core,
    agents: fleet.agents,
    patients: fleet.patients,
    tagsOf: fleet.tagsOf,
    command: (deviceId, body) => commands.push([core.clock.now(), deviceId, body.type]),
  });
  return { core, fleet, commands, logged };
}

describe('plan events', () => {
  it("sends each of the plan's commands at its time, to every device its target selects", () => {
    const { core, commands } = scheduled({
      commands: [
        { at: 90_000, target: { kind: 'infusion-pump' }, command: { type: 'infusion.pause' } },
        { at: 30_000, target: { device: 'cgm-001' }, command: { type: 'calibrate' } },
      ],
    });
    core.clock.advanceTo(29_999);
    expect(commands).toEqual([]);
    core.clock.advanceTo(120_000);
    expect(commands).toEqual([
      [30_000, 'cgm-001', 'calibrate'],
      [90_000, 'infusion-pump-001', 'infusion.pause'],
      [90_000, 'infusion-pump-002', 'infusion.pause'],
    ]);
  });

  it('picks `count` of the selected devices from its own seeded stream: the same for the same seed', () => {
    const plan = { commands: [{ at: 1_000, target: { kind: 'patient-monitor', count: 2 }, command: { type: 'x' } }] };
    const picked = (seed: number) => {
      const run = scheduled(plan, seed);
      run.core.clock.advanceTo(1_000);
      return run.commands.map(([, device]) => device);
    };
    expect(picked(7)).toHaveLength(2);
    expect(picked(7)).toEqual(picked(7));
    const seen = new Set([1, 2, 3, 4, 5, 6].map((seed) => picked(seed).join()));
    expect(seen.size).toBeGreaterThan(1);
  });

  it('names the entry whose target selects no device when it comes due', () => {
    const { core } = scheduled({ commands: [{ at: 1_000, target: { device: 'cgm-009' }, command: { type: 'x' } }] });
    expect(() => core.clock.advanceTo(1_000)).toThrow(/commands\[0\]\.target/);
  });

  it('hands a clinical event to the patients of the devices it targets, and logs it when it begins', () => {
    const { core, fleet, logged } = scheduled({
      patients: {
        randomMeals: true,
        dosing: 'prescribed',
        meals: [],
        events: [{ at: 120_000, event: 'desaturation', target: { zone: 'icu' }, params: { spo2: 80 } }],
      },
    });
    const icuPatients = [...new Set(fleet.agents.filter((a) => a.zone === 'icu').map((a) => a.patient.id))];
    expect(icuPatients).toHaveLength(2);
    core.clock.advanceTo(119_999);
    expect(logged.filter((e) => e.type === 'clinical.event')).toEqual([]);
    core.clock.advanceTo(120_000);
    // Desaturation's defaults: 5 min, with 1 min of recovery after it.
    expect(logged.filter((e) => e.type === 'clinical.event').map((e) => [e.t, e.data.patient, e.data.from, e.data.to])).toEqual(
      icuPatients.map((id) => [120_000, id, 120_000, 120_000 + 6 * 60_000]),
    );
    // The patient's true state follows the event it was handed.
    const patient = fleet.patients.get(icuPatients[0]!)!;
    patient.advanceTo(119_000);
    const before = patient.truth(['spo2']).spo2!;
    patient.advanceTo(120_000 + 3 * 60_000);
    expect(patient.truth(['spo2']).spo2!).toBeLessThan(before - 5);
  });
});
