import { EventEmitter } from 'node:events';
import { SimClock } from '../core/clock.ts';
import { EventLog, type LoggedEvent } from '../core/event-log.ts';
import { InputError } from '../core/errors.ts';
import { Rng } from '../core/rng.ts';
import type { DeviceAgent } from '../fleet/agent.ts';
import type { FleetPlan } from '../fleet/fleet-spec.ts';
import type { DigitalTwin } from '../fleet/twin.ts';
import { DeliveryLedger } from '../net/delivery-ledger.ts';
import type { LinkEndpoint } from '../net/device-link.ts';
import { CHANNELS } from '../net/topics.ts';
import type { Plan } from '../scenario/plan.ts';
import type { BrokerHandle } from './broker-host.ts';
import { LedgerSettler } from './settle.ts';
import { RunLoop } from './run-loop.ts';
import { defaultSyncMs, type LinkPlacement, type RunMode, type RunOptions, type RunPhase, type RunStatus } from './run-options.ts';
import { Timeline, type ManualInjection } from './timeline.ts';
import type { Collector } from './collector.ts';
import { Referee } from './referee.ts';
import { openTransport, type Transport } from './transport.ts';
import type { ExpectationResult, RealtimePace, RunResult } from '../scenario/result.ts';
import type { FaultRegistry } from '../inject/registry.ts';
import type { TargetSelector } from '../scenario/schema.ts';
import type { RunDependencies, RunPatient } from './fleet-builder.ts';
import { RunFleet } from './run-fleet.ts';
import type { RunIds } from './run-ids.ts';
import { Pacer } from './pacer.ts';
import { schedulePlanEvents } from './plan-events.ts';
import { assembleResult } from './assemble-result.ts';
import type { RunSecurity } from './run-security.ts';
import { RunControls } from './run-controls.ts';

