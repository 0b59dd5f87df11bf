import { z } from 'zod';

/** How the inject menu edits one param. */
export type FieldKind = 'number' | 'boolean' | 'enum' | 'text';

export interface ParamField {
  name: string;
  kind: FieldKind;
  /** Enum options; for an optional enum the first option is '' (= let the fault choose). */
  options: string[];
  description: string;
  required: boolean;
  /** The default as the user would type it (`"2h"`, not 7200000), '' when none. */
  initial: string;
}

interface JsonProperty {
  type?: string | string[];
  enum?: unknown[];
  default?: unknown;
  description?: string;
}

/**
 * The editable fields of a fault's params schema (a zod object), prefilled from the schema's defaults.
 * Types come from zod's JSON Schema export, so any zod construction the registry uses is understood;
 * a field whose type it cannot name is edited as text.
 */
export function paramFields(schema: z.ZodType): ParamField[] {
  let json: JsonObject;
  try {
    json = z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as JsonObject;
  } catch {
    return [];
  }
  return jsonFields(json);
}

interface JsonObject {
  properties?: Record<string, JsonProperty & { const?: unknown }>;
  required?: string[];
}

/** The fields of one JSON Schema object, leaving out the names in `skip`. */
export function jsonFields(json: JsonObject, skip: readonly string[] = []): ParamField[] {
  const required = new Set(json.required ?? []);
  return Object.entries(json.properties ?? {})
    .filter(([name]) => !skip.includes(name))
    .map(([name, p]) => {
      const isRequired = required.has(name);
      const initial = p.default !== undefined ? inputText(p.default) : '';
      if (Array.isArray(p.enum)) {
        const options = p.enum.map(String);
        return {
          name,
          kind: 'enum',
          options: isRequired || p.default !== undefined ? options : ['', ...options],
          description: p.description ?? '',
          required: isRequired,
          initial: initial || (isRequired ? options[0]! : ''),
        };
      }
      const types = Array.isArray(p.type) ? p.type : p.type ? [p.type] : [];
      const kind: FieldKind =
        types.length === 1 && types[0] === 'boolean'
          ? 'boolean'
          : types.length === 1 && (types[0] === 'number' || types[0] === 'integer')
            ? 'number'
            : 'text';
      return {
        name,
        kind,
        options: kind === 'boolean' ? ['', 'false', 'true'].slice(isRequired ? 1 : 0) : [],
        description: p.description ?? '',
        required: isRequired,
        initial: kind === 'boolean' && initial === '' && isRequired ? 'false' : initial,
      };
    });
}

/** One command a device kind accepts: its `type` and the fields of its form. */
export interface CommandVariant {
  type: string;
  fields: ParamField[];
}

/**
 * The commands of a kind's command schema (a zod discriminated union on `type`), each with the fields
 * a user fills in — everything but `type` itself and `commandId`, which the twin assigns.
 */
export function commandVariants(schema: z.ZodType): CommandVariant[] {
  let json: JsonObject & { oneOf?: JsonObject[]; anyOf?: JsonObject[] };
  try {
    json = z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as typeof json;
  } catch {
    return [];
  }
  const variants = json.oneOf ?? json.anyOf ?? [json];
  return variants.flatMap((v) => {
    const type = v.properties?.type?.const;
    return typeof type === 'string' ? [{ type, fields: jsonFields(v, ['type', 'commandId']) }] : [];
  });
}

function inputText(value: unknown): string {
  return typeof value === 'string' ? value : JSON.stringify(value);
}

/**
 * Turns what the user typed into raw params for the schema to validate: empty fields are left out (the
 * schema's default applies), numbers and booleans are converted, anything else that reads as JSON
 * (a number for a duration given in ms, an array) is parsed, and the rest stays text.
 */
export function fieldValues(fields: readonly ParamField[], values: Readonly<Record<string, string>>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const field of fields) {
    const text = (values[field.name] ?? '').trim();
    if (text === '') continue;
    if (field.kind === 'boolean') out[field.name] = text === 'true';
    else if (field.kind === 'number') out[field.name] = Number(text);
    else if (field.kind === 'enum') out[field.name] = text;
    else out[field.name] = parseLoose(text);
  }
  return out;
}

function parseLoose(text: string): unknown {
  if (/^-?\d+(\.\d+)?$/.test(text) || /^[[{]/.test(text) || text === 'true' || text === 'false' || text === 'null') {
    try {
      return JSON.parse(text);
    } catch {
      return text;
    }
  }
  return text;
}

/** Validation problems as `field: message` lines, or [] when the params are valid. */
export function paramErrors(schema: z.ZodType, raw: Record<string, unknown>): string[] {
  const result = schema.safeParse(raw);
  if (result.success) return [];
  return result.error.issues.map((issue) => `${issue.path.join('.') || 'params'}: ${issue.message}`);
}

/**
 * Fills fields that have no default with what the fault would choose for this device (a sensor
 * fault's `signal` becomes the device's first measured signal), so the form shows what will apply, and
 * narrows a `signal` choice to the signals the device measures.
 */
export function prefillForDevice(
  fields: readonly ParamField[],
  fault: { params: z.ZodType; resolveParams?: ((target: never, params: never) => unknown) | undefined },
  target: unknown,
): ParamField[] {
  const measures = (target as { measures?: readonly string[] } | undefined)?.measures;
  // The shared `signal` param of sensor faults: offer only what this device measures.
  fields = fields.map((f) =>
    f.name === 'signal' && f.kind === 'enum' && measures ? { ...f, options: f.options.filter((o) => o === '' || measures.includes(o)) } : f,
  );
  if (!fault.resolveParams || target === undefined) return [...fields];
  const defaults = fault.params.safeParse({});
  if (!defaults.success) return [...fields];
  let resolved: Record<string, unknown>;
  try {
    resolved = (fault.resolveParams as (t: unknown, p: unknown) => Record<string, unknown>)(target, defaults.data);
  } catch {
    return [...fields];
  }
  return fields.map((f) => {
    const value = resolved?.[f.name];
    if (f.initial !== '' || value === undefined || typeof value === 'object') return f;
    return { ...f, initial: String(value) };
  });
}
