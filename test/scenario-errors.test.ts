import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { durationSchema } from '../src/core/duration-schema.ts';
import { loadScenarioFile, parseScenario, ScenarioError, validateFiles, type ScenarioRegistries } from '../src/scenario/index.ts';

/**
 * Every file under test/fixtures/broken/ is wrong on purpose; the full text of each one's error is
 * pinned here. The registries are small stand-ins (the loader reads only kinds, id prefixes, alarm
 * codes and param schemas), so the messages do not change when a real device or fault does.
 */
const docs = (alarms: string[]) => ({
  states: [],
  commands: [],
  telemetry: [],
  alarms: alarms.map((name) => ({ name, description: name, priority: 'high' as const })),
});

const registries: ScenarioRegistries = {
  devices: {
    'infusion-pump': {
      kind: 'infusion-pump',
      idPrefix: 'pump',
      docs: docs(['occlusion.downstream', 'occlusion.upstream', 'air-in-line']),
      settingsSchema: z.strictObject({ occlusionLimitMmHg: z.number().positive(), kvoRateMlPerH: z.number().nonnegative() }).partial(),
      profileSchema: z.strictObject({ drug: z.string(), rate: z.number().positive(), vtbi: z.number().positive() }),
    },
    'patient-monitor': { kind: 'patient-monitor', idPrefix: 'monitor', docs: docs(['spo2.low', 'hr.high']) },
    cgm: { kind: 'cgm', docs: docs(['glucose.low']) },
  },
  faults: {
    'device.occlusion-downstream': { name: 'device.occlusion-downstream', params: z.strictObject({}) },
    'device.air-in-line': { name: 'device.air-in-line', params: z.strictObject({}) },
    'sensor.bias': {
      name: 'sensor.bias',
      params: z.strictObject({ signal: z.enum(['spo2', 'hr', 'glucose']).optional(), offset: z.number().default(20) }),
    },
    'sensor.dropout': { name: 'sensor.dropout', params: z.strictObject({ probability: z.number().min(0).max(1) }) },
    // Not strict: a misspelt param would be dropped silently, so the loader reports it itself.
    'network.latency': {
      name: 'network.latency',
      params: z.object({ latency: durationSchema.default(100), jitter: durationSchema.default(0) }),
    },
  },
  clinicalEvents: ['desaturation', 'tachycardia', 'hypoglycemia'],
  invariants: ['no-infusion-while-occluded', 'no-insulin-while-low'],
  metrics: ['mard', 'time-in-range', 'data-loss'],
};

const dir = join(import.meta.dirname, 'fixtures', 'broken');

/** The error message for one fixture, with the path as a user would type it from the repo root. */
function errorOf(name: string): string {
  const text = readFileSync(join(dir, name), 'utf8');
  try {
    parseScenario(text, `test/fixtures/broken/${name}`, registries);
  } catch (error) {
    expect(error).toBeInstanceOf(ScenarioError);
    expect((error as ScenarioError).exitCode).toBe(2);
    expect((error as ScenarioError).code).toBe('E_SCENARIO');
    return (error as Error).message;
  }
  throw new Error(`${name} loaded without an error`);
}

const pinned = new Set<string>();
const broken = (name: string) => {
  pinned.add(name);
  return errorOf(name);
};

