import { z } from 'zod';
import type { AnyDeviceDescriptor } from '../../devices/descriptor.ts';
import { durationSchema, fileDurationSchema } from '../core/duration-schema.ts';
import { zoneSpecSchema } from '../fleet/fleet-spec.ts';
import type { AnyFaultDefinition } from '../inject/fault.ts';
import { scenarioSchema, selectorSchema, timelineEntrySchema } from './schema.ts';

/** Registries whose names the JSON Schema may spell out for editors; both optional. */
export interface JsonSchemaRegistries {
  devices?: Readonly<Record<string, Pick<AnyDeviceDescriptor, 'kind'>>>;
  faults?: Readonly<Record<string, Pick<AnyFaultDefinition, 'name' | 'params'> & Partial<Pick<AnyFaultDefinition, 'summary'>>>>;
}

type JsonObject = Record<string, unknown>;

/**
 * What parseDuration accepts from text, for editors: units largest first, each once ("1h30m",
 * "250ms"), or "0". Kept beside the parser by a test that runs both over the same strings.
 */
export const DURATION_PATTERN =
  '^(?:0|(?=\\d)(?:\\d+(?:\\.\\d+)?d)?(?:\\d+(?:\\.\\d+)?h)?(?:\\d+(?:\\.\\d+)?m)?(?:\\d+(?:\\.\\d+)?s)?(?:\\d+(?:\\.\\d+)?ms)?)$';

// Draft-07 is the dialect yaml-language-server and most editors validate best.
const TARGET = 'draft-07';

/**
 * The JSON Schema of a scenario file (input side: durations as written, defaults optional), from the
 * same zod schema the loader uses. Given registries, device kinds and fault names become enums and
 * each fault's `params` is typed through if/then, so an editor completes and checks them too.
 */
export function buildScenarioJsonSchema(registries: JsonSchemaRegistries = {}): JsonObject {
  const kinds = registries.devices === undefined ? undefined : Object.keys(registries.devices);
  const faults = registries.faults === undefined ? undefined : Object.entries(registries.faults);
  const generated = z.toJSONSchema(scenarioSchema, {
    io: 'input',
    target: TARGET,
    unrepresentable: 'any',
    override: ({ zodSchema, jsonSchema }) => {
      const json = jsonSchema as JsonObject;
      // A file writes every duration with a unit (fault params' ms numbers are for code).
      if (zodSchema === durationSchema.in || zodSchema === fileDurationSchema.in) {
        replace(json, {
          anyOf: [
            { type: 'number', const: 0 },
            { type: 'string', pattern: DURATION_PATTERN },
          ],
        });
      }
      if (kinds !== undefined && zodSchema === zoneSpecSchema.shape.devices) json.propertyNames = { enum: kinds };
      if (kinds !== undefined && zodSchema === selectorSchema.shape.kind.unwrap()) json.enum = kinds;
      if (faults !== undefined && zodSchema === timelineEntrySchema) typeFaultParams(json, faults);
    },
  }) as JsonObject;
  const { $schema, ...rest } = generated;
  return {
    $schema,
    title: 'medtwin scenario',
    description:
      'A medtwin scenario: a device fleet, faults and attacks on a timeline, and the expectations that judge the run. See docs/scenarios.md.',
    ...rest,
  };
}

/** The schema as committed to schema/scenario.schema.json: two-space JSON and a final newline. */
export function renderScenarioJsonSchema(registries: JsonSchemaRegistries = {}): string {
  return `${JSON.stringify(buildScenarioJsonSchema(registries), null, 2)}\n`;
}

function typeFaultParams(entry: JsonObject, faults: [string, { params: z.ZodType; summary?: string }][]): void {
  const properties = entry.properties as Record<string, JsonObject>;
  properties.fault = { ...properties.fault, enum: faults.map(([name]) => name) };
  entry.allOf = faults.map(([name, fault]) => {
    const { $schema: _, ...params } = z.toJSONSchema(fault.params, { io: 'input', target: TARGET, unrepresentable: 'any' }) as JsonObject;
    const then: JsonObject = { properties: { params } };
    if (fault.summary !== undefined) (then.properties as JsonObject).fault = { description: fault.summary };
    return { if: { properties: { fault: { const: name } }, required: ['fault'] }, then };
  });
}

function replace(target: JsonObject, value: JsonObject): void {
  for (const key of Object.keys(target)) if (key !== 'description') delete target[key];
  Object.assign(target, value);
}
