import {
  COMM_LOSS_ALARM as COMM_LOSS,
  DEFAULT_CONNECTIVITY,
  type AlarmInfo,
  type AnyDeviceDescriptor,
  type ConnectivityPolicy,
  type DeviceEmitted,
  type SampleInput,
} from '../../devices/descriptor.ts';
import { DeviceModel } from '../../devices/device-model.ts';
import type { Clock, TimerId } from '../core/clock.ts';
import type { EventLog } from '../core/event-log.ts';
import type { Rng } from '../core/rng.ts';
import type { MeasuredValues, SignalName, SignalValues } from '../physiology/signals.ts';
import type { ClientIdentity } from '../net/client.ts';
import { IN_THREAD_LINKS, type DeviceLink, type LinkEndpoint, type LinkOpener } from '../net/device-link.ts';
import { decodeEnvelope, encodeEnvelope, ENVELOPE_VERSION, EnvelopeWriter } from '../net/envelope.ts';
import type { SentEnvelopes, SentTopic } from '../net/sent-envelopes.ts';
import { CHANNELS, channelTopic, type Channel, type DeviceAddress } from '../net/topics.ts';
import { FIRMWARE_UPDATE } from '../net/security/firmware/ota-offer.ts';
import type { CommandGate } from './command-gate.ts';
import { checkOffer, type OtaPolicy, type RunningFirmware } from './device-firmware.ts';
import type { FaultSurface, Revert, SignalTransform } from './fault-surface.ts';
import { Outbox, type StoredMessage, type StoreLoss } from './outbox.ts';
import type { PatientModel } from './patient-model.ts';
import type { DeviceSensor } from './sensors.ts';

export interface AgentOptions {
  descriptor: AnyDeviceDescriptor;
  address: DeviceAddress;
  patient: PatientModel;
  sensor: DeviceSensor;
  clock: Clock;
  /** The device's own stream; the agent forks `sample` and `faults` from it. */
  rng: Rng;
  log: EventLog;
  identity: ClientIdentity;
  settings?: unknown;
  profile?: unknown;
  firmware?: string;
  /**
   * When the device boots and where its periods fall (ms). Real devices are not phase-locked: a fleet
   * that boots, samples and publishes in the same simulated millisecond is a burst no ward produces.
   * Default: boots at start, first sample and telemetry one period later.
   */
  phase?: DevicePhase;
  /** The firmware's check before the machine sees a command (signed commands; command-gate.ts). Default: none. */
  commandGate?: CommandGate;
  /** How the bootloader treats offered images (device-firmware.ts). Default: installs anything, trusts no vendor. */
  ota?: OtaPolicy;
  /** How long an install takes, ms of simulated time, during which the device is down. Default: DEFAULT_INSTALL_MS. */
  installMs?: number;
  /** Store-and-forward and comm-loss alarm while offline; default the kind's (descriptor.connectivity). */
  connectivity?: Partial<ConnectivityPolicy>;
  /** Where the run keeps what its devices send for its twin to take unparsed (net/sent-envelopes.ts). Default: none. */
  sent?: SentEnvelopes;
}

/**
 * Writing an image, verifying it and rebooting: two minutes, an assumption (vendors publish no figure
 * for infusion pumps or monitors), long enough that a ward notices the device is gone.
 */
export const DEFAULT_INSTALL_MS = 120_000;

/** A device's place in time: boot delay, and the offset of its telemetry within one telemetry period. */
export interface DevicePhase {
  /** Boots this long after `start()`. */
  bootMs: number;
  /** 0 <= offsetMs < telemetryPeriodMs: telemetry comes this long after boot (0: one period), then every period; samples likewise, modulo the sample period. */
  offsetMs: number;
}

/** A seeded phase: boot within the first second, telemetry anywhere in its period. */
export function randomPhase(rng: Rng, descriptor: Pick<AnyDeviceDescriptor, 'telemetryPeriodMs'>): DevicePhase {
  return { bootMs: Math.floor(rng.next() * 1000), offsetMs: Math.floor(rng.next() * descriptor.telemetryPeriodMs) };
}

export interface AgentStats {
  /** Messages handed to the MQTT client, per channel. */
  published: Record<string, number>;
  publishedTotal: number;
  commandsReceived: number;
  commandsRejected: number;
  malformedCommands: number;
}

/**
 * One simulated device: its model (machine and plant, devices/device-model.ts), the patient it is
 * attached to, the sensors between them, and its own MQTT connection. The model decides; the agent
 * samples, advances the model's plant, publishes and listens.
 */