export type { ConnectOptionsFor, FleetClient, RunDependencies } from './fleet-builder.ts';
export {
  defaultSyncMs,
  LINK_THREAD_THRESHOLD,
  linksFor,
  SYNC_WINDOW,
  type LinkPlacement,
  type RunMode,
  type RunOptions,
  type RunPhase,
  type RunStatus,
} from './run-options.ts';

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
 * A facade over parts with one job each: the fleet (run-fleet.ts, fleet-builder.ts) connects over the
 * transport (transport.ts), behind the run's controls — security, network faults, adversaries, the
 * intrusion detector (run-controls.ts); the loop moves simulated time (run-loop.ts) as
 * the pacer allows (pacer.ts); the delivery ledger accounts for every message (net/delivery-ledger.ts)
 * and the settler waits on it (settle.ts); the timeline injects faults through the trigger engine
 * (timeline.ts, scheduler.ts); the referee judges (referee.ts); the result is assembled (assemble-result.ts).
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
  /** The security profile applied to the run's traffic (run-security.ts), when the plan names one. */
  readonly security: RunSecurity | undefined;
  readonly timeline: Timeline;
  /** Faults and attacks a timeline or `inject` may name (attacks launched by this run's adversaries, run-attacks.ts). */
  readonly faults: FaultRegistry;
  readonly collector: Collector;
  readonly mode: RunMode;
  #referee: Referee;
  #fleet: RunFleet;
  #digest: string | undefined;
  #options: RunOptions;
  #deps: RunDependencies;
  #transport: Transport | undefined;
  #settler: LedgerSettler;
  /** The intrusion detector, when RunOptions.ids asks for it (src/defense; run-ids.ts). */
  readonly ids: RunIds | undefined;
  #pacer: Pacer;
  #loop: RunLoop;
  /** Security, network faults, adversaries and the intrusion detector (run-controls.ts). */
  #controls: RunControls;

  /** The adversaries launched so far and what they did (the labelled dataset's ground truth). */
  get groundTruth() {
    return this.#controls.groundTruth;
  }

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
    this.#fleet = new RunFleet({
      plan,
      deps,
      seed: this.seed,
      rng: this.rng,
      clock: this.clock,
      log: this.log,
      ledger: this.ledger,
      durationMs: this.durationMs,
      speed: this.#pacer.speed,
    });
    ({ plan: this.fleetPlan, twin: this.twin, agents: this.agents, agentById: this.agentById, patients: this.patients } = this.#fleet);
    this.#controls = new RunControls({
      plan,
      seed: this.seed,
      mode: this.mode,
      durationMs: this.durationMs,
      clock: this.clock,
      log: this.log,
      ledger: this.ledger,
      rng: this.rng,
      fleet: this.#fleet,
      ...(options.ids === undefined ? {} : { ids: options.ids }),
      stallMs: options.settleTimeoutMs ?? 10_000,
      settle: async () => {
        await this.#settler.settle();
      },
      notify: () => this.#settler.barrier.notify(),
    });
    this.security = this.#controls.security;
    this.ids = this.#controls.ids;
    this.faults = this.#controls.faults;
    this.#settler = new LedgerSettler(this.ledger, {
      stallMs: options.settleTimeoutMs ?? 10_000,
      telemetryPerSecond: this.#fleet.telemetryPerSecond,
      ...(this.#controls.excused ? { excused: this.#controls.excused } : {}),
      ...(this.#controls.sessions ? { sessions: this.#controls.sessions } : {}),
    });
    this.#loop = new RunLoop({
      clock: this.clock,
      pacer: this.#pacer,
      mode: this.mode,
      durationMs: this.durationMs,
      syncMs: () => this.syncMs,
      settle: () => this.#settler.settle(),
      catchUp: (sliceMs) => this.#settler.catchUp(sliceMs),
      check: () => this.twin.check(),
      seal: (t) => {
        this.#controls.seal(t);
        this.log.seal(t);
      },
      finish: () =>
        this.log.record({ t: this.clock.now(), source: 'runner', type: 'run.finished', data: { simulatedMs: this.clock.now() } }),
      status: () => this.emit('status', this.status()),
      atInstant: () => this.#controls.atInstant(),
    });
    this.log.subscribe((batch) => this.emit('events', batch as LoggedEvent[]));
    this.timeline = new Timeline({
      clock: this.clock,
      log: this.log,
      rng: this.rng.fork('timeline'),
      agents: this.agents,
      tagsOf: this.#fleet.tagsOf,
      faults: this.faults,
      entries: plan.timeline ?? [],
      durationMs: this.durationMs,
      context: { clock: this.clock, log: this.log },
      subscribe: (listener) => this.log.onRecord(listener),
      ...(this.#controls.targets ? { targets: this.#controls.targets } : {}),
    });
    this.#referee = new Referee(plan, this.fleetPlan, this.seed, this.log);
    this.collector = this.#referee.collector;
  }

  /** Where the device clients and the twin's run (known once the run is open). */
  get links(): LinkPlacement {
    return this.#transport?.links ?? 'in-thread';
  }
  get brokerUrl(): string | undefined {
    return this.#transport?.broker.url;
  }
  /**
   * How an observer outside the run (the TUI's traffic view) connects to the run's broker to read
   * `zone`'s traffic (undefined: the whole site) as `clientId`: as given on an open run; under a
   * profile, with the run's TLS settings and an identity of the run that may read there
   * (RunSecurity.observerEndpoint). The endpoint carries a password: pass it to a client, never print
   * it. Throws, saying why, before the run is open or when no identity of the run may read `zone`.
   */
  observerEndpoint(clientId: string, zone: string | undefined): LinkEndpoint {
    const url = this.brokerUrl;
    if (url === undefined) throw new Error('the run is not open yet: its broker has no address');
    return this.#controls.observerEndpoint(url, clientId, zone);
  }
  get broker(): BrokerHandle | undefined {
    return this.#transport?.broker;
  }
  get phase(): RunPhase {
    return this.#loop.phase;
  }
  get speed(): number | 'max' {
    return this.#pacer.speed;
  }
  /** Messages the devices generated (commands to them, and last wills the broker published for them, left out). */
  get messagesPublished(): number {
    return this.ledger.totals.published - this.ledger.channelTotals(CHANNELS.cmd).published - this.ledger.channelTotals('will').published;
  }
  /** Waits for the transport that stalled (nothing delivered or lost for settleTimeoutMs): what was missing was written off. */
  get settleTimeouts(): number {
    return this.#settler.stalls + this.#controls.stalls;
  }
  get wallMs(): number {
    return this.#loop.wallMs;
  }
  /** Fast mode's settle window, ms: RunOptions.syncMs, or the default for this fleet (defaultSyncMs). */
  get syncMs(): number {
    return this.#options.syncMs ?? defaultSyncMs(this.#fleet.telemetryPerSecond);
  }

  status(): RunStatus {
    const achievedSpeed = this.mode === 'realtime' && this.phase === 'running' ? this.#pacer.achievedSpeed() : undefined;
    return {
      phase: this.phase,
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
    if (this.#loop.phase !== 'created') return;
    this.#loop.phase = 'starting';
    const brokerSecurity = await this.#controls.prepare(this.#options.brokerUrl);
    this.#transport = await openTransport(
      this.#options,
      this.agents.length,
      this.#deps,
      (error) => {
        // Without its link thread no device can publish: stop at once and say why, rather than let every
        // remaining settle window wait out its stall time.
        this.#settler.barrier.abort();
        this.#loop.fail(error);
      },
      brokerSecurity,
      this.#controls.brokerNeeds,
    );
    await this.#controls.open(this.#transport.broker);
    const connectOptions = this.#controls.connectOptions(this.#options.connectOptionsFor);
    await this.#fleet.connect(this.#transport.broker.url, this.#controls.links(this.#transport), connectOptions, (connected) =>
      this.emit('connecting', connected, this.agents.length),
    );
    await this.#controls.connectConsoles(this.#transport.broker.url, this.#transport.opener);
    this.#fleet.start();
    this.timeline.start();
    schedulePlanEvents({
      plan: this.plan,
      clock: this.clock,
      log: this.log,
      rng: this.rng,
      agents: this.agents,
      patients: this.patients,
      tagsOf: this.#fleet.tagsOf,
      command: (deviceId: string, command: Record<string, unknown>) => this.command(deviceId, command),
    });
    this.#controls.startCampaigns((deviceId, command) => this.command(deviceId, command));
    this.#loop.phase = 'paused';
  }

  /** Injects a fault now (TUI, tabletop, API): on the selected devices, for `forMs` or to the end. */
  inject(faultName: string, selector: TargetSelector, params: Record<string, unknown> = {}, forMs?: number): ManualInjection {
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
    const agent = this.#fleet.agent(deviceId);
    this.#loop.requestSettle();
    return this.twin.command(deviceId, command, this.#controls.commandRoute(agent, command.type));
  }

  /** Runs to the end (or until stopped), pacing by mode and speed. Resolves when the run is finished. */
  async runToEnd(): Promise<void> {
    await this.open();
    await this.#loop.run();
  }

  /** Pauses at the end of the current window. */
  pause(): void {
    this.#loop.pause();
  }

  resume(): void {
    this.#loop.resume();
  }

  /** Runs `ms` of simulation time, then pauses again. */
  step(ms: number): void {
    this.#loop.step(ms);
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
    this.#pacer.setSpeed(speed, this.mode === 'realtime' && this.phase === 'running' && !this.paused);
    this.#fleet.setSpeed(speed);
  }

  get paused(): boolean {
    return this.#loop.paused;
  }

  /** Ends the run at the current time. */
  stop(): void {
    this.#loop.stop();
  }

  /**
   * Verdicts so far, judged on the sealed part of the log (the TUI's live expectations panel). Cheap
   * enough to call a few times a second.
   */
  liveExpectations(): ExpectationResult[] {
    return this.#referee.verdicts({ ...this.#fleet.context(this.clock.now()), live: true });
  }

  /** The run's result. Call after `runToEnd()`; it closes the event log (its digest is final). */
  result(): RunResult {
    this.#controls.closeLog();
    this.#digest ??= this.log.digest();
    const context = this.#fleet.context(this.clock.now());
    const network = this.#controls.networkResult();
    const result = assembleResult({
      plan: this.plan,
      seed: this.seed,
      durationMs: this.durationMs,
      mode: this.mode,
      simulatedMs: this.clock.now(),
      wallMs: this.wallMs,
      digest: this.#digest,
      events: this.log.count,
      broker: { url: this.brokerUrl ?? '', placement: this.broker?.placement ?? 'none', links: this.links },
      ...(this.mode === 'realtime' ? { realtime: this.realtimePace } : {}),
      published: this.messagesPublished,
      shadows: this.twin.shadows.values(),
      ledger: this.ledger.summary(),
      settleTimeouts: this.settleTimeouts,
      fleetPlan: this.fleetPlan,
      stateOf: (id) => this.agentById.get(id)?.stateLabel,
      parts: this.collector.result(context),
      expectations: this.#referee.verdicts(context),
      ...(network ? { network } : {}),
    });
    return this.#controls.report(result);
  }

  /** Disconnects every client and closes the broker (if medtwin started it). */
  async close(): Promise<void> {
    await this.#fleet.stopDevices();
    await this.#controls.closeAdversaries();
    await this.twin.close();
    await this.#controls.close();
    await this.#transport?.close();
  }
}
