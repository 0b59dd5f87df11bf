import type { LinkState } from './link-state.ts';
import type { AlarmPriority } from '../../../devices/descriptor.ts';
import type { LoggedEvent } from '../../core/event-log.ts';
import { causalOrder } from './causal-order.ts';
import { feedItem } from './feed.ts';
import { FeedLog } from './feed-log.ts';
import { RingBuffer } from './ring-buffer.ts';
import { asRecord, DeviceSeries, DEFAULT_SERIES_OPTIONS, type SeriesOptions } from './series.ts';

export type AlarmStatus = 'active' | 'acknowledged' | 'silenced';

export interface AlarmView {
  code: string;
  priority: AlarmPriority;
  message: string;
  status: AlarmStatus;
  /** Raised while the device's alarm announcements were suppressed (an attack): nobody heard it. */
  suppressed: boolean;
  since: number;
}

/** An injection seen in the log (`fault.injected`), closed by its `fault.reverted`. */
export interface InjectionView {
  /** The injection's id, or the event id when the event carries none. */
  id: string;
  fault: string;
  category: string;
  device: string;
  at: number;
  until: number | undefined;
  params: Record<string, unknown>;
}

/** Everything the TUI keeps about one device, derived from the event stream. */
export interface DeviceView {
  id: string;
  kind: string;
  zone: string;
  state: string;
  alarms: Map<string, AlarmView>;
  stale: boolean;
  diverged: boolean;
  /** Lost its broker connection after having had one (set from the twin's shadow, not from events). */
  offline: boolean;
  /** Its link as the central station sees it (the store polls the shadow, the ledger and the faults). */
  link: LinkState;
  /** Messages in its offline buffer now (the delivery ledger's `buffered`). */
  buffered: number;
  /**
   * What the twin's link events last said (`twin.offline`, `twin.online`, `twin.backfilling`,
   * `twin.backfilled`): offline, sending its backlog of `backlog` messages, or nothing to add.
   */
  linkEvent: { state: 'offline' | 'backfilling'; backlog: number } | undefined;
  /** Injections active on the device, by id. */
  faults: Map<string, InjectionView>;
  /** Declared by an event (`device.compromised`, an `ids.alert` naming it), or an attack is active on it. */
  compromised: boolean;
  lastTelemetry: Record<string, unknown> | undefined;
  lastTelemetryT: number | undefined;
  series: DeviceSeries;
  /** Alarm limits seen crossed, by signal (an alarm names its parameter, or its code does: `glucose.low`): value → alarm codes. */
  limits: Map<string, Map<number, Set<string>>>;
  /** This device's recent events, for its detail view. */
  events: FeedLog;
}

export interface FleetModel {
  devices: Map<string, DeviceView>;
  /** Device ids by zone (zones in fleet order), then id. */
  order: string[];
  zones: string[];
  feed: FeedLog;
  /** Recent injections, oldest first. */
  injections: RingBuffer<InjectionView>;
  /** Time of the newest event applied, ms. */
  lastT: number;
  eventsApplied: number;
  /** The events behind the newest feed lines, by id, for the event inspector (bounded). */
  recent: Map<number, LoggedEvent>;
}

/** Events the inspector can show in full: those of the newest feed lines. */
const RECENT_EVENTS = 5000;

export interface ModelOptions {
  /** Feed items kept per severity, fleet-wide. */
  feedCapacity: number;
  /** Feed items kept per severity for each device. */
  deviceFeedCapacity: number;
  injectionCapacity: number;
  series: SeriesOptions;
}

const DEFAULT_MODEL_OPTIONS: ModelOptions = {
  feedCapacity: 300,
  deviceFeedCapacity: 40,
  injectionCapacity: 200,
  series: DEFAULT_SERIES_OPTIONS,
};

/** Builds the empty model of a fleet; `state` is each device's state label before any event. */
export function createFleetModel(
  devices: readonly { id: string; kind: string; zone: string; state?: string }[],
  options: Partial<ModelOptions> = {},
): FleetModel {
  const o = { ...DEFAULT_MODEL_OPTIONS, ...options };
  const views = new Map<string, DeviceView>();
  const zones: string[] = [];
  for (const d of devices) {
    if (!zones.includes(d.zone)) zones.push(d.zone);
    views.set(d.id, {
      id: d.id,
      kind: d.kind,
      zone: d.zone,
      state: d.state ?? '',
      alarms: new Map(),
      stale: false,
      diverged: false,
      offline: false,
      link: 'connecting',
      buffered: 0,
      linkEvent: undefined,
      faults: new Map(),
      compromised: false,
      lastTelemetry: undefined,
      lastTelemetryT: undefined,
      series: new DeviceSeries(o.series),
      limits: new Map(),
      events: new FeedLog(o.deviceFeedCapacity),
    });
  }
  const order = [...views.values()]
    .sort((a, b) => zones.indexOf(a.zone) - zones.indexOf(b.zone) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))
    .map((d) => d.id);
  return {
    devices: views,
    order,
    zones,
    feed: new FeedLog(o.feedCapacity),
    injections: new RingBuffer(o.injectionCapacity),
    lastT: 0,
    eventsApplied: 0,
    recent: new Map(),
  };
}

