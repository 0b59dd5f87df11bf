import type { Clock } from '../core/clock.ts';
import { canonicalJson } from '../core/canonical-json.ts';
import { InputError } from '../core/errors.ts';
import type { EventLog, SimEvent } from '../core/event-log.ts';
import type { Rng } from '../core/rng.ts';
import type { AnyFaultDefinition, InjectionContext } from '../inject/fault.ts';
import { Injector, type Injection } from '../inject/injector.ts';
import { parseFaultParams } from '../inject/params.ts';
import { FAULTS, getFault, type FaultRegistry } from '../inject/registry.ts';
import { describeTarget, type InjectionTarget, type TargetDirectory, type TargetKind } from '../inject/target.ts';
import { scopeOf, scopeProblems } from '../inject/target-scope.ts';
import type { Selector, TargetSelector, TimelineEntry } from '../scenario/schema.ts';
import type { InjectionRecord } from '../scenario/result.ts';
import { Scheduler } from '../core/scheduler.ts';
import { isEmptySelector, matchDevices, pickDevices, type SelectableDevice, type TagLookup } from './selector.ts';

export interface TimelineOptions {
  clock: Clock;
  log: EventLog;
  /** The run's `timeline` fork; each entry draws its picks from its own fork (`entry:<index>`). */
  rng: Rng;
  /** The fleet, in fleet order (DeviceAgents fit). */
  agents: readonly SelectableDevice[];
  /** Zone tags for `target.tag` when the agents do not carry `tags` (e.g. from the fleet plan). */
  tagsOf?: TagLookup;
  faults?: FaultRegistry;
  entries?: readonly TimelineEntry[];
  durationMs: number;
  context?: InjectionContext;
  /** Links, zones, the site and the twin, for faults that act on them (the run's network); devices come from `agents`. */
  targets?: TargetDirectory;
  /**
   * Optional source of every event as it is recorded (not when sealed): the timeline subscribes on
   * `start()`. Without it, the run calls `notify(event)` itself.
   */
  subscribe?: (listener: (event: SimEvent) => void) => () => void;
}

/** What an on-demand injection did: its id (for `revert`) and the devices it hit (or whose link, zone... it hit). */
export interface ManualInjection {
  id: string;
  devices: string[];
}

interface Scheduled {
  index: number;
  id: string;
  entry: TimelineEntry;
  fault: AnyFaultDefinition;
  params: Record<string, unknown>;
  rng: Rng;
  scope: TargetKind;
  /** Targets the selector matches that can take the fault, in fleet order (before count/fraction). */
  candidates: InjectionTarget[];
}

/**
 * Turns a scenario's timeline into injections on the simulation clock through the trigger engine
 * (scheduler.ts): `at` (once), `every` (from `at` or 0 until `until` or the end), `when` (an event,
 * plus `delay`), each lasting `for` (the injector reverts it) or to the end.
 * Everything is checked when it is built — fault names, params, selectors, and whether the selected
 * devices can take the fault — so a bad scenario fails before the run, not halfway through it.
 */
export class Timeline {
  readonly durationMs: number;
  #clock: Clock;
  #rng: Rng;
  #agents: readonly SelectableDevice[];
  #byId: Map<string, SelectableDevice>;
  #tagsOf: TagLookup | undefined;
  #faults: FaultRegistry;
  #targets: TargetDirectory;
  #scheduled: Scheduled[];
  #injector: Injector;
  #log: EventLog;
  #own = new WeakSet<SimEvent>();
  #scheduler: Scheduler;
  #subscribe: TimelineOptions['subscribe'];
  #unsubscribe: (() => void) | undefined;
  #started = false;
  #stopped = false;
  #manual = 0;

  constructor(options: TimelineOptions) {
    this.durationMs = options.durationMs;
    this.#clock = options.clock;
    this.#log = options.log;
    this.#rng = options.rng;
    this.#agents = options.agents;
    this.#byId = new Map(options.agents.map((a) => [a.deviceId, a]));
    this.#tagsOf = options.tagsOf;
    this.#faults = options.faults ?? FAULTS;
    this.#targets = options.targets ?? {};
    this.#subscribe = options.subscribe;
    this.#scheduler = new Scheduler(options.clock, options.durationMs);
    this.#injector = new Injector({ clock: options.clock, log: options.log, context: options.context, record: (e) => this.#record(e) });
    this.#scheduled = prepareAll(options.entries ?? [], (entry, index) => this.#prepare(entry, index));
  }

