import type { LoggedEvent } from '../core/event-log.ts';
import type { ExpectationResult, InjectionRecord } from '../scenario/result.ts';
import type { RunStatus } from '../runtime/run.ts';
import { applyEvents, createFleetModel, type FleetModel, type ModelOptions } from './state/fleet-model.ts';
import type { RunLike } from './run-like.ts';
import { CHANNELS } from '../net/topics.ts';
import { linkState } from './state/link-state.ts';
import { DEFAULT_SERIES_OPTIONS } from './state/series.ts';

export interface StoreOptions {
  model?: Partial<ModelOptions>;
  /** Ask the run for live expectation verdicts every this many flushes (they can be costly). Default 10. */
  expectationsEvery?: number;
}

/**
 * Collects what the run emits and folds it into the view model in batches. The run may seal thousands
 * of events a second at ×100; the TUI calls `flush()` on a throttle (~10 fps), so React renders once
 * per frame however fast events come. Components subscribe with `useSyncExternalStore`.
 */
export class TuiStore {
  readonly run: RunLike;
  readonly model: FleetModel;
  status: RunStatus;
  /** Live verdicts, or undefined when the run cannot give them. */
  expectations: readonly ExpectationResult[] | undefined;
  /** An error from `liveExpectations()`, shown in its panel. */
  expectationsError: string | undefined;
  #version = 0;
  #pending: LoggedEvent[][] = [];
  #listeners = new Set<() => void>();
  #flushes = 0;
  #everOnline = new Set<string>();
  #expectationsEvery: number;
  #detach: (() => void) | undefined;
  /** What the last verdicts were judged on (events applied, simulated time, phase), and at which flush. */
  #judgedOn: string | undefined;
  #judgedAtFlush = 0;

  constructor(run: RunLike, options: StoreOptions = {}) {
    this.run = run;
    this.model = createFleetModel(
      run.agents.map((a) => ({ id: a.deviceId, kind: a.kind, zone: a.zone, state: safeLabel(a) })),
      { series: { ...DEFAULT_SERIES_OPTIONS, capacity: seriesCapacity(run.agents.length) }, ...options.model },
    );
    this.status = run.status();
    this.#expectationsEvery = Math.max(1, options.expectationsEvery ?? 10);
  }

  /** Starts listening to the run's sealed events. Returns the function that stops. */
  attach(): () => void {
    if (this.#detach) return this.#detach;
    const listener = (batch: LoggedEvent[]) => this.ingest(batch);
    this.run.on('events', listener);
    this.#detach = () => {
      this.run.off('events', listener);
      this.#detach = undefined;
    };
    return this.#detach;
  }

  /** Queues a batch; nothing renders until the next flush. */
  ingest(batch: readonly LoggedEvent[]): void {
    if (batch.length > 0) this.#pending.push(batch as LoggedEvent[]);
  }

