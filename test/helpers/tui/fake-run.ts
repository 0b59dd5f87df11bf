import { DeliveryLedger } from '../../../src/net/delivery-ledger.ts';
import { EventEmitter } from 'node:events';
import type { AlarmInfo } from '../../../devices/descriptor.ts';
import { DEVICES, type DeviceKind } from '../../../devices/index.ts';
import type { LoggedEvent, SimEvent } from '../../../src/core/event-log.ts';
import { Rng } from '../../../src/core/rng.ts';
import type { MeasuredValues, SignalName, SignalValues } from '../../../src/physiology/signals.ts';
import type { ExpectationResult, InjectionRecord } from '../../../src/scenario/result.ts';
import type { RunStatus } from '../../../src/runtime/run.ts';
import type { TimelineEntry } from '../../../src/scenario/schema.ts';
import type { FaultRegistry, RunLike, ShadowView, TuiAgent } from '../../../src/tui/run-like.ts';

/**
 * A device as the TUI sees it, with its kind's real descriptor (so command schemas are the real ones)
 * and no machine behind it: tests set its state and alarms directly.
 */
export class FakeAgent implements TuiAgent {
  readonly deviceId: string;
  readonly kind: string;
  readonly zone: string;
  readonly descriptor: TuiAgent['descriptor'];
  readonly measures: readonly SignalName[];
  readonly conditions: readonly string[];
  readonly rng = new Rng('fake');
  stateLabel = 'active';
  activeAlarms: readonly AlarmInfo[] = [];
  lastTruth: SignalValues = {};
  lastMeasured: MeasuredValues = {};

  readonly address: { site: string; zone: string; kind: string; deviceId: string };

  constructor(deviceId: string, kind: DeviceKind, zone: string) {
    const d = DEVICES[kind];
    this.address = { site: 'fake-site', zone, kind, deviceId };
    this.deviceId = deviceId;
    this.kind = kind;
    this.zone = zone;
    this.descriptor = d;
    this.measures = d.measures;
    this.conditions = d.conditions.map((c) => c.name);
  }

  transformSignal = () => () => {};
  setCondition = () => () => {};
  silence = () => () => {};
  suppressAlarms = () => () => {};
  reboot = () => {};
  sendToMachine = () => {};
  skewClock = () => () => {};
  failNextInstall = () => () => {};
}

export interface FakeRunOptions {
  devices?: [id: string, kind: DeviceKind, zone: string][];
  timeline?: TimelineEntry[];
  durationMs?: number;
  faults?: FaultRegistry;
  /** Give the run an `inject` that records its calls (or throws `injectError`). */
  inject?: boolean;
  injectError?: string;
  expectations?: ExpectationResult[];
}

/** A stand-in for Run that records every call the TUI makes and lets a test emit sealed events. */
export class FakeRun extends EventEmitter implements RunLike {
  readonly plan: RunLike['plan'];
  readonly seed = '42';
  readonly durationMs: number;
  brokerUrl: string | undefined = undefined;
  readonly agents: FakeAgent[];
  readonly twin = { shadows: new Map<string, ShadowView>() };
  /** A real delivery ledger: a test books what the fleet publishes, holds and delivers. */
  readonly ledger = new DeliveryLedger();
  readonly calls: { method: string; args: unknown[] }[] = [];
  readonly faults?: FaultRegistry;
  inject?: RunLike['inject'];
  liveExpectations?: () => ExpectationResult[];
  paused = false;
  /** Run.maxSpeedNote: what 'max' would not keep (a realtime run with network faults). */
  maxSpeedNote: string | undefined = undefined;
  /** Injections the fake timeline reports active; `revert` removes them. */
  active: InjectionRecord[] = [];
  readonly timeline = {
    active: () => [...this.active],
    revert: (id: string, device?: string) => {
      this.calls.push({ method: 'revert', args: [id, device] });
      const before = this.active.length;
      this.active = this.active.filter((i) => !(i.id === id && (device === undefined || i.device === device)));
      return before - this.active.length;
    },
  };
  #status: RunStatus;
  #nextId = 1;
  #finish: (() => void) | undefined;

  constructor(options: FakeRunOptions = {}) {
    super();
    const devices = options.devices ?? [
      ['cgm-001', 'cgm', 'icu'],
      ['monitor-001', 'patient-monitor', 'icu'],
      ['pump-001', 'infusion-pump', 'ward'],
    ];
    this.agents = devices.map(([id, kind, zone]) => new FakeAgent(id, kind, zone));
    for (const a of this.agents) {
      this.twin.shadows.set(a.deviceId, {
        online: false,
        stale: false,
        diverged: false,
        desired: {},
        reported: {},
        delta: {},
        version: 0,
        lastSeen: undefined,
        missingTelemetry: 0,
      });
    }
    this.durationMs = options.durationMs ?? 6 * 3_600_000;
    this.plan = { name: 'fake-ward', timeline: options.timeline ?? [] };
    this.#status = {
      phase: 'created',
      simMs: 0,
      durationMs: this.durationMs,
      wallMs: 0,
      speed: 'max',
      messages: 0,
      delivered: 0,
      events: 0,
    };
    if (options.faults) this.faults = options.faults;
    if (options.inject || options.injectError) {
      this.inject = (...args) => {
        this.calls.push({ method: 'inject', args });
        if (options.injectError) throw new Error(options.injectError);
        return 'injection-1';
      };
    }
    if (options.expectations) {
      const expectations = options.expectations;
      this.liveExpectations = () => expectations;
    }
  }

  status(): RunStatus {
    return { ...this.#status };
  }

  setStatus(patch: Partial<RunStatus>): void {
    this.#status = { ...this.#status, ...patch };
  }

  /** Emits events as the run's log would: numbered, in one sealed batch. */
  emitEvents(events: SimEvent[]): LoggedEvent[] {
    const batch = events.map((e) => ({ ...e, id: this.#nextId++ }));
    this.#status.events += batch.length;
    this.emit('events', batch);
    return batch;
  }

  async open(): Promise<void> {
    this.calls.push({ method: 'open', args: [] });
    this.brokerUrl = 'mqtt://127.0.0.1:18830';
    this.#status.phase = 'paused';
  }

  runToEnd(): Promise<void> {
    this.calls.push({ method: 'runToEnd', args: [] });
    this.#status.phase = 'running';
    return new Promise((resolve) => {
      this.#finish = () => {
        this.#status.phase = 'finished';
        resolve();
      };
    });
  }

  pause(): void {
    this.calls.push({ method: 'pause', args: [] });
    this.paused = true;
  }
  resume(): void {
    this.calls.push({ method: 'resume', args: [] });
    this.paused = false;
  }
  step(ms: number): void {
    this.calls.push({ method: 'step', args: [ms] });
    this.paused = false;
  }
  setSpeed(speed: number | 'max'): void {
    this.calls.push({ method: 'setSpeed', args: [speed] });
    this.#status.speed = speed;
  }
  stop(): void {
    this.calls.push({ method: 'stop', args: [] });
    this.#finish?.();
  }
  async close(): Promise<void> {
    this.calls.push({ method: 'close', args: [] });
  }
  command(deviceId: string, command: Record<string, unknown>): string {
    this.calls.push({ method: 'command', args: [deviceId, command] });
    return 'twin-1';
  }

  /** Names of the methods called, in order. */
  get methods(): string[] {
    return this.calls.map((c) => c.method);
  }
}

/** A sealed-event literal for tests. */
export function ev(t: number, source: string, type: string, data: Record<string, unknown> = {}): SimEvent {
  return { t, source, type, data };
}