  /** Schedules every entry on the clock. Times are simulation times from the start of the run. */
  start(): void {
    if (this.#started) return;
    this.#started = true;
    for (const s of this.#scheduled) {
      const { at, every, until, when } = s.entry;
      if (when !== undefined) {
        this.#scheduler.when({ type: when.event, match: (event) => this.#matches(s, event) }, (event) => this.#fire(s, event), {
          from: at ?? 0,
          until,
          delay: when.delay ?? 0,
          times: when.times,
        });
      } else if (every === undefined) {
        // Like a repeat, a single injection due at the very end would have no time to act (the scheduler's end).
        this.#scheduler.at(at!, () => this.#fire(s));
      } else {
        this.#scheduler.every(every, () => this.#fire(s), { from: at ?? 0, until });
      }
    }
    if (this.#subscribe) this.#unsubscribe = this.#subscribe((event) => this.notify(event));
  }

  /** Cancels everything still scheduled; active faults stay as they are (the run has ended). */
  stop(): void {
    this.#stopped = true;
    this.#scheduler.stop();
    this.#injector.stop();
    this.#unsubscribe?.();
  }

  /**
   * Tells the timeline an event happened, as it is recorded. Matching `when` triggers fire at the
   * event's time plus their delay; triggers due at the same time fire in canonical order (entry, then
   * event time, source, type, payload), so the outcome does not depend on the order events arrive in.
   */
  notify(event: SimEvent): void {
    if (this.#own.has(event)) return;
    this.#match(event);
  }

  /**
   * Injects a fault now, on demand (TUI, CLI, tabletop): validated like a timeline entry; devices the
   * selector matches that cannot take the fault are skipped, and it is an InputError if none can.
   */
  inject(
    faultName: string,
    selector: TargetSelector = {},
    params: Record<string, unknown> = {},
    forMs?: number,
    id?: string,
  ): ManualInjection {
    const n = ++this.#manual;
    const injectionId = id ?? `manual-${n}`;
    const fault = getFault(faultName, this.#faults, 'inject');
    const parsed = parseFaultParams(fault, params, 'inject.params');
    const candidates = this.#candidates(selector, fault, parsed, `inject (${injectionId})`, 'inject.target');
    const targets = pickDevices(selector, candidates, this.#rng.fork(`manual:${n}`));
    const applied = this.#injector.apply({ id: injectionId, fault, params: parsed, targets, ...(forMs === undefined ? {} : { forMs }) });
    return { id: injectionId, devices: applied.map((i) => i.device) };
  }

  /** Reverts now the active injections with this id (on one device, or all); returns how many. */
  revert(id: string, device?: string): number {
    return this.#injector.revert(id, device);
  }

  /** Every injection so far; `eventId` is 0 (the collector fills it from the log). */
  injections(): InjectionRecord[] {
    return this.#injector.all.map((i) => this.#toRecord(i));
  }

  /** Injections still in effect. */
  active(): InjectionRecord[] {
    return this.#injector.active().map((i) => this.#toRecord(i));
  }

  #toRecord(i: Injection): InjectionRecord {
    // A revert due after the end never happens: the fault lasts to the end.
    const until = i.reverted || (i.until !== null && i.until <= this.durationMs) ? i.until : null;
    return {
      eventId: 0,
      id: i.id,
      fault: i.fault,
      category: i.category,
      device: i.device,
      ...(i.target.kind === 'device' ? {} : { target: i.target }),
      at: i.at,
      until,
      params: i.params,
    };
  }

  // ---- building --------------------------------------------------------------------------------

  #prepare(entry: TimelineEntry, index: number): Scheduled {
    const where = `timeline[${index}]`;
    const fault = getFault(entry.fault, this.#faults, `${where}.fault`);
    const id = entry.id ?? `${entry.fault}#${index}`;
    if (entry.every !== undefined && entry.when !== undefined) {
      throw new InputError(
        'E_TIMELINE',
        `${where} (${id}): give "every" or "when", not both — a trigger already decides when it repeats (when.times)`,
      );
    }
    if (entry.every !== undefined && entry.every <= 0)
      throw new InputError('E_TIMELINE', `${where}.every: a repeat interval must be longer than 0s`);
    if (entry.until !== undefined && entry.every === undefined && entry.when === undefined) {
      throw new InputError(
        'E_TIMELINE',
        `${where}.until: "until" ends a repeating ("every") or triggered ("when") entry; to end a fault, use "for"`,
      );
    }
    const params = parseFaultParams(fault, entry.params, `${where}.params`);
    const candidates = this.#candidates(entry.target, fault, params, `${where} (${id})`, `${where}.target`);
    const scope = scopeOf(fault, entry.target);
    return { index, id, entry, fault, params, rng: this.#rng.fork(`entry:${index}`), scope, candidates };
  }

  /**
   * The targets a selector matches that can take the fault: devices, or their links, their zones, the
   * site or the twin, as the target's scope says. A device named by id that cannot is an error; among
   * devices matched by kind, zone or tag, those that cannot are skipped — unless none can.
   */
  #candidates(
    selector: TargetSelector,
    fault: AnyFaultDefinition,
    params: Record<string, unknown>,
    label: string,
    where: string,
  ): InjectionTarget[] {
    const problems = scopeProblems(fault, selector);
    if (problems.length > 0)
      throw new InputError('E_TARGET', problems.map((p) => `${label}: ${where}.${p.field}: ${p.message}`).join('\n'));
    const scope = scopeOf(fault, selector);
    const { scope: _scope, ...devices } = selector;
    let matched: InjectionTarget[];
    if (scope === 'site' || scope === 'twin') {
      const target = scope === 'site' ? this.#targets.site?.() : this.#targets.twin?.();
      if (target === undefined) throw this.#noNetwork(label, where, scope);
      matched = [target];
    } else {
      const picked = matchDevices(devices, this.#agents, { tagsOf: this.#tagsOf, where });
      if (picked.length === 0)
        throw new InputError('E_SELECTOR_EMPTY', `${label}: ${where} ${describeSelector(devices)} matches no device in the fleet`);
      matched = scope === 'device' ? picked : this.#network(scope, picked, label, where);
    }
    const reasons = new Map<InjectionTarget, string>();
    for (const target of matched) {
      const reason = incompatibility(fault, target, params);
      if (reason !== undefined) reasons.set(target, reason);
    }
    const named = selector.device !== undefined;
    const blocked = named ? matched.find((d) => reasons.has(d)) : matched.length === reasons.size ? matched[0] : undefined;
    if (blocked !== undefined) {
      const others =
        named || matched.length === 1
          ? ''
          : ` (nor can any of the ${matched.length} ${scope === 'device' ? 'devices' : `${scope}s`} ${where} ${describeSelector(selector)} matches)`;
      throw new InputError(
        'E_FAULT_INCOMPATIBLE',
        `${label}: ${fault.name} cannot apply to ${describeTarget(blocked)}: ${reasons.get(blocked)}${others}`,
      );
    }
    return matched.filter((d) => !reasons.has(d));
  }

  /** The links of `devices`, or the zones they are in (each once, in fleet order). */
  #network(scope: 'link' | 'zone', devices: readonly SelectableDevice[], label: string, where: string): InjectionTarget[] {
    const out: InjectionTarget[] = [];
    const seen = new Set<string>();
    for (const device of devices) {
      const key = scope === 'link' ? device.deviceId : device.zone;
      if (seen.has(key)) continue;
      seen.add(key);
      const target = scope === 'link' ? this.#targets.link?.(key) : this.#targets.zone?.(key);
      if (target === undefined) throw this.#noNetwork(label, where, scope);
      out.push(target);
    }
    return out;
  }

  #noNetwork(label: string, where: string, scope: TargetKind): InputError {
    return new InputError(
      'E_TARGET',
      `${label}: ${where}.scope: this run has no ${scope} targets (it was built without its network); only devices can be targeted`,
    );
  }

  // ---- running ---------------------------------------------------------------------------------

  #fire(s: Scheduled, trigger?: SimEvent): void {
    let targets: InjectionTarget[];
    const device = trigger === undefined ? undefined : this.#deviceOf(trigger);
    const about = device === undefined ? undefined : this.#aboutTarget(s.scope, device);
    if (trigger !== undefined && isEmptySelector(withoutScope(s.entry.target)) && about !== undefined && device !== undefined) {
      // A triggered entry without a target acts on the device its trigger event is about (or its link, its zone).
      const reason = incompatibility(s.fault, about, s.params);
      if (reason !== undefined) {
        this.#record({
          t: this.#clock.now(),
          source: 'injector',
          type: 'fault.skipped',
          data: { id: s.id, fault: s.fault.name, device: device.deviceId, reason },
        });
        return;
      }
      targets = [about];
    } else {
      targets = pickDevices(s.entry.target, s.candidates, s.rng);
    }
    if (targets.length === 0) return;
    this.#injector.apply({
      id: s.id,
      fault: s.fault,
      params: s.params,
      targets,
      ...(s.entry.for === undefined ? {} : { forMs: s.entry.for }),
    });
  }

  #match(event: SimEvent): void {
    if (!this.#started || this.#stopped) return;
    this.#scheduler.notify(event);
  }

  /** Whether an event of the entry's `when.event` type meets the rest of its `when` (code, device). */
  #matches(s: Scheduled, event: SimEvent): boolean {
    const when = s.entry.when!;
    if (when.code !== undefined && codeOf(event) !== when.code) return false;
    if (when.device === undefined) return true;
    const device = this.#deviceOf(event);
    return device !== undefined && [device.deviceId, device.kind, device.zone].includes(when.device);
  }

  #record(event: SimEvent): void {
    // Marked first: a log listener forwarding it straight back to `notify` must not match it twice.
    this.#own.add(event);
    this.#log.record(event);
    // The timeline's own events can trigger entries too (`when: { event: fault.injected }`).
    this.#match(event);
  }

  /** The target of kind `scope` a device stands for: itself, its link, its zone; the site and twin are not about a device. */
  #aboutTarget(scope: TargetKind, device: SelectableDevice): InjectionTarget | undefined {
    if (scope === 'device') return device;
    if (scope === 'link') return this.#targets.link?.(device.deviceId);
    if (scope === 'zone') return this.#targets.zone?.(device.zone);
    return undefined;
  }

  /** The device an event is about: its source, or the device named in its data (twin and injector events). */
  #deviceOf(event: SimEvent): SelectableDevice | undefined {
    const bySource = this.#byId.get(event.source);
    if (bySource) return bySource;
    const named = (event.data as { device?: unknown } | undefined)?.device;
    return typeof named === 'string' ? this.#byId.get(named) : undefined;
  }
}

