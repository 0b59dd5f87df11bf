import { EventEmitter } from 'node:events';
import { SimClock } from '../core/clock.ts';
import { EventLog, type LoggedEvent } from '../core/event-log.ts';
import { InputError, nearestName } from '../core/errors.ts';
import { Rng } from '../core/rng.ts';
import type { DeviceAgent } from '../fleet/agent.ts';
import { planFleet, type FleetPlan } from '../fleet/fleet-spec.ts';
import { DigitalTwin, type Arrivals } from '../fleet/twin.ts';
import { DeliveryLedger } from '../net/delivery-ledger.ts';
import { IN_THREAD_LINKS, type LinkOpener } from '../net/device-link.ts';
import { LinkPool } from '../net/link-pool.ts';
import { CHANNELS } from '../net/topics.ts';
import type { Plan } from '../scenario/plan.ts';
import { openBroker, placementFor, type BrokerHandle, type BrokerPlacement } from './broker-host.ts';
import { SettleBarrier } from './settle.ts';
import { Timeline, type ManualInjection } from './timeline.ts';
import { Collector } from './collector.ts';
import type { RunContext } from '../scenario/expectations/run-context.ts';
import { createJudges, feedJudges, finishJudges } from '../scenario/expectations/index.ts';
import type { Judge } from '../scenario/expectations/judge.ts';
import type { ExpectationResult, RealtimePace, RunResult } from '../scenario/result.ts';
import { FAULTS, type FaultRegistry } from '../inject/registry.ts';
import type { Selector } from '../scenario/schema.ts';
import { buildFleet, connectFleet, type ConnectOptionsFor, type RunDependencies, type RunPatient } from './fleet-builder.ts';
import { Pacer } from './pacer.ts';
import { scheduleClinicalEvents, scheduleCommands } from './plan-events.ts';
import { assembleResult } from './assemble-result.ts';

export type { ConnectOptionsFor, FleetClient, RunDependencies } from './fleet-builder.ts';

export type RunMode = 'fast' | 'realtime';

export interface RunOptions {
  /** Overrides the plan's seed. */
  seed?: string | number;
  /** Overrides the plan's duration, ms. */
  durationMs?: number;
  mode?: RunMode;
  /** Realtime speed factor (1 = wall-clock pace, 10 = ten times faster). */
  speed?: number;
  /** An external broker URL; otherwise an embedded aedes is started. */
  brokerUrl?: string;
  /** Port of the embedded broker (0 = a free one). */
  port?: number;
  brokerPlacement?: BrokerPlacement;
  /**
   * Where the devices' MQTT clients run: on the simulation's thread, or on a link thread of their own
   * (each device keeps its own client and connection either way; src/net/link-pool.ts). Default: a
   * link thread for fleets of LINK_THREAD_THRESHOLD devices or more.
   */
  links?: LinkPlacement;
  /**
   * Fast mode advances virtual time in windows of this size and lets the transport settle at the end
   * of each (also whenever a command crosses the network). Verdicts and digests do not depend on it;
   * larger windows are faster (fewer round trips, more packets per socket write) and hold more
   * messages in flight. Default: `defaultSyncMs` of the fleet's telemetry rate — 5 s for fleets of
   * 1,000 devices and more, up to 60 s for small ones.
   */
  syncMs?: number;
  /** Wall time to wait for the transport to settle before counting messages as missing. Default 10 s. */
  settleTimeoutMs?: number;
  /**
   * Where and as whom each client (device or twin) connects (fleet-builder.ts): the seam where
   * credentials, TLS material and per-zone fault proxies plug in. Default: the broker, no credentials.
   */
  connectOptionsFor?: ConnectOptionsFor;
  /**
   * Wraps the opener of every client's link (devices and twin) — a layer between the clients and the
   * network, e.g. a test that drops messages on purpose and books them lost in `run.ledger`.
   */
  wrapLinks?: (links: LinkOpener) => LinkOpener;
}

export type LinkPlacement = 'in-thread' | 'link-thread';

/**
 * Fleets of this many devices or more get a link thread by default. Measured (docs/benchmarks.md),
 * link thread against none: 10,000 devices in fast mode +39 % msg/s with a third less process CPU, and
 * realtime at 10,000 devices keeps pace after the boot second (0.82–0.87× before); 1,000 devices
 * +10–14 % in fast mode; 100 devices the same either way, so small fleets keep the simpler path.
 */
