import type { z } from 'zod';
import { durationSchema, fileDurationSchema } from '../core/duration-schema.ts';
import { describeValue, nearestName } from '../core/errors.ts';
import type { ScenarioIssue } from './diagnostics.ts';

type Issue = z.core.$ZodIssue;
type RawIssue = z.core.$ZodRawIssue;

export type Checked<T> = { ok: true; value: T } | { ok: false; issues: ScenarioIssue[] };

/**
 * Parses `data` with `schema`, explaining every issue the way a person would: what was expected,
 * what was found, and the nearest valid name for a typo. Messages a schema sets itself (a refinement's
 * "give either count or fraction") are kept. Paths are prefixed with `prefix`.
 */
export function check<T extends z.ZodType>(schema: T, data: unknown, prefix: readonly PropertyKey[] = []): Checked<z.output<T>> {
  // zod's error map returns only a message; the structured explanation is kept here for the same issue.
  const explained = new Map<string, ScenarioIssue[]>();
  const result = schema.safeParse(data, {
    reportInput: true,
    error: (raw) => {
      const parts = explain(raw as RawIssue & Issue, fieldsOf(raw.inst));
      explained.set(noteKey(raw.code, raw.path ?? []), parts);
      return parts.map((p) => p.message).join('; ');
    },
  });
  if (result.success) return { ok: true, value: result.data };
  const issues = result.error.issues.flatMap((issue): ScenarioIssue[] => {
    const parts = explained.get(noteKey(issue.code, issue.path));
    const base = [...prefix, ...issue.path];
    if (parts !== undefined && parts.map((p) => p.message).join('; ') === issue.message) {
      return parts.map((p) => ({ ...p, path: [...base, ...p.path] }));
    }
    return [withReceived({ path: base, message: issue.message }, issue.input)];
  });
  return { ok: false, issues };
}

const DURATION_UNIONS: readonly unknown[] = [durationSchema.in, fileDurationSchema.in];
const DURATION = 'a duration like "30s", "5m" or "1h30m"';

/** Explains one issue; paths in the result are relative to the issue's own path. */
function explain(issue: Issue, fields: readonly string[] | undefined): ScenarioIssue[] {
  const input = issue.input;
  switch (issue.code) {
    case 'invalid_type':
      return [expected(typeName(issue.expected), input)];
    case 'too_small':
    case 'too_big':
      return [
        expected(
          bound(issue),
          input,
          issue.origin === 'array' && Array.isArray(input) ? `${input.length} ${items(input.length)}` : undefined,
        ),
      ];
    case 'invalid_value':
      return [oneOf(issue.values.map(String), input)];
    case 'invalid_format':
      return [expected(issue.format === 'regex' ? `text matching ${issue.pattern ?? 'the pattern'}` : `a valid ${issue.format}`, input)];
    case 'not_multiple_of':
      return [expected(`a multiple of ${issue.divisor}`, input)];
    case 'unrecognized_keys':
      return issue.keys.map((key) => unknownField(key, fields ?? []));
    case 'invalid_union':
      return explainUnion(issue, DURATION_UNIONS.includes((issue as { inst?: unknown }).inst));
    default:
      return [withReceived({ path: [], message: issue.message ?? 'invalid value' }, input)];
  }
}

function explainUnion(issue: Extract<Issue, { code: 'invalid_union' }>, isDuration: boolean): ScenarioIssue[] {
  const input = issue.input;
  if ('options' in issue && issue.options !== undefined && issue.discriminator !== undefined) {
    const values = issue.options.map(String);
    // The typo is in the discriminator key; some zod versions point at the object that holds it.
    const atKey = (issue.path ?? []).at(-1) === issue.discriminator;
    const found = input !== null && typeof input === 'object' ? (input as Record<string, unknown>)[issue.discriminator] : input;
    return [{ ...oneOf(values, found), path: atKey ? [] : [issue.discriminator] }];
  }
  if (isDuration) return [expected(DURATION, input)];
  const branches = issue.errors;
  // A branch whose issues are all nested matched the shape; its inner problem is the real one.
  const deep = branches.find((b) => b.length > 0 && b.every((i) => i.path.length > 0));
  if (deep !== undefined) return deep.map((i) => withReceived({ path: i.path, message: i.message }, i.input));
  const wanted = branches.flatMap((b) =>
    b.flatMap((i) => (i.path.length === 0 && i.code === 'invalid_type' ? [typeName(i.expected)] : [])),
  );
  return [expected(wanted.length > 0 ? [...new Set(wanted)].join(' or ') : 'a different value', input)];
}

function unknownField(key: string, fields: readonly string[]): ScenarioIssue {
  const near = suggestName(key, fields);
  const listed = fields.filter((f) => f !== '$schema').join(', ');
  const message =
    near !== undefined ? `unknown field "${key}" — did you mean "${near}"?` : `unknown field "${key}" (valid fields: ${listed})`;
  return { path: [key], message, expected: listed, at: 'key' };
}

