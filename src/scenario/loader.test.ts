import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { DEVICES } from '../../devices/index.ts';
import { durationSchema } from '../core/duration-schema.ts';
import { FAULTS } from '../inject/index.ts';
import { ScenarioError } from './diagnostics.ts';
import { parseScenario, type ScenarioRegistries } from './loader.ts';

const registries: ScenarioRegistries = {
  devices: {
    'infusion-pump': { kind: 'infusion-pump', idPrefix: 'pump' },
    'patient-monitor': { kind: 'patient-monitor', idPrefix: 'monitor' },
  },
  faults: {
    'device.occlusion-downstream': { name: 'device.occlusion-downstream', params: z.strictObject({}) },
    'sensor.bias': {
      name: 'sensor.bias',
      params: z.strictObject({ signal: z.enum(['spo2', 'hr']).optional(), offset: z.number().default(20) }),
    },
    'network.latency': { name: 'network.latency', params: z.strictObject({ latency: durationSchema.default(100) }) },
  },
};

// The real registries fit the loader's contract as they are.
const real = { devices: DEVICES, faults: FAULTS } satisfies ScenarioRegistries;

const FLEET = `
fleet:
  zones:
    - id: icu
      beds: 2
      devices: { infusion-pump: 2, patient-monitor: 2 }
`;

function problems(text: string, regs: ScenarioRegistries = registries): ScenarioError {
  try {
    parseScenario(text, 's.yaml', regs);
  } catch (error) {
    return error as ScenarioError;
  }
  throw new Error('expected the scenario to be rejected');
}

