import { EventEmitter } from 'node:events';
import type { SimClock } from '../core/clock.ts';
import type { EventLog, LoggedEvent } from '../core/event-log.ts';
import type { Rng } from '../core/rng.ts';
import type { DeviceAgent } from '../fleet/agent.ts';
import type { FleetPlan } from '../fleet/fleet-spec.ts';
import type { DigitalTwin } from '../fleet/twin.ts';
import type { FaultRegistry } from '../inject/registry.ts';
import type { DeliveryLedger } from '../net/delivery-ledger.ts';
import type { LinkEndpoint } from '../net/device-link.ts';
import type { Plan } from '../scenario/plan.ts';
import type { ExpectationResult, RealtimePace, RunResult } from '../scenario/result.ts';
import type { TargetSelector } from '../scenario/schema.ts';
import { publishedByDevices, runResult, withVerdicts } from './assemble-result.ts';
import type { Counterfactual } from './counterfactual.ts';
import type { BrokerHandle } from './broker-host.ts';
import type { Collector } from './collector.ts';
import type { RunDependencies, RunPatient } from './fleet-builder.ts';
import { fitHeapPolicy } from './heap-policy.ts';
import { createRunCore, type RunCore } from './run-core.ts';
import type { RunIds } from './run-ids.ts';
import type { LinkPlacement, RunMode, RunOptions, RunPhase, RunStatus } from './run-options.ts';
import { MAX_SPEED_NETWORK_NOTE } from './run-options.ts';
import { bootRun, buildRunParts, closeRun, openRunTransport, type RunParts } from './run-parts.ts';
import type { RunSecurity } from './run-security.ts';
import type { ManualInjection, Timeline } from './timeline.ts';
import type { Transport } from './transport.ts';

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
 * A facade: every part shares the run's core (run-core.ts) and is built, wired, opened, booted and
 * closed by run-parts.ts; each call here goes to one part. The parts, one job each: the fleet (run-fleet.ts, fleet-builder.ts) connects over the
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
  readonly mode: RunMode;
  readonly clock: SimClock;
  readonly log: EventLog;
  readonly rng: Rng;
  readonly ledger: DeliveryLedger;
  readonly fleetPlan: FleetPlan;
  readonly agents: DeviceAgent[];
  readonly agentById: Map<string, DeviceAgent>;
  readonly patients: Map<string, RunPatient>;
  readonly twin: DigitalTwin;
  /** The security profile applied to the run's traffic (run-security.ts), when the plan names one. */
  readonly security: RunSecurity | undefined;
  /** The intrusion detector, when the plan or RunOptions.ids asks for it (src/defense; run-ids.ts). */
  readonly ids: RunIds | undefined;
  /** Faults and attacks a timeline or `inject` may name (attacks launched by this run's adversaries, run-attacks.ts). */
  readonly faults: FaultRegistry;
  readonly timeline: Timeline;
  readonly collector: Collector;
  /** What every part shares (run-core.ts): plan, seed, duration, mode, clock, log, root stream, ledger. */
  #core: RunCore;
  /** The parts, wired to each other (run-parts.ts). */
  #parts: RunParts;
  #transport: Transport | undefined;

  constructor(plan: Plan, deps: RunDependencies, options: RunOptions = {}) {
    super();
    const core = createRunCore(plan, options);
    this.#core = core;
    ({ plan: this.plan, seed: this.seed, durationMs: this.durationMs, mode: this.mode } = core);
    ({ clock: this.clock, log: this.log, rng: this.rng, ledger: this.ledger } = core);
    this.#parts = buildRunParts(core, deps, options, {
      status: () => this.emit('status', this.status()),
      events: (batch) => this.emit('events', batch),
    });
    const { fleet, controls } = this.#parts;
    ({ plan: this.fleetPlan, twin: this.twin, agents: this.agents, agentById: this.agentById, patients: this.patients } = fleet);
    fitHeapPolicy(this.agents.length);
    ({ security: this.security, ids: this.ids, faults: this.faults } = controls);
    this.timeline = this.#parts.timeline;
    this.collector = this.#parts.referee.collector;
  }

  /** The adversaries launched so far and what they did (the labelled dataset's ground truth). */
  get groundTruth() {
    return this.#parts.controls.groundTruth;
  }

  /**
   * What 'max' speed would not keep from fast mode in this run, or undefined when it keeps it all: a
   * realtime run with network faults keeps its wall-clock keep-alive (MAX_SPEED_NETWORK_NOTE).
   */
  get maxSpeedNote(): string | undefined {
    return this.mode === 'realtime' && this.#parts.controls.onSimulationClock ? MAX_SPEED_NETWORK_NOTE : undefined;
  }

  /** Where the device clients and the twin's run (known once the run is open). */
  get links(): LinkPlacement {
    return this.#transport?.links ?? 'in-thread';
  }
  /** Why the clients are not where the fleet's size alone would put them, when the run chose so itself. */
  get linksNote(): string | undefined {
    return this.#transport?.linksNote;
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
    return this.#parts.controls.observerEndpoint(url, clientId, zone);
  }
  get broker(): BrokerHandle | undefined {
    return this.#transport?.broker;
  }
  get phase(): RunPhase {
    return this.#parts.loop.phase;
  }
  get speed(): number | 'max' {
    return this.#parts.pacer.speed;
  }
  /** Messages the devices generated (commands to them, and last wills the broker published for them, left out). */
  get messagesPublished(): number {
    return publishedByDevices(this.ledger);
  }
  /** Waits for the transport that stalled (nothing delivered or lost for settleTimeoutMs): what was missing was written off. */
  get settleTimeouts(): number {
    return this.#parts.settler.stalls + this.#parts.controls.stalls;
  }
  get wallMs(): number {
    return this.#parts.loop.wallMs;
  }
  /** Fast mode's settle window, ms: RunOptions.syncMs, or the default for this fleet (defaultSyncMs). */
  get syncMs(): number {
    return this.#parts.syncMs;
  }

  status(): RunStatus {
    const achievedSpeed = this.mode === 'realtime' && this.phase === 'running' ? this.#parts.pacer.achievedSpeed() : undefined;
    return {
      phase: this.phase,
      simMs: this.clock.now(),
      durationMs: this.durationMs,
      wallMs: this.wallMs,
      speed: this.speed,
      messages: this.messagesPublished,
      delivered: this.twin.receivedTotal,
      events: this.log.count,
      ...(achievedSpeed !== undefined ? { achievedSpeed } : {}),
    };
  }

  /** Starts the broker (unless external), connects the twin and every device, and boots the fleet at t=0. */
  async open(): Promise<void> {
    const { loop, settler } = this.#parts;
    if (loop.phase !== 'created') return;
    loop.phase = 'starting';
    this.#transport = await openRunTransport(this.#parts, (error) => {
      // Without its link thread no device can publish: stop at once and say why, rather than let every
      // remaining settle window wait out its stall time.
      settler.barrier.abort();
      loop.fail(error);
    });
    await bootRun(this.#parts, this.#transport, {
      connecting: (connected) => this.emit('connecting', connected, this.agents.length),
      command: (deviceId, command) => this.command(deviceId, command),
    });
    loop.phase = 'paused';
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
    const agent = this.#parts.fleet.agent(deviceId);
    this.#parts.loop.requestSettle();
    const controls = this.#parts.controls;
    return this.twin.command(deviceId, command, controls.commandRoute(agent, command.type), controls.undeliverable(deviceId, agent.online));
  }

  /** Runs to the end (or until stopped), pacing by mode and speed. Resolves when the run is finished. */
  async runToEnd(): Promise<void> {
    await this.open();
    await this.#parts.loop.run();
  }

  /** Pauses at the end of the current window. */
  pause(): void {
    this.#parts.loop.pause();
  }

  resume(): void {
    this.#parts.loop.resume();
  }

  /** Runs `ms` of simulation time, then pauses again. */
  step(ms: number): void {
    this.#parts.loop.step(ms);
  }

  /**
   * How well realtime mode kept the wall clock's pace so far. A machine too slow for the fleet at the
   * asked speed does not stop the run: the run goes on later than asked, and this says by how much.
   */
  get realtimePace(): RealtimePace {
    return this.#parts.pacer.pace();
  }

  /** Changes the pace: a factor of wall-clock time, or 'max' for as fast as the transport settles. */
  setSpeed(speed: number | 'max'): void {
    this.#parts.pacer.setSpeed(speed, this.mode === 'realtime' && this.phase === 'running' && !this.paused);
    this.#parts.fleet.setSpeed(speed);
    // Leaving 'max', the barrier stops waiting for the sessions' exchanges (SessionBook.countWhile).
    this.#parts.settler.barrier.notify();
  }

  get paused(): boolean {
    return this.#parts.loop.paused;
  }

  /** Ends the run at the current time. */
  stop(): void {
    this.#parts.loop.stop();
  }

  /**
   * Verdicts so far, judged on the sealed part of the log (the TUI's live expectations panel). Cheap
   * enough to call a few times a second.
   */
  liveExpectations(): ExpectationResult[] {
    const { referee, fleet } = this.#parts;
    return referee.verdicts({ ...fleet.context(this.clock.now()), live: true });
  }

  /** The run's result. Call after `runToEnd()`; it closes the event log (its digest is final). */
  result(): RunResult {
    return runResult(this.#core, {
      ...this.#parts,
      wallMs: this.wallMs,
      settleTimeouts: this.settleTimeouts,
      broker: { url: this.brokerUrl ?? '', placement: this.broker?.placement ?? 'none', links: this.links },
      realtime: this.realtimePace,
    });
  }

  /**
   * Whether the verdicts need the counterfactual run (counterfactual.ts): a `prevented` judge would
   * charge an attack with an impact the scenario may cause without it. Call after `result()`.
   */
  needsCounterfactual(): boolean {
    const { referee, fleet } = this.#parts;
    return referee.needsCounterfactual(fleet.context(this.clock.now()));
  }

  /** The result with its verdicts judged again against the counterfactual run (the run's parts are only read). */
  rejudge(result: RunResult, counterfactual: Counterfactual): RunResult {
    const { referee, fleet } = this.#parts;
    const expectations = referee.verdicts({ ...fleet.context(result.simulatedMs), counterfactual });
    return withVerdicts(result, expectations, { digest: counterfactual.digest, events: counterfactual.count });
  }

  /** Disconnects every client and closes the broker (if medtwin started it). */
  async close(): Promise<void> {
    await closeRun(this.#parts, this.#transport);
  }
}
