import type { AnyDeviceDescriptor } from '../../devices/descriptor.ts';
import type { Clock } from '../core/clock.ts';
import { InputError, nearestName } from '../core/errors.ts';
import type { EventLog } from '../core/event-log.ts';
import type { Rng } from '../core/rng.ts';
import { DeviceAgent, randomPhase } from '../fleet/agent.ts';
import type { FleetPlan, PlannedDevice } from '../fleet/fleet-spec.ts';
import type { PatientModel } from '../fleet/patient-model.ts';
import type { CreatePatientOptions } from '../fleet/patients.ts';
import type { DeviceSensor, SensorOptions } from '../fleet/sensors.ts';
import type { DigitalTwin } from '../fleet/twin.ts';
import type { SentEnvelopes } from '../net/sent-envelopes.ts';
import type { DeliveryLedger } from '../net/delivery-ledger.ts';
import type { LinkEndpoint, LinkOpener } from '../net/device-link.ts';
import type { LinkPool } from '../net/link-pool.ts';
import { CHANNELS } from '../net/topics.ts';
import type { Plan } from '../scenario/plan.ts';

/** How the run builds what the plan names. */
export interface RunDependencies {
  devices: Readonly<Record<string, AnyDeviceDescriptor>>;
  createPatient(options: CreatePatientOptions): RunPatient;
  createSensor(descriptor: AnyDeviceDescriptor, rng: Rng, options?: SensorOptions): DeviceSensor;
  /** Starts the link thread of a fleet that gets one (see RunOptions.links); default `new LinkPool()`. */
  createLinkPool?(): LinkPool;
}

export type RunPatient = PatientModel & { schedule?(event: unknown): void };

/** A client of the run's broker: one device, or the digital twin. */
export type FleetClient = { role: 'device'; device: PlannedDevice } | { role: 'twin' };

/**
 * Decides where and as whom a client connects, given the default (the broker's URL, client id
 * `medtwin-<device>` or `medtwin-twin-<seed>`, no credentials). The one place a run's connection options
 * are made: a security profile adds credentials and TLS material here, a network fault routes a zone
 * through its fault proxy.
 */
export type ConnectOptionsFor = (client: FleetClient, defaults: LinkEndpoint) => LinkEndpoint;

export interface BuiltFleet {
  agents: DeviceAgent[];
  agentById: Map<string, DeviceAgent>;
  patients: Map<string, RunPatient>;
  /** Telemetry messages the whole fleet sends per simulated second. */
  telemetryPerSecond: number;
}

export interface BuildFleetOptions {
  plan: Plan;
  fleetPlan: FleetPlan;
  deps: RunDependencies;
  /** The run's root stream: patients fork `patient:<id>`, devices `fleet` → `device:<id>`. */
  rng: Rng;
  clock: Clock;
  log: EventLog;
  durationMs: number;
  twin: DigitalTwin;
  /** Every message a device hands to its client is published here, stamped with simulated time. */
  ledger: DeliveryLedger;
  /** What the devices send, kept for the twin to take unparsed (net/sent-envelopes.ts). */
  sent?: SentEnvelopes;
}

/**
 * Builds the patients and the device agents the plan names, registers each device with the twin and
 * books every message a device publishes, and every command it receives, in the ledger. Connects
 * nothing (connectFleet does).
 */
