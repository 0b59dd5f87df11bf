import { InputError, nearestName } from '../core/errors.ts';
import type { DeviceAgent } from '../fleet/agent.ts';
import { planFleet, type FleetPlan } from '../fleet/fleet-spec.ts';
import { DigitalTwin, type Arrivals } from '../fleet/twin.ts';
import type { LinkOpener } from '../net/device-link.ts';
import { SentEnvelopes } from '../net/sent-envelopes.ts';
import type { RunContext } from '../scenario/expectations/run-context.ts';
import { buildFleet, checkKinds, connectFleet, type ConnectOptionsFor, type RunDependencies, type RunPatient } from './fleet-builder.ts';
import type { RunCore } from './run-core.ts';
import type { TagLookup } from './selector.ts';

/** The run's core (run-core.ts; fleet-builder.ts says which forks of its stream the fleet takes), and how to build the fleet. */
export interface RunFleetOptions extends Pick<RunCore, 'plan' | 'seed' | 'rng' | 'clock' | 'log' | 'ledger' | 'durationMs'> {
  deps: RunDependencies;
  /** The pace the run starts at: decides when the twin takes a report to have arrived (see arrivalsAt). */
  speed: number | 'max';
}

/**
 * The simulated site a run drives: the fleet plan, the patients, the device agents and the digital
 * twin that watches them, built from the plan (fleet-builder.ts) and connected to the run's broker.
 * The twin books what it sends and takes in in the ledger and learns from it when a report was sent.
 */
export class RunFleet {
  readonly plan: FleetPlan;
  readonly twin: DigitalTwin;
  readonly agents: DeviceAgent[];
  readonly agentById: Map<string, DeviceAgent>;
  readonly patients: Map<string, RunPatient>;
  /** The fleet's telemetry messages per simulated second (fast mode's default window, realtime back-pressure). */
  readonly telemetryPerSecond: number;
  /** Each device's tags, for selectors (timeline, plan events, network faults). */
  readonly tagsOf: TagLookup;
  /**
   * What the devices sent, for the twin to take without parsing it again when the bytes it received
   * are exactly those (net/sent-envelopes.ts); the run lets go of it at every sealed window.
   */
  readonly sent = new SentEnvelopes();
  readonly #options: RunFleetOptions;

  constructor(options: RunFleetOptions) {
    const { plan, deps, clock, log, ledger } = options;
    this.#options = options;
    checkKinds(plan, deps);
    this.plan = planFleet(plan.fleet, (kind) => deps.devices[kind]?.idPrefix ?? kind);
    this.twin = new DigitalTwin(this.plan.site, clock, log, {
      ledger,
      arrivals: arrivalsAt(options.speed),
      sent: this.sent,
    });
    const built = buildFleet({ ...options, fleetPlan: this.plan, twin: this.twin, sent: this.sent });
    this.agents = built.agents;
    this.agentById = built.agentById;
    this.patients = built.patients;
    this.telemetryPerSecond = built.telemetryPerSecond;
    const tags = new Map(this.plan.devices.map((d) => [d.id, d.tags]));
    this.tagsOf = (id) => tags.get(id);
  }

  /** The agent of `deviceId`; an InputError with a "did you mean" when the run has no such device. */
  agent(deviceId: string): DeviceAgent {
    const agent = this.agentById.get(deviceId);
    if (agent !== undefined) return agent;
    const hint = nearestName(deviceId, [...this.agentById.keys()]);
    throw new InputError('E_UNKNOWN_DEVICE', `unknown device "${deviceId}"${hint ? ` — did you mean "${hint}"?` : ''}`);
  }

  /** Connects the twin, then every device (connectFleet), each as `connectOptionsFor` decides. */
  connect(
    url: string,
    links: LinkOpener,
    connectOptionsFor: ConnectOptionsFor | undefined,
    onProgress: (n: number) => void,
  ): Promise<void> {
    return connectFleet({
      agents: this.agents,
      fleetPlan: this.plan,
      twin: this.twin,
      url,
      seed: this.#options.seed,
      links,
      ...(connectOptionsFor ? { connectOptionsFor } : {}),
      onProgress,
    });
  }

  /** Boots the fleet at t=0 (after it connected): records `run.started`, then starts every device. */
  start(): void {
    const { plan, seed, durationMs } = this.#options;
    this.#options.log.record({
      t: 0,
      source: 'runner',
      type: 'run.started',
      data: { scenario: plan.name, seed, devices: this.agents.length, patients: this.patients.size, durationMs },
    });
    for (const agent of this.agents) agent.start();
  }

  /** Resolves once every connection of the fleet (devices, twin) has handled what the broker sent it so far. */
  async fence(): Promise<void> {
    await Promise.all([this.twin.fence(), ...this.agents.map((agent) => agent.fence())]);
  }

  /** A new pace: when the twin takes reports to arrive changes with it. */
  setSpeed(speed: number | 'max'): void {
    this.twin.arrivals = arrivalsAt(speed);
  }

  /** What the judges read besides the log: each device's counters, the twin's shadows and the delivery ledger, at `simulatedMs`. */
  context(simulatedMs: number): RunContext {
    return {
      simulatedMs,
      agents: new Map(this.agents.map((a) => [a.deviceId, a.stats])),
      shadows: this.twin.shadows,
      ledger: this.#options.ledger,
    };
  }

  /** Disconnects every device (the twin stays connected until the run closes it, after the adversaries). */
  async stopDevices(): Promise<void> {
    await Promise.all(this.agents.map((a) => a.stop()));
  }
}

/**
 * When the twin takes a report to have arrived at this speed (twin.ts, Arrivals): at full speed when
 * it was sent (the barrier lets it cross before anything else happens), in realtime when the twin gets it.
 */
export function arrivalsAt(speed: number | 'max'): Arrivals {
  return speed === 'max' ? 'as-sent' : 'as-received';
}
