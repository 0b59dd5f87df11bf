import { COMM_LOSS_ALARM } from '../../devices/descriptor.ts';
import { dirname } from 'node:path';
import type { z } from 'zod';
import type { AnyDeviceDescriptor } from '../../devices/descriptor.ts';
import { durationSchema, needsDurationUnit, unitMessage } from '../core/duration-schema.ts';
import { formatDuration } from '../core/duration.ts';
import type { AnyFaultDefinition } from '../inject/fault.ts';
import { scopeProblems } from '../inject/target-scope.ts';
import { checkSecurityReferences } from '../net/security/references.ts';
import type { ScenarioIssue } from './diagnostics.ts';
import { check, strayFields, suggestName } from './issue-messages.ts';
import { FleetIndex, own, unknownName } from './fleet-index.ts';
import { selectorSchema, targetSchema, triggerSchema } from './schema.ts';

/**
 * What the names in a scenario are checked against. The loader reads only these fields, so a test or
 * a tool may pass pared-down descriptors; the real registries (devices/index.ts, src/inject) fit as is.
 */
export interface ScenarioRegistries {
  devices: Readonly<
    Record<
      string,
      Pick<AnyDeviceDescriptor, 'kind' | 'idPrefix'> & Partial<Pick<AnyDeviceDescriptor, 'settingsSchema' | 'profileSchema' | 'docs'>>
    >
  >;
  faults: Readonly<Record<string, Pick<AnyFaultDefinition, 'name' | 'params'> & Partial<Pick<AnyFaultDefinition, 'summary' | 'targets'>>>>;
  clinicalEvents?: readonly string[];
  /**
   * Schema of each clinical event's params (without `type` and `at`, which the entry itself gives), by
   * name, e.g. from src/physiology/clinical-events.ts; when given, `patients.events[].params` are
   * checked against it, and its names are the clinical events unless `clinicalEvents` says otherwise.
   */
  clinicalEventParams?: Readonly<Record<string, z.ZodType>>;
  invariants?: readonly string[];
  /**
   * Schema of each invariant's params, by name (src/scenario/expectations/invariants); when given,
   * `expectations[].params` of an invariant are checked at load time with their file position.
   */
  invariantParams?: Readonly<Record<string, z.ZodType>>;
  metrics?: readonly string[];
}

export interface SemanticResult {
  issues: ScenarioIssue[];
  /** Parsed fault params (defaults applied) by timeline index. */
  faultParams: Map<number, Record<string, unknown>>;
}

type Path = readonly PropertyKey[];
type Raw = Record<string, unknown>;

/**
 * The second pass: names that refer to registries and to the fleet (fault names and params, device
 * kinds, ids, zones, timeline ids, invariants, metrics, clinical events) and times past the end.
 * It reads the raw document and checks each part that passed the schema on its own, so one file's
 * schema and name problems are reported together without repeating each other.
 */
