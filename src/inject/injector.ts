import type { Clock, TimerId } from '../core/clock.ts';
import { InputError } from '../core/errors.ts';
import type { EventLog, SimEvent } from '../core/event-log.ts';
import type { FaultSurface, Revert } from '../fleet/fault-surface.ts';
import type { AnyFaultDefinition, FaultCategory, InjectionContext } from './fault.ts';

/** One fault on one device, as applied. */
export interface Injection {
  id: string;
  fault: string;
  category: FaultCategory;
  device: string;
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
  targets: readonly FaultSurface[];
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
  #reverts = new Map<Injection, { revert: Revert; timer: TimerId | undefined }>();

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
        throw new InputError('E_FAULT_INCOMPATIBLE', `${id}: ${fault.name} cannot apply to ${target.deviceId}: ${reason}`);
      }
      return { target, params };
    });
    const at = this.#clock.now();
    const until = fault.instant ? at : forMs === undefined ? null : at + forMs;
    return resolved.map(({ target, params }) => {
      const revert = fault.apply(target, params, this.#context);
      const injection: Injection = {
        id,
        fault: fault.name,
        category: fault.category,
        device: target.deviceId,
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
        data: { id, fault: fault.name, category: fault.category, device: target.deviceId, params, until },
      });
      if (!fault.instant) {
        const timer = forMs === undefined ? undefined : this.#clock.setTimeout(() => this.#revert(injection), forMs);
        this.#reverts.set(injection, { revert, timer });
      }
      return injection;
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
    for (const { timer } of this.#reverts.values()) this.#clock.clearTimeout(timer);
  }

  #revert(injection: Injection): void {
    const entry = this.#reverts.get(injection);
    if (!entry) return;
    this.#reverts.delete(injection);
    this.#clock.clearTimeout(entry.timer);
    entry.revert();
    injection.reverted = true;
    injection.until = this.#clock.now();
    this.#record({
      t: injection.until,
      source: 'injector',
      type: 'fault.reverted',
      data: { id: injection.id, fault: injection.fault, device: injection.device },
    });
  }
}