export class DeviceAgent implements FaultSurface {
  readonly descriptor: AnyDeviceDescriptor;
  readonly address: DeviceAddress;
  readonly patient: PatientModel;
  readonly rng: Rng;
  readonly stats: AgentStats = { published: {}, publishedTotal: 0, commandsReceived: 0, commandsRejected: 0, malformedCommands: 0 };
  /** Set by the fleet: called for every message handed to the client (delivery accounting). */
  onPublish: (channel: Channel, seq: number, payload: string) => void = () => {};
  /**
   * Set by the fleet: called for every message the device's client receives (delivery accounting),
   * with the envelope's seq (undefined when it is not a well-formed envelope).
   */
  onReceive: (topic: string, seq: number | undefined) => void = () => {};
  /**
   * Set by the fleet: a message's fate in the device's store-and-forward buffer (delivery accounting):
   * `buffered` (kept offline), `backfill` (sent from the buffer on reconnect, now), `lost` (let go).
   */
  onStore: (channel: Channel, seq: number, fate: 'buffered' | 'backfill' | 'lost', reason?: StoreLoss) => void = () => {};
  /** The firmware's check before the machine sees a command (AgentOptions.commandGate; the run's security sets it). */
  commandGate: CommandGate | undefined;
  /**
   * The patient's pseudonym every message of the device carries (envelope `patient`), when the run's
   * `pseudonyms` control is on (the run's security sets it); undefined: messages name no patient.
   */
  patientPseudonym: string | undefined;
  /** How the bootloader treats offered images (AgentOptions.ota; the run's security sets it). */
  ota: OtaPolicy;
  /** Set by the run: called once the device boots a different image (its command check follows the firmware). */
  onFirmwareChanged: (running: RunningFirmware) => void = () => {};

  #options: Omit<AgentOptions, 'rng'>;
  #model: DeviceModel;
  #link: DeviceLink | undefined;
  #seq = new Map<string, number>();
  #topics = new Map<Channel, string>();
  readonly #sentTopics = new Map<Channel, SentTopic>();
  /** The envelope text #publish wrote last. */
  #lastPayload: string | undefined;
  #timers = new Map<string, TimerId>();
  #transforms: { signal: SignalName | '*'; transform: SignalTransform }[] = [];
  #conditions = new Map<string, number[]>();
  #silenced = 0;
  #alarmsSuppressed = 0;
  #skewMs = 0;
  #lastState = '';
  #lastTruth: SignalValues = {};
  #lastMeasured: MeasuredValues = {};
  #onDemand: MeasuredValues = {};
  #sampleRng: Rng;
  /** This device's envelopes, its id and kind quoted once. */
  readonly #envelopes: EnvelopeWriter;
  #stopped = false;
  #poweredOn = false;
  /** True while the machine starts and takes its boot events (state changes are announced after). */
  #booting = false;
  #running: RunningFirmware;
  /** An install under way (the device is down until it ends), or a failed one that left it down. */
  #install: { to: string; down: 'installing' | 'failed' } | undefined;
  #installFailures = 0;
  /** The kind has firmware versions (every real kind): its state messages say which it runs. */
  #reportsFirmware: boolean;
  #connectivity: ConnectivityPolicy;
  #outbox: Outbox;
  /** The link can say it is offline (its session runs on the simulation's clock): messages are then kept, not sent. */
  #offline = false;
  #offlineSince = 0;
  #commLossTimer: TimerId | undefined;
  #commLossRaised = false;
  #statusSeq = 0;