function oneOf(values: readonly string[], input: unknown): ScenarioIssue {
  const list = values.map((v) => JSON.stringify(v)).join(', ');
  const wanted = values.length === 1 ? list : `one of ${list}`;
  const near = typeof input === 'string' ? suggestName(input, values) : undefined;
  const issue = expected(wanted, input);
  return near === undefined ? issue : { ...issue, message: `${issue.message} — did you mean "${near}"?` };
}

function expected(what: string, input: unknown, receivedText = received(input)): ScenarioIssue {
  if (input === undefined) return { path: [], message: `missing — expected ${what}`, expected: what };
  return { path: [], message: `expected ${what}, received ${receivedText}`, expected: what, received: receivedText };
}

/** Appends the received value to a schema's own message when it is a plain value worth echoing. */
function withReceived(issue: ScenarioIssue, input: unknown): ScenarioIssue {
  if (input === undefined || (typeof input === 'object' && input !== null) || issue.message.includes('received')) return issue;
  const text = received(input);
  return { ...issue, message: `${issue.message}, received ${text}`, received: text };
}

function received(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (value === null) return 'an empty value';
  if (Array.isArray(value)) return value.length === 0 ? 'an empty list' : 'a list';
  if (typeof value === 'object') return 'a mapping';
  return describeValue(value);
}

const TYPE_NAMES: Record<string, string> = {
  string: 'a string',
  number: 'a number',
  int: 'a whole number',
  boolean: 'true or false',
  array: 'a list',
  object: 'a mapping',
  record: 'a mapping',
  null: 'an empty value',
};

function typeName(type: string): string {
  return TYPE_NAMES[type] ?? type;
}

function bound(issue: Extract<Issue, { code: 'too_small' | 'too_big' }>): string {
  const small = issue.code === 'too_small';
  const limit = Number(small ? issue.minimum : issue.maximum);
  switch (issue.origin) {
    case 'array':
      return `${small ? 'at least' : 'at most'} ${limit} ${items(limit)}`;
    case 'string':
      return small && limit === 1 ? 'a non-empty string' : `${small ? 'at least' : 'at most'} ${limit} characters`;
    default: {
      const noun = issue.origin === 'int' ? 'a whole number' : 'a number';
      const inclusive = issue.inclusive !== false;
      if (inclusive) return `${noun} ${limit} or ${small ? 'more' : 'less'}`;
      return `${noun} ${small ? 'greater' : 'less'} than ${limit}`;
    }
  }
}

const items = (n: number): string => (n === 1 ? 'item' : 'items');

/** The fields an object schema declares, for "did you mean" on an unknown one. */
function fieldsOf(inst: unknown): string[] | undefined {
  const shape = (inst as { _zod?: { def?: { shape?: Record<string, unknown> } } } | undefined)?._zod?.def?.shape;
  return shape === undefined ? undefined : Object.keys(shape);
}

function noteKey(code: string | undefined, path: readonly PropertyKey[]): string {
  return `${code ?? ''}\u0000${path.map(String).join('\u0000')}`;
}

/**
 * Fields of `value` that an object schema in zod's default "strip" mode would silently drop — in a
 * fault's params a misspelt field is a lost setting, so it is reported like an unknown field.
 */
export function strayFields(schema: z.ZodType, value: unknown, path: readonly PropertyKey[]): ScenarioIssue[] {
  const def = (schema as { _zod?: { def?: { shape?: Record<string, unknown>; catchall?: unknown } } })._zod?.def;
  if (def?.shape === undefined || def.catchall !== undefined || value === null || typeof value !== 'object') return [];
  const fields = Object.keys(def.shape);
  return Object.keys(value)
    .filter((key) => !fields.includes(key))
    .map((key) => {
      const issue = unknownField(key, fields);
      return { ...issue, path: [...path, ...issue.path] };
    });
}

/**
 * The valid name a typo most likely meant: the nearest by edit distance, else the only name that
 * contains it or abbreviates to it ("pump" or "pmp" → "infusion-pump", "monitor-001" → "patient-monitor-001").
 */
export function suggestName(input: string, names: readonly string[]): string | undefined {
  const near = nearestName(input, names);
  if (near !== undefined || input.length < 2) return near;
  const wanted = input.toLowerCase();
  const hits = names.filter((n) => n.toLowerCase().includes(wanted) || isSubsequence(wanted, n.toLowerCase()));
  return hits.length === 1 ? hits[0] : undefined;
}

function isSubsequence(short: string, long: string): boolean {
  let i = 0;
  for (const ch of long) if (ch === short[i]) i++;
  return i === short.length;
}