  /** Applies queued events and re-reads the run's status; notifies subscribers if anything changed. */
  flush(): boolean {
    this.#flushes++;
    let changed = false;
    if (this.#pending.length > 0) {
      const pending = this.#pending;
      this.#pending = [];
      for (const batch of pending) applyEvents(this.model, batch);
      changed = true;
    }
    const status = this.run.status();
    if (
      status.phase !== this.status.phase ||
      status.simMs !== this.status.simMs ||
      status.speed !== this.status.speed ||
      status.events !== this.status.events
    )
      changed = true;
    this.status = status;
    // Faults first: a network fault acting on a device degrades its link.
    if (this.#pollFaults()) changed = true;
    if (this.#pollConnections()) changed = true;
    if (this.#pollExpectations()) changed = true;
    if (changed) {
      this.#version++;
      for (const listener of this.#listeners) listener();
    }
    return changed;
  }

  subscribe = (listener: () => void): (() => void) => {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  };

  getVersion = (): number => this.#version;

  /**
   * Connection state is not an event: it is read from the twin's shadows (its retained status topic),
   * and what a device holds in its offline buffer from the delivery ledger; with the active network
   * faults they make its link state.
   */
  #pollConnections(): boolean {
    let changed = false;
    for (const view of this.model.devices.values()) {
      const shadow = this.run.twin.shadows.get(view.id);
      if (!shadow) continue;
      if (shadow.online) this.#everOnline.add(view.id);
      const everOnline = this.#everOnline.has(view.id);
      // Before its first connection a device is booting, not offline. The twin's link events
      // (twin.offline, twin.backfilling...) say it as soon as the log has them.
      const offline = (everOnline && !shadow.online) || view.linkEvent?.state === 'offline';
      const backlog = view.linkEvent?.state === 'backfilling' ? view.linkEvent.backlog : 0;
      const buffered = Math.max(this.run.ledger?.account(view.id)?.sum([CHANNELS.cmd]).buffered ?? 0, backlog);
      let networkFault = false;
      for (const f of view.faults.values()) if (f.category === 'network') networkFault = true;
      const link = linkState({
        everOnline,
        online: !offline && (shadow.online || everOnline),
        stale: shadow.stale,
        networkFault,
        buffered,
      });
      if (offline !== view.offline || link !== view.link || buffered !== view.buffered) {
        view.offline = offline;
        view.link = link;
        view.buffered = buffered;
        changed = true;
      }
    }
    return changed;
  }

  /**
   * Live verdicts are judged again whenever the run moved on since the last judgement (events or
   * simulated time): every `expectationsEvery` flushes while it runs (they can be costly), and at once
   * when it stands still (paused, stepped, finished), so a paused screen never shows verdicts older
   * than the fleet and feed beside them.
   */
  /**
   * Active faults are read from the run's timeline when it has one: an injection made while paused is
   * acting at once, though its `fault.injected` event is sealed only when time moves on.
   */
  #pollFaults(): boolean {
    const timeline = this.run.timeline;
    if (!timeline) return false;
    const active = new Map<string, InjectionRecord[]>();
    for (const i of timeline.active()) active.set(i.device, [...(active.get(i.device) ?? []), i]);
    let changed = false;
    for (const view of this.model.devices.values()) {
      const now = active.get(view.id) ?? [];
      const same = now.length === view.faults.size && now.every((i) => view.faults.has(i.id));
      if (same) continue;
      changed = true;
      view.faults = new Map(
        now.map((i) => [
          i.id,
          { id: i.id, fault: i.fault, category: i.category, device: i.device, at: i.at, until: undefined, params: i.params },
        ]),
      );
    }
    return changed;
  }

  #pollExpectations(): boolean {
    if (!this.run.liveExpectations) return false;
    const on = `${this.model.eventsApplied}:${this.status.simMs}:${this.status.phase}`;
    const idle = this.status.phase !== 'running' || this.run.paused;
    const first = this.expectations === undefined && this.expectationsError === undefined;
    const due = first || (on !== this.#judgedOn && (idle || this.#flushes - this.#judgedAtFlush >= this.#expectationsEvery));
    if (!due) return false;
    this.#judgedOn = on;
    this.#judgedAtFlush = this.#flushes;
    try {
      const next = this.run.liveExpectations();
      const changed = JSON.stringify(next) !== JSON.stringify(this.expectations);
      this.expectations = next;
      this.expectationsError = undefined;
      return changed;
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      const changed = message !== this.expectationsError;
      this.expectationsError = message;
      return changed;
    }
  }
}

/**
 * Chart points kept per signal and device: 720 for a ward, fewer for a fleet of thousands, so that all
 * the charts together stay near 200 000 points per signal (tens of MB, not gigabytes).
 */
export function seriesCapacity(devices: number): number {
  return Math.max(60, Math.min(720, Math.floor(200_000 / Math.max(1, devices))));
}

function safeLabel(agent: RunLike['agents'][number]): string {
  try {
    return agent.stateLabel;
  } catch {
    return '';
  }
}
