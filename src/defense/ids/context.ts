import type { DrugLibrary } from '../../../devices/infusion-pump/drug-library.ts';
import { DEFAULT_DRUG_LIBRARY } from '../../../devices/infusion-pump/drug-library.ts';
import { TWIN_CLIENT_ID, consoleClientId, deviceClientId } from '../../net/security/identities.ts';
import { DEFAULT_ROLES, type Permission } from '../../net/security/roles.ts';
import { parseTopic, type ParsedTopic } from '../../net/topics.ts';
import type { Observation } from './observation.ts';
import { DEFAULT_THRESHOLDS, type IdsThresholds } from './thresholds.ts';

/** What the IDS is told about the fleet it watches: the same facts the identity layer derives. */
export interface IdsFleet {
  site: string;
  zones?: readonly string[];
  devices: readonly { id: string; kind: string; zone: string; firmware?: string; drugLibrary?: DrugLibrary }[];
  /** Client ids the twin connects under besides `medtwin-twin` (an open run's twin uses a per-seed id). */
  twinClientIds?: readonly string[];
  /** Operator consoles; by default one per zone per zone role and one per site-wide role (DEFAULT_ROLES). */
  consoles?: readonly KnownConsole[];
  /** Patch campaigns' change windows: firmware changes the hospital planned (firmware-mismatch expects them). */
  changeWindows?: readonly ChangeWindow[];
}

/** A patch campaign stage's change window, as the security team is told it: which devices may change version, to what, when. */
export interface ChangeWindow {
  campaign: string;
  kind: string;
  to: string;
  /** The stage's zone, or its devices, when it names them; neither: every device of the kind. */
  zone?: string;
  devices?: readonly string[];
  /** Simulation time, ms. */
  from: number;
  until: number;
}

export interface KnownConsole {
  clientId: string;
  role: string;
  zone: string | undefined;
  permissions: readonly Permission[];
}

interface KnownDevice {
  deviceId: string;
  kind: string;
  zone: string;
  firmware: string | undefined;
  drugLibrary: DrugLibrary;
}

/**
 * Who did something, as far as the IDS can tell. `verified` is true when the broker authenticated the
 * client as this identity; false when only the client id says so (an `open` broker, or a claim the
 * broker never checked) — a client id is a claim, not a credential.
 */
export type Subject =
  | { type: 'device'; clientId: string; verified: boolean; deviceId: string; kind: string; zone: string }
  | { type: 'twin'; clientId: string; verified: boolean }
  | { type: 'console'; clientId: string; verified: boolean; role: string; zone: string | undefined; permissions: readonly Permission[] }
  | { type: 'unknown'; clientId: string; verified: false };

/** The fleet knowledge and thresholds every rule reads. */
export class IdsContext {
  readonly site: string;
  readonly thresholds: IdsThresholds;
  readonly #devices = new Map<string, KnownDevice>();
  readonly #byClientId = new Map<string, KnownDevice>();
  readonly #consoles = new Map<string, KnownConsole>();
  readonly #twins: ReadonlySet<string>;
  readonly #windows: readonly ChangeWindow[];

  constructor(fleet: IdsFleet, thresholds: Partial<IdsThresholds> = {}) {
    this.site = fleet.site;
    this.thresholds = { ...DEFAULT_THRESHOLDS, ...thresholds };
    this.#twins = new Set([TWIN_CLIENT_ID, ...(fleet.twinClientIds ?? [])]);
    this.#windows = fleet.changeWindows ?? [];
    for (const d of fleet.devices) {
      const known = {
        deviceId: d.id,
        kind: d.kind,
        zone: d.zone,
        firmware: d.firmware,
        drugLibrary: d.drugLibrary ?? DEFAULT_DRUG_LIBRARY,
      };
      this.#devices.set(d.id, known);
      this.#byClientId.set(deviceClientId(d.id), known);
    }
    const zones = fleet.zones ?? [...new Set(fleet.devices.map((d) => d.zone))].sort();
    const consoles =
      fleet.consoles ??
      Object.entries(DEFAULT_ROLES).flatMap(([role, spec]) =>
        (spec.siteWide ? [undefined] : zones).map((zone) => ({
          clientId: consoleClientId(role, zone),
          role,
          zone,
          permissions: spec.permissions,
        })),
      );
    for (const c of consoles) this.#consoles.set(c.clientId, c);
  }

  /** The subject of an observation: its authenticated identity if the broker verified one, else its claimed client id. */
  subjectOf(o: Observation): Subject {
    if (o.kind === 'lockout') return this.subject(o.username, false);
    const verifiedAs = 'authenticatedAs' in o ? o.authenticatedAs : undefined;
    return this.subject(verifiedAs ?? o.clientId, verifiedAs !== undefined);
  }

  subject(clientId: string, verified: boolean): Subject {
    if (this.#twins.has(clientId)) return { type: 'twin', clientId, verified };
    const device = this.#byClientId.get(clientId);
    if (device !== undefined)
      return { type: 'device', clientId, verified, deviceId: device.deviceId, kind: device.kind, zone: device.zone };
    const console = this.#consoles.get(clientId);
    if (console !== undefined) return { type: 'console', verified, ...console };
    return { type: 'unknown', clientId, verified: false };
  }

  /** A known device's facts. */
  device(deviceId: string): KnownDevice | undefined {
    return this.#devices.get(deviceId);
  }

  /** A topic of this site's scheme, with the device it addresses if the fleet has it. */
  deviceTopic(topic: string): (ParsedTopic & { known: KnownDevice | undefined }) | undefined {
    const parsed = parseTopic(topic);
    if (parsed === undefined || parsed.site !== this.site) return undefined;
    return { ...parsed, known: this.#devices.get(parsed.deviceId) };
  }

  /** The patch campaign whose change window covers `deviceId` moving to `version` at `t`, if one does. */
  plannedChange(deviceId: string, version: string, t: number): ChangeWindow | undefined {
    const device = this.#devices.get(deviceId);
    if (device === undefined) return undefined;
    return this.#windows.find(
      (w) =>
        w.to === version &&
        w.kind === device.kind &&
        t >= w.from &&
        t <= w.until &&
        (w.devices === undefined ? w.zone === undefined || w.zone === device.zone : w.devices.includes(deviceId)),
    );
  }

  /** True for a client id the fleet has (a device, the twin or a console). */
  isKnownClient(clientId: string): boolean {
    return this.subject(clientId, false).type !== 'unknown';
  }
}