describe('broken scenario files', () => {
  it('yaml-syntax.yaml', () => {
    expect(broken('yaml-syntax.yaml')).toMatchInlineSnapshot(
      `"test/fixtures/broken/yaml-syntax.yaml:8:1 invalid YAML: flow map in block collection must be sufficiently indented and end with a }"`,
    );
  });

  it('missing-name.yaml', () => {
    expect(broken('missing-name.yaml')).toMatchInlineSnapshot(`
      "test/fixtures/broken/missing-name.yaml:1:1 name: missing — expected a string
      test/fixtures/broken/missing-name.yaml:1:1 duration: missing — expected a duration like "30s", "5m" or "1h30m""
    `);
  });

  it('bad-duration.yaml', () => {
    expect(broken('bad-duration.yaml')).toMatchInlineSnapshot(`
      "test/fixtures/broken/bad-duration.yaml:2:11 duration: expected a duration like "30s", "5m" or "1h30m", received "2 hours"
      test/fixtures/broken/bad-duration.yaml:9:9 timeline[0].at: expected a duration like "30s", "5m" or "1h30m", received "soon"
      test/fixtures/broken/bad-duration.yaml:10:10 timeline[0].for: expected a duration like "30s", "5m" or "1h30m", received "1m30h""
    `);
  });

  it('unknown-field.yaml', () => {
    expect(broken('unknown-field.yaml')).toMatchInlineSnapshot(`
      "test/fixtures/broken/unknown-field.yaml:8:7 fleet.zones[0].tag: unknown field "tag" — did you mean "tags"?
      test/fixtures/broken/unknown-field.yaml:10:5 timeline[0].fault: missing — expected a string
      test/fixtures/broken/unknown-field.yaml:11:5 timeline[0].fualt: unknown field "fualt" — did you mean "fault"?
      test/fixtures/broken/unknown-field.yaml:12:1 expectatons: unknown field "expectatons" — did you mean "expectations"?"
    `);
  });

  it('unknown-fault.yaml', () => {
    expect(broken('unknown-fault.yaml')).toMatchInlineSnapshot(`
      "test/fixtures/broken/unknown-fault.yaml:10:12 timeline[0].fault: unknown fault "device.oclusion-downstream" — did you mean "device.occlusion-downstream"? (faults: device.occlusion-downstream, device.air-in-line, sensor.bias, sensor.dropout, network.latency)
      test/fixtures/broken/unknown-fault.yaml:12:12 timeline[1].fault: unknown fault "meteor-strike" (faults: device.occlusion-downstream, device.air-in-line, sensor.bias, sensor.dropout, network.latency)"
    `);
  });

  it('bad-fault-params.yaml', () => {
    expect(broken('bad-fault-params.yaml')).toMatchInlineSnapshot(`
      "test/fixtures/broken/bad-fault-params.yaml:12:15 timeline[0].params.signal: expected one of "spo2", "hr", "glucose", received "spo" — did you mean "spo2"?
      test/fixtures/broken/bad-fault-params.yaml:13:15 timeline[0].params.offset: expected a number, received "high"
      test/fixtures/broken/bad-fault-params.yaml:16:15 timeline[1].params.latncy: unknown field "latncy" — did you mean "latency"?
      test/fixtures/broken/bad-fault-params.yaml:17:5 timeline[2].params.probability: missing — expected a number"
    `);
  });

  it('unknown-device-kind.yaml', () => {
    expect(broken('unknown-device-kind.yaml')).toMatchInlineSnapshot(`
      "test/fixtures/broken/unknown-device-kind.yaml:8:9 fleet.zones[0].devices.pmp: unknown device kind "pmp" — did you mean "infusion-pump"? (known kinds: infusion-pump, patient-monitor, cgm)
      test/fixtures/broken/unknown-device-kind.yaml:11:9 fleet.zones[0].config.ventilator: unknown device kind "ventilator" (known kinds: infusion-pump, patient-monitor, cgm)"
    `);
  });

  it('selector-unknown.yaml', () => {
    expect(broken('selector-unknown.yaml')).toMatchInlineSnapshot(`
      "test/fixtures/broken/selector-unknown.yaml:15:34 timeline[0].target.device[1]: unknown device "pump-009" — did you mean "pump-001"? (devices: pump-001, pump-002, monitor-001, monitor-002, monitor-003, monitor-004, monitor-005, monitor-006)
      test/fixtures/broken/selector-unknown.yaml:18:21 timeline[1].target.zone: unknown zone "icuu" — did you mean "icu"? (zones: icu, ward)
      test/fixtures/broken/selector-unknown.yaml:18:32 timeline[1].target.tag: unknown tag "critcal" — did you mean "critical"? (zone tags: critical)
      test/fixtures/broken/selector-unknown.yaml:21:21 timeline[2].target.kind: the fleet has no cgm devices (kinds in the fleet: infusion-pump, patient-monitor)
      test/fixtures/broken/selector-unknown.yaml:24:13 timeline[3].target: matches no device in the fleet (every field given must match the same device)"
    `);
  });

  it('count-and-fraction.yaml', () => {
    expect(broken('count-and-fraction.yaml')).toMatchInlineSnapshot(`
      "test/fixtures/broken/count-and-fraction.yaml:11:13 timeline[0].target: give either count or fraction, not both
      test/fixtures/broken/count-and-fraction.yaml:14:13 timeline[1].target: give either count or fraction, not both
      test/fixtures/broken/count-and-fraction.yaml:14:22 timeline[1].target.count: expected a number greater than 0, received 0
      test/fixtures/broken/count-and-fraction.yaml:14:35 timeline[1].target.fraction: expected a number 1 or less, received 1.5"
    `);
  });

  it('expectation-of-unknown.yaml', () => {
    expect(broken('expectation-of-unknown.yaml')).toMatchInlineSnapshot(`
      "test/fixtures/broken/expectation-of-unknown.yaml:15:9 expectations[0].of: "occlusion-2" is neither a timeline id nor a fault the timeline injects — did you mean "occlusion-1"? (in the timeline: occlusion-1, device.occlusion-downstream)
      test/fixtures/broken/expectation-of-unknown.yaml:20:9 expectations[1].of: "device.air-in-line" is neither a timeline id nor a fault the timeline injects (in the timeline: occlusion-1, device.occlusion-downstream)"
    `);
  });

  it('at-beyond-duration.yaml', () => {
    expect(broken('at-beyond-duration.yaml')).toMatchInlineSnapshot(`
      "test/fixtures/broken/at-beyond-duration.yaml:9:9 commands[0].at: 45m is past the end of the scenario (duration 30m)
      test/fixtures/broken/at-beyond-duration.yaml:13:9 timeline[0].at: 1h is past the end of the scenario (duration 30m)
      test/fixtures/broken/at-beyond-duration.yaml:16:12 timeline[1].every: a repeat interval must be longer than 0s
      test/fixtures/broken/at-beyond-duration.yaml:17:12 timeline[1].until: ends (5m) before it starts (10m)"
    `);
  });

  it('multiple-errors.yaml', () => {
    expect(broken('multiple-errors.yaml')).toMatchInlineSnapshot(`
      "test/fixtures/broken/multiple-errors.yaml:1:7 name: expected a non-empty string, received ""
      test/fixtures/broken/multiple-errors.yaml:3:7 seed: expected a number or a string, received true
      test/fixtures/broken/multiple-errors.yaml:5:9 fleet.site: use letters, digits, ".", "_" or "-" (it becomes an MQTT topic level), received "general hospital"
      test/fixtures/broken/multiple-errors.yaml:8:13 fleet.zones[0].beds: expected a number greater than 0, received 0
      test/fixtures/broken/multiple-errors.yaml:9:33 fleet.zones[0].devices.infusion-pump: expected a number 0 or more, received -1
      test/fixtures/broken/multiple-errors.yaml:9:37 fleet.zones[0].devices.pmp: unknown device kind "pmp" — did you mean "infusion-pump"? (known kinds: infusion-pump, patient-monitor, cgm)
      test/fixtures/broken/multiple-errors.yaml:11:9 timeline[0].at: 1h30m is past the end of the scenario (duration 1h)
      test/fixtures/broken/multiple-errors.yaml:12:12 timeline[0].fault: unknown fault "device.oclusion-downstream" — did you mean "device.occlusion-downstream"? (faults: device.occlusion-downstream, device.air-in-line, sensor.bias, sensor.dropout, network.latency)
      test/fixtures/broken/multiple-errors.yaml:14:5 timeline[1]: give "at", "every" or "when" — when should the fault start?
      test/fixtures/broken/multiple-errors.yaml:19:16 expectations[0].aggregate: expected one of "mean", "max", "min", "sum", received "avg""
    `);
  });

  it('wrong-enum.yaml', () => {
    expect(broken('wrong-enum.yaml')).toMatchInlineSnapshot(`
      "test/fixtures/broken/wrong-enum.yaml:13:11 expectations[0].type: expected one of "detection", "no-detection", "false-alarms", "metric", "prevented", "detected", "no-false-alerts", "invariant", received "detect" — did you mean "detected"?
      test/fixtures/broken/wrong-enum.yaml:18:21 expectations[1].expect.twin: expected one of "stale", "diverged", "implausible", received "stael" — did you mean "stale"?
      test/fixtures/broken/wrong-enum.yaml:23:13 expectations[2].expect: name exactly one of alarm, twin or event"
    `);
  });

  it('duplicates.yaml', () => {
    expect(broken('duplicates.yaml')).toMatchInlineSnapshot(`
      "test/fixtures/broken/duplicates.yaml:8:11 fleet.zones[1].id: zone "icu" is already defined at fleet.zones[0]
      test/fixtures/broken/duplicates.yaml:15:9 timeline[1].id: timeline id "occ" is already used by timeline[0]
      test/fixtures/broken/duplicates.yaml:25:11 expectations[1].name: expectation name "alarmed" is already used by expectations[0]"
    `);
  });

  it('unknown-names.yaml', () => {
    expect(broken('unknown-names.yaml')).toMatchInlineSnapshot(`
      "test/fixtures/broken/unknown-names.yaml:10:38 patients.meals[0].patient: unknown patient "P-009" — did you mean "P-001"? (patients: P-001, P-002)
      test/fixtures/broken/unknown-names.yaml:12:25 patients.events[0].event: unknown clinical event "desaturaton" — did you mean "desaturation"? (clinical events: desaturation, tachycardia, hypoglycemia)
      test/fixtures/broken/unknown-names.yaml:17:42 timeline[0].when.device: unknown device, kind or zone "pump-07" — did you mean "pump-001"? (in the fleet: infusion-pump, cgm, icu, pump-001, pump-002, cgm-001, cgm-002)
      test/fixtures/broken/unknown-names.yaml:17:57 timeline[0].when.code: unknown alarm code "occlusion.upstrem" — did you mean "occlusion.upstream"? (alarm codes: occlusion.downstream, occlusion.upstream, air-in-line, spo2.low, hr.high, glucose.low, comm.loss)
      test/fixtures/broken/unknown-names.yaml:21:16 expectations[0].invariant: unknown invariant "no-infusion-while-occludded" — did you mean "no-infusion-while-occluded"? (invariants: no-infusion-while-occluded, no-insulin-while-low)
      test/fixtures/broken/unknown-names.yaml:24:13 expectations[1].metric: unknown metric "mardd" — did you mean "mard"? (metrics: mard, time-in-range, data-loss)
      test/fixtures/broken/unknown-names.yaml:28:12 expectations[2].alarm: unknown alarm code "air-in-lin" — did you mean "air-in-line"? (alarm codes: occlusion.downstream, occlusion.upstream, air-in-line, spo2.low, hr.high, glucose.low, comm.loss)"
    `);
  });

  it('wrong-types.yaml', () => {
    expect(broken('wrong-types.yaml')).toMatchInlineSnapshot(`
      "test/fixtures/broken/wrong-types.yaml:1:7 name: expected a string, received a list
      test/fixtures/broken/wrong-types.yaml:3:7 tags: expected a list, received "critical"
      test/fixtures/broken/wrong-types.yaml:7:13 fleet.zones[0].beds: expected a number, received "four"
      test/fixtures/broken/wrong-types.yaml:8:16 fleet.zones[0].devices: expected a mapping, received a list
      test/fixtures/broken/wrong-types.yaml:12:34 timeline[0].target.device[1]: expected a string, received 7
      test/fixtures/broken/wrong-types.yaml:13:13 timeline[0].params: expected a mapping, received a list"
    `);
  });

  it('empty.yaml', () => {
    expect(broken('empty.yaml')).toMatchInlineSnapshot(
      `"test/fixtures/broken/empty.yaml:1:1 the file is empty: a scenario needs at least name, duration and fleet"`,
    );
  });

  it('device-settings.yaml', () => {
    expect(broken('device-settings.yaml')).toMatchInlineSnapshot(`
      "test/fixtures/broken/device-settings.yaml:11:33 fleet.zones[0].config.infusion-pump.settings.occlusionLimitMmHg: expected a number greater than 0, received -5
      test/fixtures/broken/device-settings.yaml:12:13 fleet.zones[0].config.infusion-pump.settings.kvoRate: unknown field "kvoRate" — did you mean "kvoRateMlPerH"?
      test/fixtures/broken/device-settings.yaml:13:20 fleet.zones[0].config.infusion-pump.profile.rate: missing — expected a number
      test/fixtures/broken/device-settings.yaml:13:20 fleet.zones[0].config.infusion-pump.profile.vtbi: missing — expected a number
      test/fixtures/broken/device-settings.yaml:14:9 fleet.zones[0].config.cgm: configures "cgm" but the zone has no cgm devices
      test/fixtures/broken/device-settings.yaml:16:7 fleet.zones[0].confg: unknown field "confg" — did you mean "config"?"
    `);
  });

  it('timing-rules.yaml', () => {
    expect(broken('timing-rules.yaml')).toMatchInlineSnapshot(`
      "test/fixtures/broken/timing-rules.yaml:9:12 timeline[0].every: give "every" or "when", not both — a trigger already decides how often it fires (when.times)
      test/fixtures/broken/timing-rules.yaml:13:12 timeline[1].until: "until" ends a repeating ("every") or triggered ("when") entry; to end the fault itself, use "for""
    `);
  });

  it('every fixture has its message pinned above', () => {
    const files = readdirSync(dir).filter((f) => f.endsWith('.yaml'));
    expect(files.length).toBeGreaterThanOrEqual(12);
    expect(files.filter((f) => !pinned.has(f))).toEqual([]);
  });
});

describe('reading files', () => {
  it('loadScenarioFile throws the same located error for a file on disk', async () => {
    const file = join(dir, 'bad-duration.yaml');
    await expect(loadScenarioFile(file, registries)).rejects.toThrow(
      `${file}:9:9 timeline[0].at: expected a duration like "30s", "5m" or "1h30m", received "soon"`,
    );
  });

  it('a missing file is a located scenario error too', async () => {
    await expect(loadScenarioFile('nowhere/none.yaml', registries)).rejects.toThrowErrorMatchingInlineSnapshot(
      `[ScenarioError: nowhere/none.yaml:1:1 cannot read the scenario file: no such file]`,
    );
  });

  it('validateFiles reports every file, good or bad, in the order given', async () => {
    const results = await validateFiles([join(dir, 'empty.yaml'), join(dir, 'unknown-fault.yaml'), 'nowhere/none.yaml'], registries);
    expect(results.map((r) => [r.ok, r.diagnostics.length])).toEqual([
      [false, 1],
      [false, 2],
      [false, 1],
    ]);
    expect(results[1]!.diagnostics[0]).toMatchObject({ line: 10, col: 12, path: 'timeline[0].fault' });
  });
});
