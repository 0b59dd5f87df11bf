import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { parseDuration } from '../core/duration.ts';
import { SCHEMA_PATH, scenarioSchemaText } from '../../scripts/gen-schema.ts';
import { buildScenarioJsonSchema, DURATION_PATTERN } from './json-schema.ts';

type Json = Record<string, any>;

describe('scenario JSON Schema', () => {
  it('the committed schema/scenario.schema.json is what scripts/gen-schema.ts generates now', () => {
    // On failure: node --import tsx scripts/gen-schema.ts
    expect(readFileSync(SCHEMA_PATH, 'utf8')).toBe(scenarioSchemaText());
  });

  it('describes the input side: durations as written, fields with defaults optional, no unknown fields', () => {
    const schema = buildScenarioJsonSchema();
    expect(schema.$schema).toBe('http://json-schema.org/draft-07/schema#');
    expect(schema.required).toEqual(['name', 'duration', 'fleet']);
    expect(schema.additionalProperties).toBe(false);
    const duration = (schema.properties as Json).duration;
    expect(duration.anyOf).toEqual([
      { type: 'number', const: 0 },
      { type: 'string', pattern: DURATION_PATTERN },
    ]);
    const zone = (schema.properties as Json).fleet.properties.zones.items;
    expect(zone.additionalProperties).toBe(false);
    // Without registries, names stay open strings.
    expect(zone.properties.devices.propertyNames).toEqual({ type: 'string' });
  });

  it("with registries, spells out device kinds and fault names and types each fault's params", () => {
    const schema = buildScenarioJsonSchema({
      devices: { 'infusion-pump': { kind: 'infusion-pump' }, cgm: { kind: 'cgm' } },
      faults: {
        'sensor.bias': { name: 'sensor.bias', summary: 'Adds an offset', params: z.strictObject({ offset: z.number().default(20) }) },
        'device.reboot': { name: 'device.reboot', params: z.strictObject({}) },
      },
    });
    const props = schema.properties as Json;
    expect(props.fleet.properties.zones.items.properties.devices.propertyNames).toEqual({ enum: ['infusion-pump', 'cgm'] });
    const entry = props.timeline.items;
    expect(entry.properties.fault.enum).toEqual(['sensor.bias', 'device.reboot']);
    expect(entry.properties.target.properties.kind.enum).toEqual(['infusion-pump', 'cgm']);
    expect(entry.allOf[0]).toEqual({
      if: { properties: { fault: { const: 'sensor.bias' } }, required: ['fault'] },
      then: {
        properties: {
          params: { type: 'object', properties: { offset: { default: 20, type: 'number' } }, additionalProperties: false },
          fault: { description: 'Adds an offset' },
        },
      },
    });
    expect(entry.allOf[1].then).toEqual({ properties: { params: { type: 'object', properties: {}, additionalProperties: false } } });
  });

  it('the duration pattern accepts exactly what parseDuration accepts', () => {
    const pattern = new RegExp(DURATION_PATTERN);
    const samples = [
      '0',
      '250',
      '250ms',
      '30s',
      '5m',
      '2h',
      '1d',
      '1h30m',
      '1d2h3m4s5ms',
      '1.5h',
      '90m',
      '1m30ms',
      '',
      'soon',
      '1m30h',
      '30m1h',
      '1h1h',
      'h',
      '1.h',
      '5 m',
      '-5s',
      '1x',
      'ms',
      '1hh',
    ];
    for (const text of samples) {
      let parses = true;
      try {
        parseDuration(text);
      } catch {
        parses = false;
      }
      expect(pattern.test(text), text).toBe(parses);
    }
  });
});
