import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SCENARIO_REGISTRIES } from '../../runtime/registries.ts';
import { parseScenario } from '../../scenario/loader.ts';
import { SessionRecorder } from './recorder.ts';
import { sessionScenario } from './scenario-file.ts';

const source = readFileSync(join(import.meta.dirname, '..', '..', '..', 'test', 'fixtures', 'scenarios', 'pass.yaml'), 'utf8');

describe('sessionScenario', () => {
  it("adds the session's injections and commands to the scenario it ran, which then loads as a valid plan", () => {
    const recorder = new SessionRecorder();
    recorder.inject(30_500, 'manual-1', 'sensor.bias', ['patient-monitor-001'], { signal: 'spo2', offset: -40 }, undefined);
    recorder.inject(61_000, 'manual-2', 'device.occlusion-downstream', ['infusion-pump-001'], {}, 120_000);
    recorder.revert(90_000, 'manual-2', 'infusion-pump-001');
    recorder.command(120_000, 'infusion-pump-001', { type: 'resume' });
    const text = sessionScenario({ source, seed: '7', actions: recorder.actions });
    expect(text).toContain('Recorded in medtwin tui (seed 7): 2 injections and 1 command by hand.');
    const plan = parseScenario(text, 'session.yaml', SCENARIO_REGISTRIES);
    expect(plan.seed).toBe(7);
    expect(plan.expectations).toHaveLength(1);
    expect(plan.timeline?.map((e) => [e.id, e.at, e.fault, e.target, e.for, e.params])).toEqual([
      ['occlusion', 60_000, 'device.occlusion-downstream', { kind: 'infusion-pump' }, 60_000, {}],
      ['manual-1', 30_500, 'sensor.bias', { device: 'patient-monitor-001' }, undefined, { signal: 'spo2', offset: -40 }],
      // Ended by hand after 29 s, before the 2 minutes it was given.
      ['manual-2', 61_000, 'device.occlusion-downstream', { device: 'infusion-pump-001' }, 29_000, {}],
    ]);
    expect(plan.commands).toEqual([{ at: 120_000, target: { device: 'infusion-pump-001' }, command: { type: 'resume' } }]);
  });

  it('gives each device of a zone-wide injection its own entry', () => {
    const recorder = new SessionRecorder();
    recorder.inject(1000, 'manual-1', 'device.reboot', ['patient-monitor-001', 'infusion-pump-001'], {}, undefined);
    const plan = parseScenario(sessionScenario({ source, seed: 'abc', actions: recorder.actions }), 's.yaml', SCENARIO_REGISTRIES);
    expect(plan.seed).toBe('abc');
    expect(plan.timeline?.slice(1).map((e) => e.id)).toEqual(['manual-1-patient-monitor-001', 'manual-1-infusion-pump-001']);
  });
});
