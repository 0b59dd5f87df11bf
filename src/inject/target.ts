import type { Rng } from '../core/rng.ts';
import type { FaultSurface, Revert } from '../fleet/fault-surface.ts';
import type { FlappingParams } from '../net/proxy/flapping.ts';
import type { ToxicSpec } from '../net/proxy/fault-proxy.ts';

/**
 * What an injection acts on (DESIGN.md, "Injection targets"): a device; a device's link (its
 * connection to the broker); a zone (every link of the zone, through the zone's fault proxy); the site
 * (the broker itself); or the twin (the central station's client). Each fault declares the kinds it
 * accepts; a scenario picks one with `target.scope`, or gets the fault's first.
 */
export const TARGET_KINDS = ['device', 'link', 'zone', 'site', 'twin'] as const;
export type TargetKind = (typeof TARGET_KINDS)[number];

/** What every non-device target has: a name, the devices it affects, and a seeded stream of its own. */
export interface TargetBase {
  readonly targetKind: Exclude<TargetKind, 'device'>;
  /** `pump-03` (a link: its device's id), `ward-a` (a zone), `site`, `twin`. */
  readonly id: string;
  /**
   * The devices whose traffic the target carries, in fleet order: an injection records one
   * `fault.injected` per device, so detection expectations and reports stay per device.
   */
  readonly devices: readonly string[];
  /** This target's fault stream (`link:pump-03`, `zone:ward-a`): never shifts a device's own numbers. */
  readonly rng: Rng;
}

/**
 * A fault proxy's listener between clients and the broker. Each method starts a fault on the real
 * bytes and returns what ends it (docs/network.md).
 */
export interface NetworkOps {
  /** Adds a toxic (latency, timeout, mqtt...) to every connection through this listener. */
  addToxic(spec: ToxicSpec): Revert;
  /** Connections reset, new ones refused, until reverted. */
  setDown(): Revert;
  /** Down and up in turn (seeded phases) until reverted, which leaves the link up. */
  flap(params: FlappingParams, rng: Rng): Revert;
}

/** A link (one device's listener) or a zone (every device of the zone). */
export interface NetworkSurface extends TargetBase, NetworkOps {
  readonly targetKind: 'link' | 'zone';
}

/** The site: the broker every zone reaches. */
export interface SiteSurface extends TargetBase {
  readonly targetKind: 'site';
  /** Stops the broker now and starts it again on the same port after `downMs` of simulated time. */
  restartBroker(downMs: number): Revert;
}

/**
 * The twin: the central station's MQTT client. Its connection runs through a listener of its own
 * when a scenario puts a network fault on it (a WAN to a remote central station).
 */
export interface TwinSurface extends TargetBase, NetworkOps {
  readonly targetKind: 'twin';
  /** The twin stops reading its socket (a hung central station) until reverted. */
  freeze(): Revert;
}

export type TargetSurface = NetworkSurface | SiteSurface | TwinSurface;

/** Anything an injection can act on. */
export type InjectionTarget = FaultSurface | TargetSurface;

/** The kind of target `target` is. */
export function targetKindOf(target: InjectionTarget): TargetKind {
  return 'targetKind' in target ? target.targetKind : 'device';
}

/** The devices an injection on `target` is recorded against (the twin affects none: it is recorded as "twin"). */
export function affectedDevices(target: InjectionTarget): readonly string[] {
  if (!('targetKind' in target)) return [target.deviceId];
  return target.devices.length > 0 ? target.devices : [target.id];
}

/** A label for messages: `pump-03`, `link pump-03`, `zone ward-a`, `site`, `twin`. */
export function describeTarget(target: InjectionTarget): string {
  if (!('targetKind' in target)) return target.deviceId;
  return target.targetKind === 'site' || target.targetKind === 'twin' ? target.targetKind : `${target.targetKind} ${target.id}`;
}

/**
 * Where a run's non-device targets come from. The runtime builds one from its network (fault proxies
 * per zone and per targeted device, the restartable broker, the twin's client); without one, only
 * device targets exist and a scenario naming another is told so.
 */
export interface TargetDirectory {
  /** The link of one device; undefined when the run has no network to give it one. */
  link?(deviceId: string): NetworkSurface | undefined;
  zone?(zoneId: string): NetworkSurface | undefined;
  site?(): SiteSurface | undefined;
  twin?(): TwinSurface | undefined;
}

/** The fault's accepted target kinds, preferred first (device faults: only `device`). */
export function acceptedTargets(fault: { targets?: readonly TargetKind[] }): readonly TargetKind[] {
  return fault.targets !== undefined && fault.targets.length > 0 ? fault.targets : ['device'];
}