function incompatibility(fault: AnyFaultDefinition, target: InjectionTarget, params: Record<string, unknown>): string | undefined {
  return fault.incompatibility(target, fault.resolveParams?.(target, params) ?? params);
}

function withoutScope(target: TargetSelector): Selector {
  const { scope: _scope, ...selector } = target;
  return selector;
}

/** An alarm event's code: `alarm.raised` carries it in `alarm`, the others at the top level. */
function codeOf(event: SimEvent): string | undefined {
  const data = event.data as { code?: unknown; alarm?: { code?: unknown } } | undefined;
  const code = data?.code ?? data?.alarm?.code;
  return typeof code === 'string' ? code : undefined;
}

function describeSelector(selector: Selector): string {
  return isEmptySelector(selector) ? '{}' : canonicalJson(selector);
}

/** Builds every entry, collecting all problems into one InputError rather than stopping at the first. */
function prepareAll(entries: readonly TimelineEntry[], prepare: (entry: TimelineEntry, index: number) => Scheduled): Scheduled[] {
  const out: Scheduled[] = [];
  const errors: InputError[] = [];
  entries.forEach((entry, index) => {
    try {
      out.push(prepare(entry, index));
    } catch (error) {
      if (!(error instanceof InputError)) throw error;
      errors.push(error);
    }
  });
  if (errors.length === 1) throw errors[0]!;
  if (errors.length > 1)
    throw new InputError(
      'E_TIMELINE',
      `${errors.length} problems in the timeline:\n${errors.map((e) => `  ${e.message.replaceAll('\n', '\n  ')}`).join('\n')}`,
    );
  return out;
}