/** Applies a batch of sealed events to the model (mutating it, for a fleet of thousands at ×100). */
export function applyEvents(model: FleetModel, batch: readonly LoggedEvent[]): void {
  const zoneOf = (id: string) => model.devices.get(id)?.zone;
  // Causal order within each instant, so state and feed follow what happened first (causal-order.ts).
  for (const event of causalOrder(batch)) {
    model.eventsApplied++;
    if (event.t > model.lastT) model.lastT = event.t;
    applyOne(model, event);
    const item = feedItem(event, zoneOf, model.eventsApplied);
    if (item) {
      model.recent.set(event.id, event);
      if (model.recent.size > RECENT_EVENTS) model.recent.delete(model.recent.keys().next().value!);
      model.feed.push(item);
      if (item.device !== undefined) model.devices.get(item.device)?.events.push(item);
    }
  }
}

function applyOne(model: FleetModel, event: LoggedEvent): void {
  const data = asRecord(event.data) ?? {};
  const subject = model.devices.get(typeof data.device === 'string' ? data.device : '') ?? model.devices.get(event.source);
  if (!subject) return;
  switch (event.type) {
    case 'telemetry': {
      const body = asRecord(data.body);
      if (body) {
        subject.lastTelemetry = body;
        subject.lastTelemetryT = event.t;
      }
      subject.series.addTelemetry(event.t, data);
      return;
    }
    case 'state.changed':
      subject.state = String(data.to ?? subject.state);
      return;
    case 'alarm.raised': {
      const alarm = asRecord(data.alarm) ?? {};
      const code = String(alarm.code ?? 'unknown');
      const priority = (['high', 'medium', 'low'] as const).find((p) => p === alarm.priority) ?? 'medium';
      subject.alarms.set(code, {
        code,
        priority,
        message: String(alarm.message ?? ''),
        status: 'active',
        suppressed: Boolean(data.suppressed),
        since: event.t,
      });
      if (typeof alarm.limit === 'number') {
        const signal = typeof alarm.parameter === 'string' ? alarm.parameter : code.split('.')[0]!;
        let bySignal = subject.limits.get(signal);
        if (!bySignal) subject.limits.set(signal, (bySignal = new Map()));
        bySignal.set(alarm.limit, (bySignal.get(alarm.limit) ?? new Set()).add(code));
      }
      return;
    }
    case 'alarm.cleared':
      subject.alarms.delete(String(data.code));
      return;
    case 'alarm.updated': {
      const alarm = subject.alarms.get(String(data.code));
      if (alarm && (data.status === 'active' || data.status === 'acknowledged' || data.status === 'silenced')) alarm.status = data.status;
      return;
    }
    case 'device.rebooted':
      // A rebooted machine starts from off: whatever it announced before is gone with it.
      subject.alarms.clear();
      return;
    case 'twin.offline':
      subject.linkEvent = { state: 'offline', backlog: 0 };
      return;
    case 'twin.online':
    case 'twin.backfilling': {
      const backlog = typeof data.backlog === 'number' ? data.backlog : 0;
      subject.linkEvent = backlog > 0 ? { state: 'backfilling', backlog } : undefined;
      return;
    }
    case 'twin.backfilled':
      subject.linkEvent = undefined;
      return;
    case 'twin.stale':
    case 'twin.fresh':
      subject.stale = event.type === 'twin.stale';
      return;
    case 'twin.diverged':
    case 'twin.converged':
      subject.diverged = event.type === 'twin.diverged';
      return;
    case 'device.compromised':
    case 'ids.alert':
      // An IDS alert reaches here only when it names a device (subject is data.device): marked for the rest of the run.
      subject.compromised = true;
      return;
    case 'fault.injected': {
      const injection: InjectionView = {
        id: String(data.id ?? `#${event.id}`),
        fault: String(data.fault ?? 'fault'),
        category: String(data.category ?? ''),
        device: subject.id,
        at: event.t,
        until: undefined,
        params: asRecord(data.params) ?? {},
      };
      subject.faults.set(injection.id, injection);
      model.injections.push(injection);
      return;
    }
    case 'fault.reverted': {
      const id = String(data.id ?? '');
      const injection = subject.faults.get(id) ?? [...subject.faults.values()].find((f) => f.fault === data.fault);
      if (injection) {
        injection.until = event.t;
        subject.faults.delete(injection.id);
      }
      return;
    }
  }
}

/** True while an attack is active on the device or it was declared compromised. */
export function isCompromised(device: DeviceView): boolean {
  if (device.compromised) return true;
  for (const f of device.faults.values()) if (f.category === 'attack') return true;
  return false;
}