export const LINK_THREAD_THRESHOLD = 1000;

/** The link placement a fleet of `devices` gets by default. */
export function linksFor(devices: number): LinkPlacement {
  return devices >= LINK_THREAD_THRESHOLD ? 'link-thread' : 'in-thread';
}

export type RunPhase = 'created' | 'starting' | 'running' | 'paused' | 'stopping' | 'finished';

export interface RunStatus {
  phase: RunPhase;
  simMs: number;
  durationMs: number;
  wallMs: number;
  speed: number | 'max';
  messages: number;
  delivered: number;
  events: number;
  /**
   * Realtime: the speed the run actually achieved over the last second or two of wall time (simulated
   * ms per wall ms), once there is such a window; below `speed` when the machine cannot keep up.
   */
  achievedSpeed?: number;
}

interface RunEvents {
  events: [LoggedEvent[]];
  status: [RunStatus];
  /** While the fleet connects: devices connected so far, of how many (a large fleet takes seconds). */
  connecting: [connected: number, total: number];
}

/**
 * One simulation: a broker, a fleet of device agents on their own MQTT connections, the digital twin,
 * a virtual clock and the event log. Every face (CLI, TUI, tabletop) drives this same object.
 *
 * A facade: the fleet builder makes and connects the fleet (fleet-builder.ts), the pacer decides how
 * far time moves (pacer.ts), the delivery ledger accounts for every message (net/delivery-ledger.ts),
 * the settle barrier waits on it (settle.ts), the timeline injects faults (timeline.ts), and the result
 * is assembled from the parts (assemble-result.ts).
 */
export class Run extends EventEmitter<RunEvents> {
  readonly plan: Plan;
  readonly seed: string;
  readonly durationMs: number;
  readonly clock = new SimClock();
  readonly log = new EventLog();
  readonly rng: Rng;
  readonly fleetPlan: FleetPlan;
  readonly agents: DeviceAgent[];
  readonly agentById: Map<string, DeviceAgent>;
  readonly patients: Map<string, RunPatient>;
  readonly twin: DigitalTwin;
  readonly ledger = new DeliveryLedger();
  readonly timeline: Timeline;
  readonly faults: FaultRegistry = FAULTS;
  readonly collector: Collector;
  readonly mode: RunMode;
  #judges: Judge[];
  #digest: string | undefined;
  #options: RunOptions;
  #deps: RunDependencies;
  #broker: BrokerHandle | undefined;
  #barrier: SettleBarrier;
  #pacer: Pacer;
  #phase: RunPhase = 'created';
  #needsSettle = false;
  #wallStart = 0;
  #wallMs = 0;
  /** The fleet's telemetry messages per simulated second (realtime back-pressure, #catchUpTransport). */
  #telemetryPerSecond: number;
  #linkPool: LinkPool | undefined;
  #fatal: Error | undefined;
  #pauseGate: { promise: Promise<void>; release: () => void } | undefined;
  #stepBudget: number | undefined;