  constructor(options: AgentOptions) {
    // The device stream is forked here and not kept: each stream holds its generator's state.
    const { rng: _deviceRng, ...rest } = options;
    this.#options = rest;
    this.commandGate = options.commandGate;
    this.ota = options.ota ?? { enforce: false, vendors: new Map() };
    this.descriptor = options.descriptor;
    this.address = options.address;
    this.patient = options.patient;
    this.rng = options.rng.fork('faults');
    this.#sampleRng = options.rng.fork('sample');
    this.#envelopes = new EnvelopeWriter(options.address.deviceId, options.address.kind);
    this.#connectivity = { ...(options.descriptor.connectivity ?? DEFAULT_CONNECTIVITY), ...options.connectivity };
    this.#outbox = new Outbox(this.#connectivity, (message, reason) => this.onStore(message.channel, message.seq, 'lost', reason));
    this.#model = new DeviceModel(options.descriptor, {
      id: options.address.deviceId,
      settings: options.settings,
      firmware: options.firmware,
      profile: options.profile,
      clock: options.clock,
      rng: options.rng,
      onEmitted: (event) => this.#onEmitted(event),
      onSnapshot: () => this.#onSnapshot(),
      onSample: () => this.#applyDelivery(),
      onError: (error) => this.#record('device.error', { message: String(error) }),
    });
    this.#running = { version: this.#model.firmware ?? '0.0.0', genuine: true };
    this.#reportsFirmware = this.#model.firmware !== undefined;
  }

  /** The firmware the device runs now: its version, and whether the image is the vendor's. */
  get firmware(): RunningFirmware {
    return this.#running;
  }

  /** True while an update installs, or after one failed and left the device down. */
  get updating(): boolean {
    return this.#install !== undefined;
  }

  get deviceId(): string {
    return this.address.deviceId;
  }
  get kind(): string {
    return this.address.kind;
  }
  get zone(): string {
    return this.address.zone;
  }
  get measures(): readonly SignalName[] {
    return this.descriptor.measures;
  }
  get conditions(): readonly string[] {
    return this.descriptor.conditions.map((c) => c.name);
  }
  get snapshot() {
    return this.#model.snapshot;
  }
  /** The device's plant (its continuous quantities: line volume, readings, battery...). */
  get plant(): unknown {
    return this.#model.plant;
  }
  get stateLabel(): string {
    return this.#model.stateLabel;
  }
  get activeAlarms(): readonly AlarmInfo[] {
    return this.#model.activeAlarms;
  }
  get lastTruth(): SignalValues {
    return this.#lastTruth;
  }
  /** What the device read last: its last sample, and its last on-demand readings (NIBP). */
  get lastMeasured(): MeasuredValues {
    return this.descriptor.measuresOnDemand ? { ...this.#onDemand, ...this.#lastMeasured } : this.#lastMeasured;
  }
  /**
   * Opens the device's MQTT connection (its own client, on this thread or on a link thread, as `links`
   * decides); resolves once the command topic is subscribed, so no command can be missed. `to`: a
   * broker URL (connecting as the agent's own identity), or the endpoint the run's fleet builder chose.
   */
  async connect(to: string | LinkEndpoint, links: LinkOpener = IN_THREAD_LINKS): Promise<void> {
    const status = this.#topic(CHANNELS.status);
    const endpoint = typeof to === 'string' ? { url: to, identity: this.#options.identity } : to;
    // A link whose session runs on the simulation's clock says when it is offline: the device then
    // announces itself on each (re)connect, with its backlog, and keeps what it cannot send.
    const driven = links.sessions === true;
    this.#link = await links.open(
      {
        ...endpoint,
        will: { topic: status, payload: JSON.stringify({ online: false, device: this.deviceId, reason: 'connection lost' }) },
        subscribe: this.#topic(CHANNELS.cmd),
        ...(driven ? {} : { online: { topic: status, payload: JSON.stringify({ online: true, device: this.deviceId }) } }),
      },
      (topic, payload) => this.#onCommand(topic, payload),
    );
    if (driven && this.#link.onConnection) {
      this.#link.onConnection((connected) => this.#onConnection(connected));
      this.#announce();
    }
  }

  /** Messages the device keeps offline now, and what its buffer let go, by reason. */
  get store(): { buffered: number; peak: number; lost: Readonly<Record<StoreLoss, number>> } {
    return { buffered: this.#outbox.size, peak: this.#outbox.peak, lost: this.#outbox.lost };
  }

  /** False while the device's link is down (links that say so: sessionLinks). */
  get online(): boolean {
    return !this.#offline;
  }

  /** Boots the device at the current simulation time and starts its sampling and telemetry timers. */
  start(): void {
    const { bootMs = 0, offsetMs = 0 } = this.#options.phase ?? {};
    if (bootMs > 0)
      this.#timers.set(
        'boot',
        this.#options.clock.setTimeout(() => this.#powerOn(offsetMs), bootMs),
      );
    else this.#powerOn(offsetMs);
  }

  #powerOn(offsetMs: number): void {
    this.#timers.delete('boot');
    if (this.#stopped) return;
    this.#poweredOn = true;
    this.#startMachine();
    const { samplePeriodMs, telemetryPeriodMs } = this.descriptor;
    // Telemetry falls on sample ticks (the telemetry period is a multiple of the sample period), so one
    // timer drives both: every tick samples, and every `perTelemetry`-th tick then publishes, carrying
    // the measurement of that same instant.
    const perTelemetry = telemetryPeriodMs / samplePeriodMs;
    if (!Number.isInteger(perTelemetry) || perTelemetry < 1) {
      throw new Error(
        `${this.descriptor.kind}: telemetryPeriodMs (${telemetryPeriodMs}) must be a whole multiple of samplePeriodMs (${samplePeriodMs})`,
      );
    }
    const firstSample = firstTick(offsetMs % samplePeriodMs, samplePeriodMs);
    let untilTelemetry = (firstTick(offsetMs, telemetryPeriodMs) - firstSample) / samplePeriodMs;
    this.#every('sample', firstSample, samplePeriodMs, () => {
      this.#sample();
      if (untilTelemetry > 0) {
        untilTelemetry--;
        return;
      }
      untilTelemetry = perTelemetry - 1;
      this.#publishTelemetry();
    });
  }

  /** False until the device boots (at its phase's boot time). */
  get poweredOn(): boolean {
    return this.#poweredOn;
  }

  /** Simulation time of the device's first telemetry, counted from `start()` at t = 0. */
  get firstTelemetryAt(): number {
    const { bootMs = 0, offsetMs = 0 } = this.#options.phase ?? {};
    return bootMs + firstTick(offsetMs, this.descriptor.telemetryPeriodMs);
  }

  /** Resolves once every message the broker sent this device before now has been handled (DeviceLink.fence). */
  fence(): Promise<void> {
    return this.#link?.fence() ?? Promise.resolve();
  }

  /**
   * Publishes what malware running on the device would: any topic, on the device's own connection and
   * under its identity (a compromised device used to move laterally, attack.lateral-movement). QoS 1;
   * the device's own accounts are not touched.
   */
  publishAsCompromised(topic: string, payload: string): void {
    this.#link?.publish(topic, payload, 1, false);
  }

  /** Stops timers and the machine, and disconnects cleanly. */
  async stop(): Promise<void> {
    this.#stopped = true;
    for (const id of this.#timers.values()) this.#options.clock.clearTimeout(id);
    this.#timers.clear();
    this.#options.clock.clearTimeout(this.#commLossTimer);
    this.#model.stop();
    await this.#link?.close({
      topic: this.#topic(CHANNELS.status),
      payload: JSON.stringify({ online: false, device: this.deviceId, reason: 'shutdown' }),
    });
  }

  /** Sends a command as if it had arrived over MQTT (used by tests and the local API). */
  command(command: unknown): void {
    this.#handleCommand(command);
  }

  // ---- FaultSurface -------------------------------------------------------------------------

  transformSignal(signal: SignalName | '*', transform: SignalTransform): Revert {
    const entry = { signal, transform };
    this.#transforms.push(entry);
    return () => {
      this.#transforms = this.#transforms.filter((e) => e !== entry);
    };
  }

  setCondition(name: string, value: number): Revert {
    const stack = this.#conditions.get(name) ?? [];
    stack.push(value);
    this.#conditions.set(name, stack);
    return () => {
      const current = this.#conditions.get(name);
      if (!current) return;
      const i = current.lastIndexOf(value);
      if (i >= 0) current.splice(i, 1);
      if (current.length === 0) this.#conditions.delete(name);
    };
  }

  silence(): Revert {
    this.#silenced++;
    return once(() => this.#silenced--);
  }

  suppressAlarms(): Revert {
    this.#alarmsSuppressed++;
    return once(() => this.#alarmsSuppressed--);
  }

  reboot(): void {
    if (!this.#poweredOn) return; // not powered on yet: it boots on its own schedule
    this.#lastState = '';
    this.#record('device.rebooted', {});
    this.#startMachine(() => this.#model.restart());
  }

  sendToMachine(event: { type: string; [key: string]: unknown }): void {
    this.#model.send(event);
  }

  /** The next install fails to boot (a flash or boot fault); the offer then says whether it rolls back. */
  failNextInstall(): Revert {
    this.#installFailures++;
    return once(() => {
      this.#installFailures = Math.max(0, this.#installFailures - 1);
    });
  }

  skewClock(ms: number): Revert {
    this.#skewMs += ms;
    return once(() => {
      this.#skewMs -= ms;
    });
  }

  // ---- internals ----------------------------------------------------------------------------

  /**
   * Starts the machine and runs its boot events, then announces the state the device booted into. The
   * states it passes through in that same instant (its machine's initial `off`, a CGM's `no-sensor`
   * before its sensor is found) are logged but not published: a device that is off says nothing, and
   * a fleet's boot second is its busiest (docs/benchmarks.md#what-limits-it, point 8).
   */
  #startMachine(start: () => void = () => this.#model.start()): void {
    this.#booting = true;
    try {
      start();
    } finally {
      this.#booting = false;
    }
    this.#publish(CHANNELS.state, this.#stateBody(this.#lastState), 1, true);
  }

  /** A state message: the mode, and the firmware version running (docs/topics.md). */
  #stateBody(state: string): Record<string, unknown> {
    return this.#reportsFirmware ? { firmware: this.#running.version, state } : { state };
  }

  #every(name: string, firstMs: number, periodMs: number, fn: () => void): void {
    const clock = this.#options.clock;
    const tick = () => {
      if (this.#stopped) return;
      this.#timers.set(name, clock.setTimeout(tick, periodMs));
      fn();
    };
    this.#timers.set(name, clock.setTimeout(tick, firstMs));
  }

  #sample(): void {
    const t = this.#options.clock.now();
    const measures = this.descriptor.measures;
    // A device that measures nothing (a pump) has no reason to move its patient along: the patient
    // advances itself when a delivery changes, and its results do not depend on the steps taken.
    if (measures.length > 0) this.patient.advanceTo(t);
    const truth = measures.length === 0 ? NO_TRUTH : this.patient.truth(measures);
    const measured = measures.length === 0 ? NO_MEASUREMENT : this.#options.sensor.measure(this.patient, truth);
    for (const { signal, transform } of this.#transforms) {
      const targets = signal === '*' ? (Object.keys(measured) as SignalName[]) : [signal];
      for (const s of targets) {
        if (!(s in measured)) continue;
        measured[s] = transform(measured[s] ?? null, { t, signal: s, truth: truthOf(s, truth), rng: this.rng });
      }
    }
    this.#lastTruth = truth;
    this.#lastMeasured = measured;
    this.#reportPhysiology();
    const ecg = measures.length === 0 ? undefined : this.#options.sensor.analyseEcg?.(this.patient);
    const input: SampleInput = { t, measured, conditions: this.#conditionValues(), rng: this.#sampleRng, measure: this.#measureOnDemand };
    // Set, not spread into the literal: a conditional spread costs an object and a copy per sample.
    if (ecg) input.ecg = ecg;
    this.#model.sample(input);
  }

  /** One reading of an on-demand signal now (an NIBP determination), through the sensor and the sensor faults. */
  #measureOnDemand = (signal: SignalName): number | null => {
    const t = this.#options.clock.now();
    const truth = this.#lastTruth;
    let value = this.#options.sensor.measureOne?.(this.patient, signal, truth) ?? null;
    for (const { signal: target, transform } of this.#transforms) {
      if (target === '*' || target === signal) value = transform(value, { t, signal, truth: truthOf(signal, truth), rng: this.rng });
    }
    this.#onDemand[signal] = value;
    return value;
  };

  #conditionValues(): Record<string, number> {
    if (this.#conditions.size === 0) return NO_CONDITIONS;
    const out: Record<string, number> = {};
    for (const [name, stack] of this.#conditions) if (stack.length > 0) out[name] = stack[stack.length - 1]!;
    return out;
  }

  /** What an actuator delivers into its patient from now on (after a sample, a command, a timer). */
  #applyDelivery(): void {
    if (!this.descriptor.delivery) return;
    this.patient.setDelivery(this.deviceId, this.#options.clock.now(), this.#model.delivery());
    this.#reportPhysiology();
  }

  /**
   * Logs each impossible true state of the patient as a run-integrity error. Whichever of the bed's
   * devices moved the patient reports it, once: the patient hands each issue out a single time.
   */
  #reportPhysiology(): void {
    const issues = this.patient.takeIntegrityIssues?.();
    if (!issues || issues.length === 0) return;
    const t = this.#options.clock.now();
    for (const issue of issues) {
      this.#options.log.record({
        t,
        source: 'patients',
        type: 'physiology.invalid',
        data: { patient: this.patient.id, signal: issue.signal, value: issue.value, at: issue.at, reason: issue.reason },
      });
    }
  }

  #publishTelemetry(): void {
    const body = this.#model.telemetry();
    const truth = pickTruth(this.descriptor.measures, this.#lastTruth);
    const delivery = this.descriptor.delivery ? this.#model.delivery() : undefined;
    const seq = this.#publish(CHANNELS.telemetry, body, 0);
    // Keys in sorted order: the log then writes this, the commonest event, in one JSON.stringify, and
    // without checking the order when the body is built sorted too (truth and delivery are).
    const sorted = this.descriptor.telemetrySorted === true;
    // The body as the envelope has it: the log writes the line around that text (EventLog.record).
    const bodyJson = sorted && seq > 0 && this.#lastPayload !== undefined ? this.#envelopes.bodyOf(this.#lastPayload) : undefined;
    this.#record('telemetry', { body, delivered: delivery, seq, silenced: seq === 0 ? true : undefined, truth }, sorted, bodyJson);
  }

  #onSnapshot(): void {
    this.#applyDelivery();
    const label = this.#model.stateLabel;
    if (label === this.#lastState) return;
    const from = this.#lastState;
    this.#lastState = label;
    this.#record('state.changed', { from, to: label });
    if (!this.#booting) this.#publish(CHANNELS.state, this.#stateBody(label), 1, true);
  }

  #onEmitted(event: DeviceEmitted): void {
    switch (event.type) {
      case 'alarm.raised':
      case 'alarm.cleared':
      case 'alarm.updated': {
        const { type, ...rest } = event;
        const suppressed = this.#alarmsSuppressed > 0;
        // The alarm message's seq ties the event to its fate in the delivery ledger (no-alarm-lost).
        const seq = suppressed ? 0 : this.#publish(CHANNELS.alarm, event, 1);
        this.#record(type, { ...rest, ...(suppressed ? { suppressed: true } : {}), ...(seq > 0 ? { seq } : {}) });
        return;
      }
      case 'command.accepted':
      case 'command.rejected': {
        if (event.type === 'command.rejected') this.stats.commandsRejected++;
        const { type, ...rest } = event;
        this.#record(type, rest);
        this.#publish(CHANNELS.cmdAck, { ...rest, accepted: type === 'command.accepted' }, 1);
        return;
      }
    }
  }

  #onCommand(topic: string, payload: Buffer): void {
    const decoded = decodeEnvelope(payload);
    this.onReceive(topic, decoded.ok ? decoded.envelope.seq : undefined);
    if (!decoded.ok) {
      this.stats.malformedCommands++;
      this.#record('command.malformed', { error: decoded.error });
      return;
    }
    this.#handleCommand(decoded.envelope.body);
  }

  #handleCommand(body: unknown): void {
    this.stats.commandsReceived++;
    // Not powered on yet: a real device would not be listening; the sender gets a clear no.
    if (!this.#poweredOn) return this.#reject(body, 'device.booting', 'device has not booted yet');
    if (this.#install !== undefined)
      return this.#reject(
        body,
        'device.updating',
        `device is down: ${this.#install.down === 'installing' ? 'installing' : 'failed to boot'} firmware ${this.#install.to}`,
      );
    const gate = this.commandGate;
    if (gate !== undefined) {
      const verdict = gate(body, this.#options.clock.now() + this.#skewMs);
      if (!verdict.ok) return this.#reject(body, verdict.code, verdict.reason);
    }
    if (isFirmwareOffer(body)) return this.#offered(body);
    const parsed = this.descriptor.commandSchema.safeParse(body);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      return this.#reject(body, 'command.invalid', `invalid command: ${issue?.path.join('.') || '(root)'} ${issue?.message ?? ''}`.trim());
    }
    this.#record('command.received', { command: parsed.data });
    this.#model.command(parsed.data);
  }

  /**
   * An update offered (signed-command check passed, if any): the bootloader checks the image
   * (device-firmware.ts) and refuses it with its reason, or acknowledges it and installs — the device
   * powers its therapy off, says nothing and takes no command for the install time, then boots the new
   * image; one that fails to boot goes back to the image it ran if the offer says so (A/B slots), or
   * leaves the device down.
   */
  #offered(body: Record<string, unknown>): void {
    const from = this.#running;
    const verdict = checkOffer(this.kind, from, body, this.ota);
    if (!verdict.ok) {
      this.#record('firmware.rejected', {
        code: verdict.code,
        from: from.version,
        reason: verdict.reason,
        version: verdict.version ?? null,
      });
      return this.#reject(body, verdict.code, verdict.reason);
    }
    const installMs = this.#options.installMs ?? DEFAULT_INSTALL_MS;
    const commandId = typeof body.commandId === 'string' ? body.commandId : undefined;
    this.#record('firmware.installing', {
      checked: verdict.checked,
      from: from.version,
      genuine: verdict.genuine,
      installMs,
      to: verdict.version,
    });
    this.#publish(
      CHANNELS.cmdAck,
      { accepted: true, code: 'firmware.installing', command: FIRMWARE_UPDATE, ...(commandId ? { commandId } : {}) },
      1,
    );
    this.#install = { to: verdict.version, down: 'installing' };
    const unsilence = this.silence();
    this.#model.send({ type: 'device.power-off' });
    this.#timers.set(
      'install',
      this.#options.clock.setTimeout(() => {
        this.#timers.delete('install');
        const failed = this.#installFailures > 0;
        if (failed) this.#installFailures--;
        if (failed && verdict.onFailure === 'stay-down') {
          this.#install = { to: verdict.version, down: 'failed' };
          this.#record('firmware.install-failed', { from: from.version, rolledBack: false, to: verdict.version });
          return;
        }
        this.#install = undefined;
        unsilence();
        if (failed) {
          this.#record('firmware.install-failed', { from: from.version, rolledBack: true, to: verdict.version });
          this.reboot();
          return;
        }
        this.#running = { version: verdict.version, genuine: verdict.genuine };
        this.#model.setFirmware(verdict.version);
        this.#record('firmware.installed', { from: from.version, genuine: verdict.genuine, kind: this.kind, to: verdict.version });
        this.onFirmwareChanged(this.#running);
        this.reboot();
      }, installMs),
    );
  }

  /** Refuses a command before it reaches the machine: logged, and acknowledged to the sender. */
  #reject(body: unknown, code: string, reason: string): void {
    this.stats.commandsRejected++;
    const command = commandName(body);
    this.#record('command.rejected', { code, reason, command });
    this.#publish(CHANNELS.cmdAck, { accepted: false, code, reason, command }, 1);
  }

  /** Publishes one enveloped message (or keeps it, offline); returns its sequence number, or 0 if the device is silenced. */
  #publish(channel: Channel, body: unknown, qos: 0 | 1, retain = false): number {
    if (this.#silenced > 0 || this.#stopped) return 0;
    const seq = (this.#seq.get(channel) ?? 0) + 1;
    this.#seq.set(channel, seq);
    const t = this.#options.clock.now() + this.#skewMs;
    const patient = this.patientPseudonym || undefined;
    const payload = this.#envelopes.write(seq, t, patient, body);
    this.#lastPayload = payload;
    this.stats.published[channel] = (this.stats.published[channel] ?? 0) + 1;
    this.stats.publishedTotal++;
    this.onPublish(channel, seq, payload);
    const topic = this.#topic(channel);
    if (this.#offline || this.#link?.publish(topic, payload, qos, retain) === false) {
      this.onStore(channel, seq, 'buffered');
      this.#outbox.add({ channel, seq, t, body, qos, retain }, this.#options.clock.now());
    } else this.#sentOn(channel, topic)?.note(payload, this.address.deviceId, this.address.kind, seq, t, patient, body);
    return seq;
  }

  /**
   * The link went down or came back (at a simulated instant the session driver decides). Down: the
   * device keeps what it generates (Outbox) and raises its communication-loss alarm after the kind's
   * delay. Back: it announces itself (with its backlog), clears the alarm and backfills, oldest first.
   */
  #onConnection(connected: boolean): void {
    if (this.#stopped || connected === !this.#offline) return;
    const now = this.#options.clock.now();
    if (!connected) {
      this.#offline = true;
      this.#offlineSince = now;
      this.#record('link.lost', {});
      this.#commLossTimer = this.#options.clock.setTimeout(() => this.#raiseCommLoss(), this.#connectivity.commLossAlarmMs);
      return;
    }
    this.#offline = false;
    this.#options.clock.clearTimeout(this.#commLossTimer);
    this.#commLossTimer = undefined;
    const backlog = this.#outbox.drain(now);
    this.#record('link.restored', { offlineMs: now - this.#offlineSince, backlog: backlog.length });
    this.#announce(backlog.length);
    for (const message of backlog) this.#backfill(message);
    if (this.#commLossRaised) {
      this.#commLossRaised = false;
      this.#record('alarm.cleared', { code: COMM_LOSS });
      this.#publish(CHANNELS.alarm, { type: 'alarm.cleared', code: COMM_LOSS }, 1);
    }
  }

  /** The communication-loss technical alarm (ConnectivityPolicy.commLossAlarmMs after the link went down). */
  #raiseCommLoss(): void {
    this.#commLossTimer = undefined;
    if (!this.#offline || this.#stopped || this.#commLossRaised) return;
    this.#commLossRaised = true;
    const alarm: AlarmInfo = {
      code: COMM_LOSS,
      priority: this.#connectivity.commLossPriority,
      category: 'technical',
      message: 'No connection to the central station',
    };
    this.#record('alarm.raised', { alarm });
    this.#publish(CHANNELS.alarm, { type: 'alarm.raised', alarm }, 1);
  }

  /** Sends one kept message now, flagged as backfill, with the seq and time it was generated with. */
  #backfill(message: StoredMessage): void {
    const { channel, seq, t, body, qos, retain } = message;
    const patient = this.patientPseudonym;
    const payload = encodeEnvelope({
      v: ENVELOPE_VERSION,
      device: this.deviceId,
      kind: this.kind,
      seq,
      t,
      ...(patient ? { patient } : {}),
      body,
      backfill: true,
    });
    this.onStore(channel, seq, 'backfill');
    // Cut again in this same instant: it is gone (the buffer was handed over).
    if (this.#link?.publish(this.#topic(channel), payload, qos, retain) === false) this.onStore(channel, seq, 'lost', 'offline');
  }

  /**
   * `{ online: true }` on the status channel (QoS 1, retained), on connect and each reconnect, with
   * the n-th announcement's `seq`, its time and the backlog about to follow, so the central station
   * can tell when the device is back and when its backfill is complete.
   */
  #announce(backlog = 0): void {
    const seq = ++this.#statusSeq;
    const t = this.#options.clock.now();
    const payload = JSON.stringify({ online: true, device: this.deviceId, seq, t, backlog });
    this.stats.published[CHANNELS.status] = (this.stats.published[CHANNELS.status] ?? 0) + 1;
    this.stats.publishedTotal++;
    this.onPublish(CHANNELS.status, seq, payload);
    if (this.#link?.publish(this.#topic(CHANNELS.status), payload, 1, true) === false)
      this.onStore(CHANNELS.status, seq, 'lost', 'offline');
  }

  /** Where the run keeps what this device sends on `channel` for the twin (AgentOptions.sent), if it does. */
  #sentOn(channel: Channel, topic: string): SentTopic | undefined {
    const sent = this.#options.sent;
    if (sent === undefined) return undefined;
    let kept = this.#sentTopics.get(channel);
    if (kept === undefined) this.#sentTopics.set(channel, (kept = sent.topic(topic)));
    return kept;
  }

  /** The topic of one of this device's channels, built once: a fleet publishes thousands a second. */
  #topic(channel: Channel): string {
    let topic = this.#topics.get(channel);
    if (topic === undefined) this.#topics.set(channel, (topic = channelTopic(this.address, channel)));
    return topic;
  }

  #record(type: string, data: Record<string, unknown>, sorted = false, bodyJson?: string): void {
    this.#options.log.record({ t: this.#options.clock.now(), source: this.deviceId, type, data }, sorted, bodyJson);
  }
}