export function buildFleet(options: BuildFleetOptions): BuiltFleet {
  const { plan, fleetPlan, deps, rng, clock, log, durationMs, twin, ledger } = options;
  const fleetRng = rng.fork('fleet');
  const patients = new Map<string, RunPatient>();
  for (const bed of fleetPlan.beds) {
    const insulinPump = fleetPlan.devices.some(
      (d) => d.bed === bed.id && (d.config.profile as { drug?: string } | undefined)?.drug === 'insulin',
    );
    const meals = (plan.patients?.meals ?? [])
      .filter((m) => m.patient === undefined || m.patient === bed.patientId)
      .map((m) => ({ at: m.at, carbsG: m.carbs }));
    patients.set(
      bed.patientId,
      deps.createPatient({
        id: bed.patientId,
        kinds: bed.kinds,
        rng: rng.fork(`patient:${bed.patientId}`),
        durationMs,
        randomMeals: plan.patients?.randomMeals ?? true,
        exactDosing: plan.patients?.dosing === 'exact',
        meals,
        insulinPump,
        cohort: bed.cohort,
        acuity: bed.acuity,
      }),
    );
  }
  const agents: DeviceAgent[] = [];
  const agentById = new Map<string, DeviceAgent>();
  const bedAcuity = new Map(fleetPlan.beds.map((b) => [b.id, b.acuity]));
  for (const device of fleetPlan.devices) {
    const descriptor = deps.devices[device.kind]!;
    const deviceRng = fleetRng.fork(`device:${device.id}`);
    const address = { site: fleetPlan.site, zone: device.zone, kind: device.kind, deviceId: device.id };
    const agent = new DeviceAgent({
      descriptor,
      address,
      patient: patients.get(device.patientId)!,
      // A `healthy` zone's patients are well and still: no measurement artefacts either.
      sensor: deps.createSensor(descriptor, deviceRng.fork('sensor'), {
        artefacts: bedAcuity.get(device.bed) !== 'healthy',
        acuity: bedAcuity.get(device.bed) ?? 'ward',
      }),
      clock,
      rng: deviceRng,
      log,
      identity: defaultIdentity(device),
      settings: device.config.settings,
      profile: device.config.profile,
      firmware: device.config.firmware,
      phase: randomPhase(deviceRng.fork('phase'), descriptor),
      ...(options.sent ? { sent: options.sent } : {}),
    });
    const account = ledger.device(device.id);
    agent.onPublish = (channel, seq) => account.published(channel, seq, clock.now());
    // Store-and-forward: kept offline (not in flight), sent from the buffer (in flight from now), or let go.
    agent.onStore = (channel, seq, fate, reason) => {
      if (fate === 'buffered') account.channel(channel).held(seq);
      else if (fate === 'backfill') account.channel(channel).released(seq, clock.now());
      else account.lost(channel, seq, `device:${reason}`);
    };
    // The twin books the commands it sends; the device books their delivery.
    agent.onReceive = (_topic, seq) => {
      if (seq !== undefined) account.delivered(CHANNELS.cmd, seq, clock.now());
    };
    agents.push(agent);
    agentById.set(device.id, agent);
    twin.register(address, descriptor, agent.firstTelemetryAt);
  }
  const telemetryPerSecond = agents.reduce((sum, agent) => sum + 1000 / agent.descriptor.telemetryPeriodMs, 0);
  return { agents, agentById, patients, telemetryPerSecond };
}

/** Every kind the plan's fleet names must be one the run knows; else an InputError with a "did you mean". */
export function checkKinds(plan: Plan, deps: RunDependencies): void {
  const unknown = plan.fleet.zones.flatMap((z) => Object.keys(z.devices)).filter((k) => !(k in deps.devices));
  if (unknown.length === 0) return;
  const kinds = Object.keys(deps.devices);
  const hint = nearestName(unknown[0]!, kinds);
  throw new InputError(
    'E_UNKNOWN_KIND',
    `fleet: unknown device kind "${unknown[0]}"${hint ? ` — did you mean "${hint}"?` : ''} (known kinds: ${kinds.join(', ')})`,
  );
}

function defaultIdentity(device: PlannedDevice) {
  return { clientId: `medtwin-${device.id}` };
}

export interface ConnectFleetOptions {
  agents: readonly DeviceAgent[];
  fleetPlan: FleetPlan;
  twin: DigitalTwin;
  /** The broker the run opened (or was pointed at). */
  url: string;
  seed: string;
  links: LinkOpener;
  /** Default: every client connects to `url` as itself, without credentials. */
  connectOptionsFor?: ConnectOptionsFor;
  /** Devices connected so far. */
  onProgress?: (connected: number) => void;
}

/** The twin's client id when no security control names it (`medtwin-twin` under authentication). */
export function twinClientIdFor(seed: string | number): string {
  return `medtwin-twin-${seed}`.slice(0, 60);
}

/**
 * Connects the twin, then every device, a batch at a time (thousands of simultaneous CONNECTs would
 * trip connect timeouts). Each client's endpoint comes from `connectOptionsFor`.
 */
export async function connectFleet(options: ConnectFleetOptions): Promise<void> {
  const { agents, twin, url, links } = options;
  const endpointFor = options.connectOptionsFor ?? ((_client, defaults) => defaults);
  const planned = new Map(options.fleetPlan.devices.map((d) => [d.id, d]));
  // The twin's client runs where the devices' do: on a link thread it takes the fleet's whole
  // stream in batches, off the simulation's thread.
  await twin.connect(endpointFor({ role: 'twin' }, { url, identity: { clientId: twinClientIdFor(options.seed) } }), links);
  const batch = 200;
  for (let i = 0; i < agents.length; i += batch) {
    await Promise.all(
      agents.slice(i, i + batch).map(async (agent) => {
        const device = planned.get(agent.deviceId)!;
        await agent.connect(endpointFor({ role: 'device', device }, { url, identity: defaultIdentity(device) }), links);
      }),
    );
    options.onProgress?.(Math.min(agents.length, i + batch));
  }
}