describe('parseScenario', () => {
  it('resolves a file into a plan: durations in ms, defaults filled, params parsed, ids given', () => {
    const plan = parseScenario(
      `# yaml-language-server: $schema=../schema/scenario.schema.json
$schema: ../schema/scenario.schema.json
name: occlusion
duration: 1h30m
${FLEET}
timeline:
  - id: occ
    at: 10m
    for: 5m
    fault: device.occlusion-downstream
    target: { kind: infusion-pump, count: 1 }
  - at: 20m
    fault: sensor.bias
    target: { device: monitor-002 }
    params: { signal: spo2 }
  - when: { event: alarm.raised, device: icu, delay: 30s }
    fault: network.latency
expectations:
  - { type: detection, name: alarmed, of: occ, expect: { alarm: occlusion.downstream }, within: 2m }
`,
      'scenarios/occlusion.yaml',
      registries,
    );
    expect(plan).toMatchObject({
      name: 'occlusion',
      durationMs: 5_400_000,
      seed: 1,
      tags: [],
      commands: [],
      source: 'scenarios/occlusion.yaml',
    });
    expect(plan).not.toHaveProperty('$schema');
    expect(plan.fleet.site).toBe('general-hospital');
    expect(plan.patients).toEqual({ randomMeals: true, dosing: 'prescribed', meals: [], events: [] });
    expect(plan.timeline).toEqual([
      {
        id: 'occ',
        at: 600_000,
        for: 300_000,
        fault: 'device.occlusion-downstream',
        target: { kind: 'infusion-pump', count: 1 },
        params: {},
      },
      {
        id: 'sensor.bias#1',
        at: 1_200_000,
        fault: 'sensor.bias',
        target: { device: 'monitor-002' },
        params: { signal: 'spo2', offset: 20 },
      },
      {
        id: 'network.latency#2',
        when: { event: 'alarm.raised', device: 'icu', delay: 30_000, times: 1 },
        fault: 'network.latency',
        target: {},
        params: { latency: 100 },
      },
    ]);
    expect(plan.expectations).toEqual([
      { type: 'detection', name: 'alarmed', of: 'occ', expect: { alarm: 'occlusion.downstream' }, within: 120_000, minSensitivity: 1 },
    ]);
  });

  it('gives each diagnostic its position, path, and the received and expected values', () => {
    const error = problems(`name: x\nduration: 1h\n${FLEET}timeline:\n  - at: soon\n    fault: device.occlusion-downstream\n`);
    expect(error).toBeInstanceOf(ScenarioError);
    expect(error.exitCode).toBe(2);
    expect(error.diagnostics).toEqual([
      {
        file: 's.yaml',
        line: 10,
        col: 9,
        path: 'timeline[0].at',
        message: 'expected a duration like "30s", "5m" or "1h30m", received "soon"',
        received: '"soon"',
      },
    ]);
  });

  it('reports schema and name problems of one file together', () => {
    const error = problems(`name: x\nduration: 1h\nseed: 1.5\n${FLEET}timeline:\n  - at: 5m\n    fault: device.occlusoin-downstream\n`);
    expect(error.diagnostics.map((d) => d.path)).toEqual(['seed', 'timeline[0].fault']);
  });

  it('checks invariant, metric and clinical event names only against registries that are given', () => {
    const text = `name: x\nduration: 1h\n${FLEET}expectations:\n  - { type: invariant, name: safe, invariant: anything-goes }\n  - { type: metric, name: m, metric: made-up, max: 1 }\n`;
    expect(() => parseScenario(text, 's.yaml', registries)).not.toThrow();
    expect(
      problems(text, { ...registries, invariants: ['no-infusion-while-occluded'], metrics: ['mard'] }).diagnostics.map((d) => d.path),
    ).toEqual(['expectations[0].invariant', 'expectations[1].metric']);
  });

  it('checks clinical event params when their schemas are given', () => {
    const text = `name: x\nduration: 1h\n${FLEET}patients:\n  events:\n    - { at: 5m, event: desaturation, patient: P-002, params: { spo2: 20, duraton: 5m } }\n`;
    const withSchemas = {
      ...registries,
      clinicalEventParams: {
        desaturation: z.object({ spo2: z.number().min(40).max(100).default(85), duration: durationSchema.optional() }),
      },
    };
    expect(problems(text, withSchemas).message).toBe(
      [
        's.yaml:11:70 patients.events[0].params.spo2: expected a number 40 or more, received 20',
        's.yaml:11:74 patients.events[0].params.duraton: unknown field "duraton" — did you mean "duration"?',
      ].join('\n'),
    );
    expect(problems(text.replace('desaturation', 'desat'), withSchemas).diagnostics[0]!.message).toBe(
      'unknown clinical event "desat" — did you mean "desaturation"? (clinical events: desaturation)',
    );
  });

  it("checks an invariant's params at load time with their position: durations need a unit, no stray fields", () => {
    const withSchemas = {
      ...registries,
      invariants: ['no-stale-devices'],
      invariantParams: { 'no-stale-devices': z.strictObject({ maxMs: durationSchema.default(0) }) },
    };
    const text = `name: x\nduration: 1h\n${FLEET}expectations:\n  - { type: invariant, name: fresh, invariant: no-stale-devices, params: { maxMs: 60, maxSm: 1m } }\n`;
    expect(problems(text, withSchemas).message).toBe(
      [
        's.yaml:10:83 expectations[0].params.maxMs: a duration needs a unit: write "60s" for seconds or "60ms" for milliseconds',
        's.yaml:10:87 expectations[0].params.maxSm: unknown field "maxSm" — did you mean "maxMs"?',
      ].join('\n'),
    );
    expect(() => parseScenario(text.replace('maxMs: 60, maxSm: 1m', 'maxMs: 1m'), 's.yaml', withSchemas)).not.toThrow();
  });

  it('needs a unit on a signed duration written as a number (a clock offset), positive or negative', () => {
    const text = (offset: string) =>
      `name: x\nduration: 1h\n${FLEET}timeline:\n  - { at: 5m, fault: device.clock-skew, target: { device: pump-001 }, params: { offset: ${offset} } }\n`;
    const regs = { ...registries, faults: { 'device.clock-skew': FAULTS['device.clock-skew'] } };
    expect(problems(text('-300000'), regs).diagnostics.map((d) => d.message)).toEqual([
      'a duration needs a unit: write "-300000s" for seconds or "-300000ms" for milliseconds',
    ]);
    expect(problems(text('300000'), regs).diagnostics).toHaveLength(1);
    expect(parseScenario(text('-5m'), 's.yaml', regs).timeline?.[0]?.params).toEqual({ offset: -300_000 });
  });

  it('follows YAML aliases to the anchored value, where the fix goes', () => {
    const text = `name: x\nduration: 1h\n${FLEET}timeline:\n  - { at: 5m, fault: device.occlusion-downstream, target: &pumps { kind: pump } }\n  - { at: 6m, fault: device.occlusion-downstream, target: *pumps }\n`;
    const error = problems(text);
    expect(error.diagnostics.map((d) => `${d.line}:${d.col} ${d.path}`)).toEqual([
      '10:74 timeline[0].target.kind',
      '10:74 timeline[1].target.kind',
    ]);
    expect(error.diagnostics[0]!.message).toBe(
      'unknown device kind "pump" — did you mean "infusion-pump"? (known kinds: infusion-pump, patient-monitor)',
    );
  });

  it('lists at most 50 problems in the message but keeps all of them', () => {
    const entries = Array.from({ length: 60 }, (_, i) => `  - { at: ${i}x, fault: device.occlusion-downstream }`).join('\n');
    const error = problems(`name: x\nduration: 1h\n${FLEET}timeline:\n${entries}\n`);
    expect(error.diagnostics).toHaveLength(60);
    const lines = error.message.split('\n');
    expect(lines).toHaveLength(51);
    expect(lines.at(-1)).toBe('... and 10 more problems');
  });

  it('accepts a scenario written for the real device and fault registries', () => {
    const plan = parseScenario(
      `name: x\nduration: 1h\nfleet:\n  zones:\n    - { id: icu, beds: 1, devices: { infusion-pump: 1 } }\ntimeline:\n  - { at: 5m, fault: device.occlusion-downstream, target: { kind: infusion-pump } }\n`,
      's.yaml',
      real,
    );
    expect(plan.timeline?.[0]?.id).toBe('device.occlusion-downstream#0');
  });
});