/** Ticks fall at boot + offset + k × period; the first is the one after boot (offset 0: one period in). */
function firstTick(offsetMs: number, periodMs: number): number {
  return offsetMs === 0 ? periodMs : offsetMs;
}

/** The truth a device that measures nothing (a pump) samples; never mutated. */
const NO_TRUTH: SignalValues = Object.freeze({}) as SignalValues;

/** What a device that measures nothing (a pump) reads; never mutated (a sensor fault needs a measured signal). */
const NO_MEASUREMENT: MeasuredValues = Object.freeze({}) as MeasuredValues;

/** Shared by every sample of a device with no injected conditions (the usual case); never mutated. */
const NO_CONDITIONS: Record<string, number> = Object.freeze({}) as Record<string, number>;

function truthOf(signal: SignalName, truth: SignalValues): number | undefined {
  return truth[signal];
}

/** The device's signals in sorted order, so the truth object is canonical as built (one per descriptor). */
const sortedSignals = new WeakMap<readonly SignalName[], readonly SignalName[]>();

function pickTruth(signals: readonly SignalName[], truth: SignalValues): SignalValues {
  let sorted = sortedSignals.get(signals);
  if (sorted === undefined) sortedSignals.set(signals, (sorted = [...signals].sort()));
  const out: SignalValues = {};
  for (const s of sorted) if (truth[s] !== undefined) out[s] = round(truth[s]!);
  return out;
}

function round(x: number): number {
  return Math.round(x * 100) / 100;
}

function isFirmwareOffer(body: unknown): body is Record<string, unknown> {
  return body !== null && typeof body === 'object' && (body as { type?: unknown }).type === FIRMWARE_UPDATE;
}

function commandName(body: unknown): string {
  if (body && typeof body === 'object' && 'command' in body) return String((body as { command: unknown }).command);
  if (body && typeof body === 'object' && 'type' in body) return String((body as { type: unknown }).type);
  return 'unknown';
}

function once(fn: () => void): () => void {
  let done = false;
  return () => {
    if (done) return;
    done = true;
    fn();
  };
}