export function checkReferences(data: unknown, registries: ScenarioRegistries, file?: string): SemanticResult {
  const doc = record(data) ?? {};
  const issues: ScenarioIssue[] = [];
  const faultParams = new Map<number, Record<string, unknown>>();
  const fleet = FleetIndex.build(doc.fleet, registries, issues);
  const durationMs = valid(durationSchema, doc.duration);
  const alarmCodes = knownAlarmCodes(registries);
  const problem = (path: Path, message: string) => issues.push({ path, message });

  const checkAt = (value: unknown, path: Path) => {
    const at = valid(durationSchema, value);
    if (at !== undefined && durationMs !== undefined && at > durationMs) {
      problem(path, `${formatDuration(at)} is past the end of the scenario (duration ${formatDuration(durationMs)})`);
    }
    return at;
  };
  const checkTarget = (value: unknown, path: Path) => {
    const selector = valid(selectorSchema, value);
    if (selector !== undefined && fleet !== undefined) issues.push(...fleet.checkSelector(selector, path));
  };
  const checkName = (name: unknown, known: readonly string[] | undefined, what: string, plural: string, path: Path) => {
    if (typeof name === 'string' && known !== undefined && !known.includes(name)) problem(path, unknownName(what, name, known, plural));
  };

  /** A registered item's params: durations need a unit as everywhere in a file, then its own schema, no stray fields. */
  const checkParams = (schema: z.ZodType, value: unknown, path: Path) => {
    if (value !== undefined && record(value) === undefined) return; // the shape check has already said so
    const shape = (schema as { shape?: Record<string, unknown> }).shape;
    for (const [name, v] of Object.entries(record(value) ?? {})) {
      if (needsDurationUnit(shape?.[name], v)) problem([...path, name], unitMessage(v));
    }
    const params = check(schema, value ?? {}, path);
    issues.push(...strayFields(schema, value ?? {}, path), ...(params.ok ? [] : params.issues));
  };

  // Timeline: fault names and params, targets, times, ids.
  const timelineIds = new Map<string, number>();
  const faultsUsed = new Set<string>();
  const faultNames = Object.keys(registries.faults);
  list(doc.timeline).forEach((entry, i) => {
    const path = ['timeline', i];
    const fault = typeof entry.fault === 'string' ? entry.fault : undefined;
    if (fault !== undefined) {
      faultsUsed.add(fault);
      const definition = own(registries.faults, fault);
      if (definition === undefined) problem([...path, 'fault'], unknownName('fault', fault, faultNames, 'faults'));
      else if (entry.params === undefined || record(entry.params) !== undefined) {
        // A fault's durations accept ms from code; in a file they need a unit like every other duration.
        for (const [name, value] of Object.entries(record(entry.params) ?? {})) {
          const shape = (definition.params as { shape?: Record<string, unknown> }).shape;
          if (needsDurationUnit(shape?.[name], value)) problem([...path, 'params', name], unitMessage(value));
        }
        const params = check(definition.params, entry.params ?? {}, [...path, 'params']);
        const stray = strayFields(definition.params, entry.params ?? {}, [...path, 'params']);
        issues.push(...stray, ...(params.ok ? [] : params.issues));
        if (params.ok) faultParams.set(i, (params.value ?? {}) as Record<string, unknown>);
      }
    }
    // The selector part picks devices (or zones, by zone or tag) like any other; `scope` must suit the fault.
    const target = valid(targetSchema, entry.target ?? {});
    if (target !== undefined) {
      const { scope: _scope, ...selector } = target;
      checkTarget(selector, [...path, 'target']);
      const definition = fault === undefined ? undefined : own(registries.faults, fault);
      if (definition !== undefined) for (const p of scopeProblems(definition, target)) problem([...path, 'target', p.field], p.message);
    }
    const at = checkAt(entry.at, [...path, 'at']);
    const every = valid(durationSchema, entry.every);
    if (every === 0) problem([...path, 'every'], 'a repeat interval must be longer than 0s');
    const until = valid(durationSchema, entry.until);
    if (until !== undefined && until <= (at ?? 0))
      problem([...path, 'until'], `ends (${formatDuration(until)}) before it starts (${formatDuration(at ?? 0)})`);
    if (entry.every !== undefined && entry.when !== undefined) {
      problem([...path, 'every'], 'give "every" or "when", not both — a trigger already decides how often it fires (when.times)');
    }
    if (entry.until !== undefined && entry.every === undefined && entry.when === undefined) {
      problem([...path, 'until'], '"until" ends a repeating ("every") or triggered ("when") entry; to end the fault itself, use "for"');
    }
    const when = valid(triggerSchema, entry.when);
    if (when?.device !== undefined && fleet !== undefined && !fleet.isSource(when.device)) {
      problem([...path, 'when', 'device'], unknownName('device, kind or zone', when.device, fleet.sources(), 'in the fleet'));
    }
    if (when?.code !== undefined) checkName(when.code, alarmCodes, 'alarm code', 'alarm codes', [...path, 'when', 'code']);
    const id = typeof entry.id === 'string' ? entry.id : fault === undefined ? undefined : `${fault}#${i}`;
    if (id === undefined) return;
    const first = timelineIds.get(id);
    if (first !== undefined)
      problem([...path, entry.id === undefined ? 'fault' : 'id'], `timeline id "${id}" is already used by timeline[${first}]`);
    else timelineIds.set(id, i);
  });

  // Expectations: what they are about must exist.
  const injections = [...timelineIds.keys(), ...[...faultsUsed].filter((f) => !timelineIds.has(f))];
  const expectationNames = new Map<string, number>();
  list(doc.expectations).forEach((e, j) => {
    const path = ['expectations', j];
    if (typeof e.of === 'string' && !injections.includes(e.of)) {
      const near = suggestName(e.of, injections);
      const hint = near === undefined ? '' : ` — did you mean "${near}"?`;
      const listed = injections.length === 0 ? 'the timeline is empty' : `in the timeline: ${injections.join(', ')}`;
      problem([...path, 'of'], `"${e.of}" is neither a timeline id nor a fault the timeline injects${hint} (${listed})`);
    }
    if (e.target !== undefined) checkTarget(e.target, [...path, 'target']);
    const expected = record(e.expect)?.alarm;
    if (Array.isArray(expected))
      expected.forEach((code, k) => checkName(code, alarmCodes, 'alarm code', 'alarm codes', [...path, 'expect', 'alarm', k]));
    else checkName(expected, alarmCodes, 'alarm code', 'alarm codes', [...path, 'expect', 'alarm']);
    if (e.type === 'false-alarms') checkName(e.alarm, alarmCodes, 'alarm code', 'alarm codes', [...path, 'alarm']);
    if (e.type === 'metric') checkName(e.metric, registries.metrics, 'metric', 'metrics', [...path, 'metric']);
    if (e.type === 'invariant') {
      checkName(e.invariant, registries.invariants, 'invariant', 'invariants', [...path, 'invariant']);
      const schema =
        typeof e.invariant === 'string' && registries.invariantParams ? own(registries.invariantParams, e.invariant) : undefined;
      if (schema !== undefined) checkParams(schema, e.params, [...path, 'params']);
    }
    if (typeof e.name !== 'string') return;
    const first = expectationNames.get(e.name);
    if (first !== undefined) problem([...path, 'name'], `expectation name "${e.name}" is already used by expectations[${first}]`);
    else expectationNames.set(e.name, j);
  });

  list(doc.commands).forEach((c, k) => {
    checkAt(c.at, ['commands', k, 'at']);
    checkTarget(c.target, ['commands', k, 'target']);
  });

  const kinds = Object.keys(registries.devices);
  list(doc.campaigns).forEach((c, k) => {
    const path = ['campaigns', k];
    const at = checkAt(c.at, [...path, 'at']);
    checkName(c.kind, kinds, 'device kind', 'device kinds', [...path, 'kind']);
    list(c.stages).forEach((stage, n) => {
      const { after, ...selector } = stage;
      const delay = valid(durationSchema, after);
      if (at !== undefined && delay !== undefined) checkAt(at + delay, [...path, 'stages', n, 'after']);
      checkTarget(typeof c.kind === 'string' && kinds.includes(c.kind) ? { ...selector, kind: c.kind } : selector, [...path, 'stages', n]);
    });
  });

  const patients = record(doc.patients) ?? {};
  const patientIds = fleet?.patientIds;
  list(patients.meals).forEach((meal, m) => {
    checkAt(meal.at, ['patients', 'meals', m, 'at']);
    checkName(meal.patient, patientIds, 'patient', 'patients', ['patients', 'meals', m, 'patient']);
  });
  list(patients.events).forEach((event, n) => {
    const path = ['patients', 'events', n];
    checkAt(event.at, [...path, 'at']);
    checkName(event.patient, patientIds, 'patient', 'patients', [...path, 'patient']);
    const eventNames = registries.clinicalEvents ?? (registries.clinicalEventParams && Object.keys(registries.clinicalEventParams));
    checkName(event.event, eventNames, 'clinical event', 'clinical events', [...path, 'event']);
    const paramsSchema =
      typeof event.event === 'string' && registries.clinicalEventParams ? own(registries.clinicalEventParams, event.event) : undefined;
    if (paramsSchema !== undefined) checkParams(paramsSchema, event.params, [...path, 'params']);
    if (event.target !== undefined) checkTarget(event.target, [...path, 'target']);
  });

  const zones = list(record(doc.fleet)?.zones).flatMap((z) => (typeof z.id === 'string' ? [z.id] : []));
  const baseDir = file === undefined ? undefined : dirname(file);
  const security = checkSecurityReferences(doc.security, { zones, ...(patientIds ? { patients: patientIds } : {}) }, baseDir);
  for (const issue of security) issues.push({ ...issue, path: ['security', ...issue.path] });

  return { issues, faultParams };
}

/** Alarm codes every kind documents, or undefined when some kind does not say (then codes are not checked). */
function knownAlarmCodes(registries: ScenarioRegistries): string[] | undefined {
  const descriptors = Object.values(registries.devices);
  if (descriptors.length === 0 || descriptors.some((d) => d.docs?.alarms === undefined)) return undefined;
  // Every kind raises its communication-loss alarm while offline (the agent does, docs/network.md).
  return [...new Set([...descriptors.flatMap((d) => d.docs!.alarms.map((a) => a.name)), COMM_LOSS_ALARM])];
}

function valid<T extends z.ZodType>(schema: T, value: unknown): z.output<T> | undefined {
  if (value === undefined) return undefined;
  const result = schema.safeParse(value);
  return result.success ? result.data : undefined;
}

function record(value: unknown): Raw | undefined {
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Raw) : undefined;
}

/** The entries of a list that are mappings, keeping their indices. */
function list(value: unknown): Raw[] {
  return Array.isArray(value) ? value.map((v) => record(v) ?? {}) : [];
}
