import { planFleet, type PlannedDevice } from '../fleet/fleet-spec.ts';
import type { ScenarioIssue } from './diagnostics.ts';
import { check, suggestName } from './issue-messages.ts';
import { scenarioSchema, type Selector } from './schema.ts';
import type { ScenarioRegistries } from './semantic-checks.ts';

type Path = readonly PropertyKey[];
/** Names listed in full up to this many; a fleet's device ids can run to thousands. */
const LISTED = 30;

/**
 * The devices, zones, tags and patients a scenario's fleet section lays out (with the same ids the run
 * will use), for checking the names that selectors and patient entries refer to.
 */
export class FleetIndex {
  readonly ids: string[];
  readonly zones: string[];
  readonly tags: string[];
  /** Kinds with at least one device in the fleet. */
  readonly kinds: string[];
  readonly patientIds: string[];
  private readonly idSet: Set<string>;

  private constructor(
    private readonly devices: readonly PlannedDevice[],
    patientIds: string[],
    private readonly registryKinds: readonly string[],
  ) {
    this.ids = devices.map((d) => d.id);
    this.idSet = new Set(this.ids);
    this.zones = [...new Set(devices.map((d) => d.zone))];
    this.tags = [...new Set(devices.flatMap((d) => d.tags))];
    this.kinds = [...new Set(devices.map((d) => d.kind))];
    this.patientIds = patientIds;
  }

  /**
   * Checks the fleet section's kinds, zone ids and per-kind settings and profiles, then lays it out.
   * Undefined when the section is too broken to know which devices there are.
   */
  static build(raw: unknown, registries: ScenarioRegistries, issues: ScenarioIssue[]): FleetIndex | undefined {
    const registryKinds = Object.keys(registries.devices);
    const zones = Array.isArray((raw as { zones?: unknown } | undefined)?.zones) ? (raw as { zones: unknown[] }).zones : [];
    const seenZones = new Map<string, number>();
    zones.forEach((zone, i) => {
      const z = (zone ?? {}) as { id?: unknown; devices?: unknown; config?: unknown };
      const path = ['fleet', 'zones', i];
      if (typeof z.id === 'string') {
        const first = seenZones.get(z.id);
        if (first !== undefined)
          issues.push({ path: [...path, 'id'], message: `zone "${z.id}" is already defined at fleet.zones[${first}]` });
        else seenZones.set(z.id, i);
      }
      const counts = isRecord(z.devices) ? z.devices : {};
      for (const kind of Object.keys(counts)) {
        if (own(registries.devices, kind) === undefined) {
          issues.push({
            path: [...path, 'devices', kind],
            message: unknownName('device kind', kind, registryKinds, 'known kinds'),
            at: 'key',
          });
        }
      }
      for (const [kind, config] of Object.entries(isRecord(z.config) ? z.config : {})) {
        const configPath = [...path, 'config', kind];
        const descriptor = own(registries.devices, kind);
        if (descriptor === undefined) {
          issues.push({ path: configPath, message: unknownName('device kind', kind, registryKinds, 'known kinds'), at: 'key' });
          continue;
        }
        if (!(kind in counts))
          issues.push({ path: configPath, message: `configures "${kind}" but the zone has no ${kind} devices`, at: 'key' });
        if (!isRecord(config)) continue;
        for (const [field, schema] of [
          ['settings', descriptor.settingsSchema],
          ['profile', descriptor.profileSchema],
        ] as const) {
          if (schema === undefined || config[field] === undefined) continue;
          const result = check(schema, config[field], [...configPath, field]);
          if (!result.ok) issues.push(...result.issues);
        }
      }
    });
    const parsed = scenarioSchema.shape.fleet.safeParse(raw);
    if (!parsed.success) return undefined;
    const plan = planFleet(parsed.data, (kind) => own(registries.devices, kind)?.idPrefix ?? kind);
    return new FleetIndex(
      plan.devices,
      plan.beds.map((b) => b.patientId),
      registryKinds,
    );
  }

  /** Problems with a selector's names, or that it picks no device at all. */
  checkSelector(selector: Selector, path: Path): ScenarioIssue[] {
    const issues: ScenarioIssue[] = [];
    const ids = selector.device === undefined ? [] : [selector.device].flat();
    ids.forEach((id, i) => {
      if (this.idSet.has(id)) return;
      const at = Array.isArray(selector.device) ? [...path, 'device', i] : [...path, 'device'];
      issues.push({ path: at, message: unknownName('device', id, this.ids, 'devices') });
    });
    if (selector.kind !== undefined && !this.kinds.includes(selector.kind)) {
      const message = this.registryKinds.includes(selector.kind)
        ? `the fleet has no ${selector.kind} devices (kinds in the fleet: ${this.kinds.join(', ')})`
        : unknownName('device kind', selector.kind, this.registryKinds, 'known kinds');
      issues.push({ path: [...path, 'kind'], message });
    }
    if (selector.zone !== undefined && !this.zones.includes(selector.zone)) {
      issues.push({ path: [...path, 'zone'], message: unknownName('zone', selector.zone, this.zones, 'zones') });
    }
    if (selector.tag !== undefined && !this.tags.includes(selector.tag)) {
      issues.push({ path: [...path, 'tag'], message: unknownName('tag', selector.tag, this.tags, 'zone tags') });
    }
    if (issues.length > 0) return issues;
    // A count above the matches is not an error: the run then takes every match (as selectDevices does).
    if (!this.devices.some((d) => matches(selector, d))) {
      return [{ path, message: 'matches no device in the fleet (every field given must match the same device)' }];
    }
    return [];
  }

  /** Whether `name` is a device id, kind or zone in the fleet (a trigger's event source). */
  isSource(name: string): boolean {
    return this.idSet.has(name) || this.kinds.includes(name) || this.zones.includes(name);
  }

  sources(): string[] {
    return [...this.kinds, ...this.zones, ...this.ids];
  }
}

function matches(s: Selector, d: PlannedDevice): boolean {
  return (
    (s.device === undefined || [s.device].flat().includes(d.id)) &&
    (s.kind === undefined || s.kind === d.kind) &&
    (s.zone === undefined || s.zone === d.zone) &&
    (s.tag === undefined || d.tags.includes(s.tag))
  );
}

/**
 * `unknown fault "occlusoin" — did you mean "occlusion"?`, listing the valid names when there is no
 * suggestion or they are few.
 */
export function unknownName(what: string, name: string, known: readonly string[], listLabel: string): string {
  const near = suggestName(name, known);
  const hint = near === undefined ? '' : ` — did you mean "${near}"?`;
  if (near !== undefined && known.length > 8) return `unknown ${what} "${name}"${hint}`;
  const shown = known.length > LISTED ? `${known.slice(0, LISTED).join(', ')}, … ${known.length} in all` : known.join(', ');
  return `unknown ${what} "${name}"${hint} (${listLabel}: ${known.length === 0 ? 'none' : shown})`;
}

/** A registry entry by name; a name like "constructor" is not inherited from Object.prototype. */
export function own<T>(registry: Readonly<Record<string, T>>, name: string): T | undefined {
  return Object.hasOwn(registry, name) ? registry[name] : undefined;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}