  constructor(plan: Plan, deps: RunDependencies, options: RunOptions = {}) {
    super();
    this.plan = plan;
    this.#deps = deps;
    this.#options = options;
    this.seed = String(options.seed ?? plan.seed);
    this.durationMs = options.durationMs ?? plan.durationMs;
    this.mode = options.mode ?? 'fast';
    if (options.syncMs !== undefined && !(options.syncMs >= 1)) {
      // A window of 0 ms would never move the clock past its due timers: the run would spin forever.
      throw new InputError('E_SYNC_WINDOW', `syncMs: the settle window must be at least 1 ms, received ${options.syncMs}`);
    }
    this.#pacer = new Pacer({
      speed: this.mode === 'fast' ? 'max' : (options.speed ?? 1),
      simNow: () => this.clock.now(),
      maxSliceMs: options.syncMs,
    });
    this.rng = new Rng(this.seed);
    const unknown = plan.fleet.zones.flatMap((z) => Object.keys(z.devices)).filter((k) => !(k in deps.devices));
    if (unknown.length > 0) {
      const kinds = Object.keys(deps.devices);
      const hint = nearestName(unknown[0]!, kinds);
      throw new InputError(
        'E_UNKNOWN_KIND',
        `fleet: unknown device kind "${unknown[0]}"${hint ? ` — did you mean "${hint}"?` : ''} (known kinds: ${kinds.join(', ')})`,
      );
    }
    this.fleetPlan = planFleet(plan.fleet, (kind) => deps.devices[kind]?.idPrefix ?? kind);
    // The twin books what it sends and takes in in the ledger, and learns from it when a report was
    // sent: at full speed a report arrives when it was sent (the barrier lets it cross before
    // anything else happens), in realtime when the twin gets it.
    this.twin = new DigitalTwin(this.fleetPlan.site, this.clock, this.log, {
      ledger: this.ledger,
      arrivals: arrivalsAt(this.#pacer.speed),
    });
    this.#barrier = new SettleBarrier(() => this.ledger.inFlight);
    const fleet = buildFleet({
      plan,
      fleetPlan: this.fleetPlan,
      deps,
      rng: this.rng,
      clock: this.clock,
      log: this.log,
      durationMs: this.durationMs,
      twin: this.twin,
      ledger: this.ledger,
    });
    this.agents = fleet.agents;
    this.agentById = fleet.agentById;
    this.patients = fleet.patients;
    this.#telemetryPerSecond = fleet.telemetryPerSecond;
    this.log.subscribe((batch) => this.emit('events', batch as LoggedEvent[]));
    const tags = new Map(this.fleetPlan.devices.map((d) => [d.id, d.tags]));
    this.timeline = new Timeline({
      clock: this.clock,
      log: this.log,
      rng: this.rng.fork('timeline'),
      agents: this.agents,
      tagsOf: (id) => tags.get(id),
      faults: this.faults,
      entries: plan.timeline ?? [],
      durationMs: this.durationMs,
      context: { clock: this.clock, log: this.log },
      subscribe: (listener) => this.log.onRecord(listener),
    });
    // Plot the devices the timeline will hit from the start, not only from their first fault.
    const targeted = (plan.timeline ?? []).flatMap((e) =>
      typeof e.target?.device === 'string' ? [e.target.device] : (e.target?.device ?? []),
    );
    this.collector = new Collector(this.fleetPlan, { seriesFor: targeted });
    this.collector.attach(this.log);
    this.#judges = createJudges(plan.expectations ?? [], { fleetPlan: this.fleetPlan, plan, seed: this.seed });
    this.log.subscribe((batch) => feedJudges(this.#judges, batch));
  }

  /** Where the device clients and the twin's run (known once the run is open). */
  get links(): LinkPlacement {
    return this.#linkPool ? 'link-thread' : 'in-thread';
  }
  get brokerUrl(): string | undefined {
    return this.#broker?.url;
  }
  get broker(): BrokerHandle | undefined {
    return this.#broker;
  }
  get phase(): RunPhase {
    return this.#phase;
  }
  get speed(): number | 'max' {
    return this.#pacer.speed;
  }
  /** Messages the devices handed to their MQTT clients. */
  get messagesPublished(): number {
    return this.ledger.totals.published - this.ledger.channelTotals(CHANNELS.cmd).published;
  }
  /** Waits for the transport that stalled (nothing delivered or lost for settleTimeoutMs): what was missing was written off. */
  get settleTimeouts(): number {
    return this.#barrier.stalls;
  }
  get wallMs(): number {
    return this.#phase === 'running' ? this.#wallMs + (performance.now() - this.#wallStart) : this.#wallMs;
  }
  /** Fast mode's settle window, ms: RunOptions.syncMs, or the default for this fleet (defaultSyncMs). */
  get syncMs(): number {
    return this.#options.syncMs ?? defaultSyncMs(this.#telemetryPerSecond);
  }

  status(): RunStatus {
    const achievedSpeed = this.mode === 'realtime' && this.#phase === 'running' ? this.#pacer.achievedSpeed() : undefined;
    return {
      phase: this.#phase,
      simMs: this.clock.now(),
      durationMs: this.durationMs,
      wallMs: this.wallMs,
      speed: this.#pacer.speed,
      messages: this.messagesPublished,
      delivered: this.twin.receivedTotal,
      events: this.log.count,
      ...(achievedSpeed !== undefined ? { achievedSpeed } : {}),
    };
  }

  /** Starts the broker (unless external), connects the twin and every device, and boots the fleet at t=0. */
  async open(): Promise<void> {
    if (this.#phase !== 'created') return;
    this.#phase = 'starting';
    this.#broker = await openBroker({
      url: this.#options.brokerUrl,
      port: this.#options.port,
      placement: this.#options.brokerPlacement ?? placementFor(this.agents.length),
    });
    const links = this.#options.links ?? linksFor(this.agents.length);
    if (links === 'link-thread') {
      this.#linkPool = this.#deps.createLinkPool?.() ?? new LinkPool();
      // Without its link thread no device can publish: stop at once and say why, rather than let every
      // remaining settle window wait out its timeout.
      this.#linkPool.onFailure = (error) => {
        this.#fatal = error;
        this.#barrier.abort();
        this.stop();
      };
    }
    this.ledger.onSettle(() => this.#barrier.notify());
    await connectFleet({
      agents: this.agents,
      fleetPlan: this.fleetPlan,
      twin: this.twin,
      url: this.#broker.url,
      seed: this.seed,
      links: this.#options.wrapLinks?.(this.#linkPool ?? IN_THREAD_LINKS) ?? this.#linkPool ?? IN_THREAD_LINKS,
      connectOptionsFor: this.#options.connectOptionsFor,
      onProgress: (connected) => this.emit('connecting', connected, this.agents.length),
    });
    this.log.record({
      t: 0,
      source: 'runner',
      type: 'run.started',
      data: {
        scenario: this.plan.name,
        seed: this.seed,
        devices: this.agents.length,
        patients: this.patients.size,
        durationMs: this.durationMs,
      },
    });
    for (const agent of this.agents) agent.start();
    this.timeline.start();
    const tags = new Map(this.fleetPlan.devices.map((d) => [d.id, d.tags]));
    const scheduling = {
      plan: this.plan,
      clock: this.clock,
      log: this.log,
      rng: this.rng,
      agents: this.agents,
      patients: this.patients,
      tagsOf: (id: string) => tags.get(id),
      command: (deviceId: string, command: Record<string, unknown>) => this.command(deviceId, command),
    };
    scheduleCommands(scheduling);
    scheduleClinicalEvents(scheduling);
    this.#phase = 'paused';
  }

  /** Injects a fault now (TUI, tabletop, API): on the selected devices, for `forMs` or to the end. */
  inject(faultName: string, selector: Selector, params: Record<string, unknown> = {}, forMs?: number): ManualInjection {
    return this.timeline.inject(faultName, selector, params, forMs);
  }

  /**
   * Ends an injection now — one made with inject() (`manual-1`...) or by the scenario's timeline (its
   * entry id) — on every device it holds, or only on `device`. Returns how many it ended (0: none active).
   */
  revert(injectionId: string, device?: string): number {
    return this.timeline.revert(injectionId, device);
  }

  /** Sends a command to a device through the twin (so it counts as desired state). */
  command(deviceId: string, command: Record<string, unknown>): string {
    if (!this.agentById.has(deviceId)) {
      const hint = nearestName(deviceId, [...this.agentById.keys()]);
      throw new InputError('E_UNKNOWN_DEVICE', `unknown device "${deviceId}"${hint ? ` — did you mean "${hint}"?` : ''}`);
    }
    this.#needsSettle = true;
    return this.twin.command(deviceId, command);
  }

  /** Runs to the end (or until stopped), pacing by mode and speed. Resolves when the run is finished. */
  async runToEnd(): Promise<void> {
    await this.open();
    this.#phase = 'running';
    this.#wallStart = performance.now();
    this.#pacer.start();
    const syncMs = this.syncMs;
    let lastYield = performance.now();
    while (this.clock.now() < this.durationMs && (this.#phase as RunPhase) !== 'stopping') {
      if (this.#pauseGate) {
        this.#giveUpLag();
        this.#accumulateWall();
        this.#phase = 'paused';
        this.emit('status', this.status());
        await this.#pauseGate.promise;
        if ((this.#phase as RunPhase) === 'stopping') break;
        this.#phase = 'running';
        this.#wallStart = performance.now();
        this.#pacer.start();
      }
      let target = await this.#pacer.next(this.durationMs, syncMs);
      if (target === undefined) continue;
      if (this.#stepBudget !== undefined) target = Math.min(target, this.#stepBudget);
      const realtime = this.#pacer.realtime;
      if (realtime) await this.#catchUpTransport(target - this.clock.now());
      await this.#advanceTo(target);
      this.#pacer.note();
      if (this.#stepBudget !== undefined && this.clock.now() >= this.#stepBudget) {
        this.#stepBudget = undefined;
        this.pause();
      }
      this.emit('status', this.status());
      // mqtt.js corks a socket for each packet and uncorks it on the next tick. Slices chained by promise
      // continuations never let the tick queue run, so a slice's messages would wait in their sockets
      // until the next macrotask (up to 20 ms): p50 latency at 10,000 devices 50 ms, with this 21 ms.
      if (realtime) await new Promise((resolve) => process.nextTick(resolve));
      // Windows where nothing crossed the network settle without a macrotask; yield now and then so
      // keys, renders and sockets are served (the TUI must stay responsive at any speed).
      if (performance.now() - lastYield > 20) {
        await new Promise((resolve) => setImmediate(resolve));
        lastYield = performance.now();
      }
    }
    if (this.#fatal) {
      this.#accumulateWall();
      this.#phase = 'finished';
      throw this.#fatal;
    }
    // The backlog the last slice left: a run that kept pace ends within a slice of the wall clock.
    if (this.#phase === 'running') this.#giveUpLag();
    await this.#settle();
    this.twin.check();
    this.log.record({ t: this.clock.now(), source: 'runner', type: 'run.finished', data: { simulatedMs: this.clock.now() } });
    this.#accumulateWall();
    this.#phase = 'finished';
    this.emit('status', this.status());
  }

  async #advanceTo(target: number): Promise<void> {
    for (;;) {
      // A command was sent (in the last instant, or typed while paused): before time moves on, let it
      // and every report sent up to now cross, and let the twin apply it in order (twin.check).
      if (this.#needsSettle) {
        this.#needsSettle = false;
        await this.#settle();
        this.twin.check();
      }
      const due = this.clock.nextDue();
      if (due === undefined || due > target) break;
      this.clock.advanceTo(due);
    }
    this.clock.advanceTo(target);
    if (this.mode === 'fast' || !this.#pacer.realtime) await this.#settle();
    this.twin.check();
    // Events at exactly `now` may still come (a command typed while paused); everything before is final.
    this.log.seal(this.clock.now() - 1);
  }

  /**
   * Realtime back-pressure. A simulation that cannot keep its pace runs slice after slice, and the
   * messages it publishes wait for the same thread that would take them in: the twin fell tens of
   * thousands of messages behind and flagged healthy devices stale (300 monitors at ×1000: 3,104
   * stale events). So before a slice of `sliceMs` the clock waits for what is on its way if, with the
   * slice's messages added, more than about two simulated seconds of the fleet's telemetry would be:
   * the twin then stays within two seconds, under its stale limit of three periods. A run that keeps
   * pace never has that much in flight (a 10,000-device fleet at ×1 peaks at about one second's
   * worth, in its boot second, and its slices are 10 ms).
   */
  async #catchUpTransport(sliceMs: number): Promise<void> {
    const limit = Math.max(100, Math.ceil(this.#telemetryPerSecond * Math.max(0.5, 2 - sliceMs / 1000)));
    if (this.ledger.inFlight > limit) await this.#settle();
  }

  /**
   * Waits until every message sent is delivered or accounted lost (the ledger). A transport that
   * stalls — nothing delivered or lost for settleTimeoutMs of wall time — has what is missing written
   * off as lost (counted once, as a settle timeout, and never waited for again); false then.
   */
  async #settle(): Promise<boolean> {
    const stallMs = this.#options.settleTimeoutMs ?? 10_000;
    if (await this.#barrier.settle(stallMs)) return true;
    this.ledger.writeOffInFlight(`nothing delivered for ${stallMs} ms of wall time`);
    return false;
  }

  #accumulateWall(): void {
    if (this.#wallStart > 0) this.#wallMs += performance.now() - this.#wallStart;
    this.#wallStart = 0;
  }

  /** Realtime: the simulated time the run now trails the wall clock is given up (Pacer.giveUpLag). */
  #giveUpLag(): void {
    if (this.mode === 'realtime') this.#pacer.giveUpLag();
  }

  /** Pauses at the end of the current window. */
  pause(): void {
    if (this.#pauseGate || this.#phase === 'finished') return;
    let release!: () => void;
    const promise = new Promise<void>((resolve) => (release = resolve));
    this.#pauseGate = { promise, release };
  }

  resume(): void {
    const gate = this.#pauseGate;
    this.#pauseGate = undefined;
    gate?.release();
  }

  /** Runs `ms` of simulation time, then pauses again. */
  step(ms: number): void {
    this.#stepBudget = Math.min(this.durationMs, this.clock.now() + ms);
    this.resume();
  }

  /**
   * How well realtime mode kept the wall clock's pace so far. A machine too slow for the fleet at the
   * asked speed does not stop the run: the run goes on later than asked, and this says by how much.
   */
  get realtimePace(): RealtimePace {
    return this.#pacer.pace();
  }

  /** Changes the pace: a factor of wall-clock time, or 'max' for as fast as the transport settles. */
  setSpeed(speed: number | 'max'): void {
    this.#pacer.setSpeed(speed, this.mode === 'realtime' && this.#phase === 'running' && !this.#pauseGate);
    this.twin.arrivals = arrivalsAt(speed);
  }

  get paused(): boolean {
    return this.#pauseGate !== undefined;
  }

  /** Ends the run at the current time. */
  stop(): void {
    if (this.#phase === 'finished') return;
    this.#phase = 'stopping';
    this.resume();
  }

  #context(): RunContext {
    return {
      simulatedMs: this.clock.now(),
      agents: new Map(this.agents.map((a) => [a.deviceId, a.stats])),
      shadows: this.twin.shadows,
    };
  }

  /**
   * Verdicts so far, judged on the sealed part of the log (the TUI's live expectations panel). Cheap
   * enough to call a few times a second.
   */
  liveExpectations(): ExpectationResult[] {
    return finishJudges(this.#judges, { ...this.#context(), live: true });
  }

  /** The run's result. Call after `runToEnd()`; it closes the event log (its digest is final). */
  result(): RunResult {
    this.#digest ??= this.log.digest();
    const context = this.#context();
    return assembleResult({
      plan: this.plan,
      seed: this.seed,
      durationMs: this.durationMs,
      mode: this.mode,
      simulatedMs: this.clock.now(),
      wallMs: this.wallMs,
      digest: this.#digest,
      events: this.log.count,
      broker: { url: this.#broker?.url ?? '', placement: this.#broker?.placement ?? 'none', links: this.links },
      ...(this.mode === 'realtime' ? { realtime: this.realtimePace } : {}),
      published: this.messagesPublished,
      shadows: this.twin.shadows.values(),
      ledger: this.ledger.summary(),
      settleTimeouts: this.settleTimeouts,
      fleetPlan: this.fleetPlan,
      stateOf: (id) => this.agentById.get(id)?.stateLabel,
      parts: this.collector.result(context),
      expectations: finishJudges(this.#judges, context),
    });
  }

  /** Disconnects every client and closes the broker (if medtwin started it). */
  async close(): Promise<void> {
    await Promise.all(this.agents.map((a) => a.stop()));
    await this.twin.close();
    await this.#linkPool?.stop();
    await this.#broker?.close();
  }
}

/** When the twin takes a report to have arrived at this speed (twin.ts, Arrivals). */
function arrivalsAt(speed: number | 'max'): Arrivals {
  return speed === 'max' ? 'as-sent' : 'as-received';
}

/**
 * Fast mode's settle window when none is given: long enough to carry about SYNC_WINDOW.messages
 * telemetry messages, between SYNC_WINDOW.minMs and SYNC_WINDOW.maxMs, in whole seconds.
 *
 * Each settle costs a round trip through the broker and a turn of the event loop for every party,
 * and every device's packets of a window leave in one socket write (mqtt-packet corks a socket until
 * the next tick, and a window runs without a break): the fixed cost per window only fades once a
 * window carries a few thousand messages. Measured (docs/benchmarks.md): against 1 s, 5 s windows
 * ran 100 to 10,000 devices 15–21 % faster, and longer windows gained nothing more at 1,000 devices
 * (2,400 messages a window at 5 s). Smaller fleets reach that many only in longer windows: the
 * 100-device ward row ran 12–15 % faster at 50 s than at 5 s, the 40-device ward scenario 4–25 %
 * faster at 30–60 s. Past 60 s the 40-device ward gained no more, and longer windows hold more
 * messages in flight and update a run's progress less often. Every library scenario gives one digest
 * from 1 s to 300 s windows (the twin applies a window's reports in the order they were sent).
 */
export function defaultSyncMs(telemetryPerSecond: number): number {
  const { messages, minMs, maxMs } = SYNC_WINDOW;
  if (!(telemetryPerSecond > 0)) return maxMs;
  return Math.min(maxMs, Math.max(minMs, Math.ceil(messages / telemetryPerSecond) * 1000));
}

export const SYNC_WINDOW = { messages: 2400, minMs: 5000, maxMs: 60_000 } as const;
