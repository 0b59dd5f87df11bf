import type { Clock, TimerId } from '../core/clock.ts';
import { InputError } from '../core/errors.ts';
import type { EventLog, SimEvent } from '../core/event-log.ts';
import type { Revert } from '../fleet/fault-surface.ts';
import type { AnyFaultDefinition, FaultCategory, InjectionContext } from './fault.ts';
import { affectedDevices, describeTarget, type InjectionTarget, type TargetKind, targetKindOf } from './target.ts';

/** One fault on one device, as applied (a zone or site injection is one per device it affects). */
export interface Injection {
  id: string;
  fault: string;
  category: FaultCategory;
  device: string;
  /** What the fault acted on: the device itself, or its link, its zone, the site, the twin. */
  target: { kind: TargetKind; id: string };
  /** Simulation time it was applied, ms. */
  at: number;
  /** When it reverted or is due to; null while it is set to last to the end of the run. */
  until: number | null;
  /** True once reverted (instant faults count as reverted at once). */
  reverted: boolean;
  /** The params applied, with device-dependent defaults filled in. */
  params: Record<string, unknown>;
}

export interface InjectRequest {
  /** Names the injection in the log and in expectations (`of:`); several devices share it. */
  id: string;
  fault: AnyFaultDefinition;
  /** Params as parsed by `parseFaultParams`. */
  params: Record<string, unknown>;
  targets: readonly InjectionTarget[];
  /** Reverts after this long; without it the fault lasts to the end of the run. */
  forMs?: number;
}

export interface InjectorOptions {
  clock: Clock;
  log: EventLog;
  /** What faults may use besides their target (defaults to the clock and log). */
  context?: InjectionContext;
  /** Records an event; defaults to `log.record`. The timeline passes one that also checks its triggers. */
  record?: (event: SimEvent) => void;
}

/**
 * Applies faults to devices and undoes them: records `fault.injected` / `fault.reverted` (source
 * `injector`), keeps each injection's revert, and schedules the revert on the clock when the
 * injection has a duration. Knows nothing of schedules or selectors — that is the timeline's job.
 */
export class Injector {
  #clock: Clock;
  #context: InjectionContext;
  #record: (event: SimEvent) => void;
  #injections: Injection[] = [];
  /** One entry per target applied: its revert undoes the fault for every injection (device) it carries. */
  #reverts = new Map<Injection, { revert: Revert; timer: TimerId | undefined; group: Injection[] }>();

  constructor(options: InjectorOptions) {
    this.#clock = options.clock;
    this.#context = options.context ?? { clock: options.clock, log: options.log };
    this.#record = options.record ?? ((event) => options.log.record(event));
  }

  /** Every injection so far, in the order applied. */
  get all(): readonly Injection[] {
    return this.#injections;
  }

  /** Injections not yet reverted. */
  active(): Injection[] {
    return this.#injections.filter((i) => !i.reverted);
  }

  /** Applies the fault to each target now. Throws an InputError (before applying any) if a target cannot take it. */
  apply(request: InjectRequest): Injection[] {
    const { id, fault, targets, forMs } = request;
    const resolved = targets.map((target) => {
      const params = (fault.resolveParams?.(target, request.params) ?? request.params) as Record<string, unknown>;
      const reason = fault.incompatibility(target, params);
      if (reason !== undefined) {
        throw new InputError('E_FAULT_INCOMPATIBLE', `${id}: ${fault.name} cannot apply to ${describeTarget(target)}: ${reason}`);
      }
      return { target, params };
    });
    const at = this.#clock.now();
    const until = fault.instant ? at : forMs === undefined ? null : at + forMs;
    return resolved.flatMap(({ target, params }) => {
      const revert = fault.apply(target, params, fault.category === 'attack' ? { ...this.#context, injectionId: id } : this.#context);
      const kind = targetKindOf(target);
      const targetId = 'targetKind' in target ? target.id : target.deviceId;
      const group = affectedDevices(target).map((device) => {
        const injection: Injection = {
          id,
          fault: fault.name,
          category: fault.category,
          device,
          target: { kind, id: targetId },
          at,
          until,
          reverted: !!fault.instant,
          params,
        };
        this.#injections.push(injection);
        this.#record({
          t: at,
          source: 'injector',
          type: 'fault.injected',
          data: {
            id,
            fault: fault.name,
            category: fault.category,
            device,
            // Device faults keep the shape their events always had (and so the digests of existing scenarios).
            ...(kind === 'device' ? {} : { target: { kind, id: targetId } }),
            params,
            until,
          },
        });
        return injection;
      });
      if (!fault.instant && group.length > 0) {
        const timer = forMs === undefined ? undefined : this.#clock.setTimeout(() => this.#revert(group[0]!), forMs);
        const entry = { revert, timer, group };
        for (const injection of group) this.#reverts.set(injection, entry);
      }
      return group;
    });
  }

  /** Reverts now every active injection with this id (on one device, or all); returns how many. */
  revert(id: string, device?: string): number {
    const matching = this.active().filter((i) => i.id === id && (device === undefined || i.device === device));
    for (const injection of matching) this.#revert(injection);
    return matching.length;
  }

  /** Cancels pending reverts: what is still active stays so (the run has ended). */
  stop(): void {
    for (const { timer } of new Set(this.#reverts.values())) this.#clock.clearTimeout(timer);
  }

  /**
   * Reverts the target `injection` was applied to: the fault's revert runs once, and each device the
   * target carried gets its `fault.reverted`. Reverting one device of a zone ends the zone's fault.
   */
  #revert(injection: Injection): void {
    const entry = this.#reverts.get(injection);
    if (!entry) return;
    for (const member of entry.group) this.#reverts.delete(member);
    this.#clock.clearTimeout(entry.timer);
    entry.revert();
    const now = this.#clock.now();
    for (const member of entry.group) {
      member.reverted = true;
      member.until = now;
      this.#record({
        t: now,
        source: 'injector',
        type: 'fault.reverted',
        data: { id: member.id, fault: member.fault, device: member.device },
      });
    }
  }
}
