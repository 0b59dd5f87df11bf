import type { GroundTruth } from '../defense/dataset/record.ts';
import type { Clock } from '../core/clock.ts';
import { Rng } from '../core/rng.ts';
import { CommandSigner } from '../net/security/signed-command.ts';
import { deriveSigningKey } from '../net/security/signing-keys.ts';
import type { FirmwareImage } from '../net/security/firmware/ota-image.ts';
import { publishedImage } from '../net/security/firmware/ota-offer.ts';
import type { EventLog } from '../core/event-log.ts';
import { Adversary, type AdversaryAction } from '../defense/adversary/adversary.ts';
import type { AttackRun, AttackTarget, CompromisedDevice } from '../defense/attacks/attack.ts';
import type { Revert } from '../fleet/fault-surface.ts';
import type { AttackLaunch } from './attack-faults.ts';
import type { RunSecurity } from './run-security.ts';

export interface RunAttacksOptions {
  site: string;
  seed: string;
  clock: Clock;
  log: EventLog;
  /** The run's length: attacks still under way then end, and what they exposed is recorded. */
  durationMs: number;
  /** Withhold every launch (RunOptions.withholdAttacks): the timeline fires the entry, no adversary acts. */
  withhold?: boolean;
  security?: RunSecurity;
  /** The central station's client id as it connects (RunSecurity.twinClientId): what a twin kick reuses. */
  twinClientId: string;
  /** Waits until the run's transport has settled (the ledger has nothing in flight). */
  settle(): Promise<void>;
  /**
   * Resolves once every message the broker sent the fleet's connections (the devices', the twin's)
   * before the call has been handled by its party (DeviceLink.fence).
   */
  fence(): Promise<void>;
  /** Wall time the fence may take before it counts as stalled (the settle barrier's settleTimeoutMs). */
  stallMs: number;
  /**
   * Resolves once the broker has handled `count` PUBLISH packets from the connection at local port
   * `port` (BrokerReceipts), or undefined when it cannot tell (a broker not in this process). Then a PINGREQ round trip on the connection
   * stands in (the broker answers a connection's packets in order, though an asynchronous publish hook
   * may still hold one).
   */
  received?(port: number, count: number): Promise<void> | undefined;
  /**
   * Resolves once the broker has reported dropping the connection at local port `port` before MQTT (a
   * refused TLS handshake), or undefined when it cannot tell.
   */
  dropped?(port: number): Promise<void> | undefined;
  /** A fleet device the attacker controls for an attack on `target` (attack.lateral-movement's foothold). */
  compromise?(target: AttackTarget): CompromisedDevice | undefined;
}

type Job = { kind: 'launch' | 'stop' | 'repeat'; launch: AttackLaunch } | { kind: 'end' };

interface Running {
  adversary: Adversary;
  run: AttackRun;
  drained: number;
  /** The clock timer of the attack's next repeat, if it repeats. */
  timer?: number;
}

/**
 * The adversaries of a run: the timeline's attack injections, carried out at the simulated instant
 * they are due. An attack's `apply` only queues it (its connections are real sockets, so it cannot
 * act synchronously); the run loop's `atInstant` hook awaits `runPending` before time moves on: the
 * transport settles, each attack runs with its own adversary (the broker URL, the run CA, and any
 * credentials the scenario gives it), every connection, subscription and publish it made is recorded
 * as an `attack.*` event (the ground truth: which packets were the attacker's and what the broker
 * answered), and the run waits for what it set off (a device acting on a forged command) to be logged.
 */
export class RunAttacks {
  readonly #options: RunAttacksOptions;
  readonly #queue: Job[] = [];
  readonly #running = new Map<AttackLaunch, Running>();
  readonly #truths: GroundTruth[] = [];
  #url: string | undefined;
  #endScheduled = false;
  #stalls = 0;

  constructor(options: RunAttacksOptions) {
    this.#options = options;
  }

  /** Every adversary launched so far, with the actions it took: the labelled dataset's ground truth. */
  get groundTruth(): readonly GroundTruth[] {
    return this.#truths;
  }

  /** Fences that stalled (nothing came back within stallMs of wall time): the run went on without them. */
  get stalls(): number {
    return this.#stalls;
  }

  /** The fault registry's launcher: queues the attack, and returns what queues its end. */
  readonly launch = (launch: AttackLaunch): Revert => {
    if (this.#options.withhold) return () => {};
    this.#queue.push({ kind: 'launch', launch });
    if (!this.#endScheduled) {
      this.#endScheduled = true;
      const { clock, durationMs } = this.#options;
      clock.setTimeout(() => this.#queue.push({ kind: 'end' }), Math.max(0, durationMs - clock.now()));
    }
    return () => {
      this.#queue.push({ kind: 'stop', launch });
    };
  };

  /** The broker the adversaries connect to (known once the run is open). */
  open(brokerUrl: string): void {
    this.#url = brokerUrl;
  }

  get pending(): boolean {
    return this.#queue.length > 0;
  }

  /** Carries out every queued launch and stop, in the order the timeline made them. */
  async runPending(): Promise<void> {
    await this.#options.settle();
    let launched = false;
    while (this.#queue.length > 0) {
      const job = this.#queue.shift()!;
      launched ||= job.kind === 'launch' || job.kind === 'repeat';
      if (job.kind === 'launch') await this.#start(job.launch);
      else if (job.kind === 'repeat') await this.#repeat(job.launch);
      else if (job.kind === 'stop') await this.#stop(job.launch);
      else for (const launch of [...this.#running.keys()]) await this.#stop(launch);
    }
    if (launched) await this.#fence();
    await this.#options.settle();
  }

  /** Closes every adversary connection still open (a run stopped early); records nothing, the log is sealed. */
  async close(): Promise<void> {
    const running = [...this.#running.values()];
    this.#running.clear();
    await Promise.all(
      running.map(async ({ run, adversary }) => {
        await run.stop().catch(() => {});
        await adversary.close();
      }),
    );
  }

  async #start(launch: AttackLaunch): Promise<void> {
    const { clock, log } = this.#options;
    if (this.#url === undefined) throw new Error('RunAttacks: an attack was launched before the run was open');
    const tls = this.#options.security?.endpointFor({ role: 'adversary' }, { url: this.#url, identity: { clientId: 'adversary' } }).tls;
    // The run CA's certificate is no secret (anyone on the network sees it in a handshake): the adversary
    // trusts it, so only what really needs a secret — a password, a client certificate — stops it.
    const adversary = new Adversary({ url: this.#url, now: () => clock.now(), ...(tls?.ca ? { extra: { ca: tls.ca } } : {}) });
    const target = this.#target(launch);
    const { attack } = launch;
    log.record({
      t: clock.now(),
      source: 'adversary',
      type: 'attack.launched',
      data: {
        id: launch.id,
        attack: attack.name,
        device: target.deviceId,
        techniques: [...attack.techniques],
        ...(target.foothold ? { foothold: target.foothold.clientId } : {}),
      },
    });
    const run = await attack.execute(
      { adversary, target, twinClientId: this.#options.twinClientId, vendorImage: this.#vendorImage, ...this.#compromised(target) },
      attack.params.parse(launch.params) as never,
    );
    const entry: Running = { adversary, run, drained: 0 };
    this.#running.set(launch, entry);
    // The adversary's own record of its connections (with their ports): what the dataset labels packets by.
    this.#truths.push({ attack: attack.name, techniques: [...attack.techniques], actions: adversary.actions });
    this.#drain(launch, entry);
    this.#armRepeat(launch, entry);
  }

  /** Queues the attack's next repeat at its simulated instant (AttackRun.repeat). */
  #armRepeat(launch: AttackLaunch, entry: Running): void {
    const repeat = entry.run.repeat;
    if (repeat === undefined) return;
    entry.timer = this.#options.clock.setTimeout(() => {
      entry.timer = undefined;
      if (this.#running.get(launch) === entry) this.#queue.push({ kind: 'repeat', launch });
    }, repeat.everyMs);
  }

  /** One repeat of an attack still running: what it does is recorded at this instant, and the next one armed. */
  async #repeat(launch: AttackLaunch): Promise<void> {
    const entry = this.#running.get(launch);
    if (entry?.run.repeat === undefined) return;
    await entry.run.repeat.act();
    this.#drain(launch, entry);
    this.#armRepeat(launch, entry);
  }

  async #stop(launch: AttackLaunch): Promise<void> {
    const entry = this.#running.get(launch);
    if (entry === undefined) return;
    this.#running.delete(launch);
    if (entry.timer !== undefined) this.#options.clock.clearTimeout(entry.timer);
    // What the broker sent the attacker's connections before now counts as exposed, however late the socket is read.
    await Promise.all(entry.run.sessions.map((session) => session.fence()));
    this.#drain(launch, entry);
    const exposed = entry.run.exposed();
    await entry.run.stop();
    await entry.adversary.close();
    this.#options.log.record({
      t: this.#options.clock.now(),
      source: 'adversary',
      type: 'attack.ended',
      data: { id: launch.id, attack: launch.attack.name, device: launch.device.deviceId, sessions: entry.run.sessions.length, exposed },
    });
  }

  /**
   * Records the adversary's actions since the last drain, one event per run of identical actions (a
   * flood's 500 publishes are one event with `count: 500`). Local ports stay out: they differ run to run.
   */
  #drain(launch: AttackLaunch, entry: Running): void {
    const actions = entry.adversary.actions.slice(entry.drained);
    entry.drained = entry.adversary.actions.length;
    let previous: { key: string; data: Record<string, unknown>; t: number; type: string } | undefined;
    const flush = () => {
      if (previous !== undefined)
        this.#options.log.record({ t: previous.t, source: 'adversary', type: previous.type, data: previous.data });
    };
    for (const action of actions) {
      const data = describe(action, launch);
      const key = `${action.t}\n${JSON.stringify(data)}`;
      if (previous?.key === key) {
        previous.data.count = (previous.data.count as number) + 1;
        continue;
      }
      flush();
      previous = { key, t: action.t, type: `attack.${action.action}`, data: { ...data, count: 1 } };
    }
    flush();
  }

  /**
   * Waits until what the attack set off is accounted for, by events, not by time. aedes writes a QoS 1
   * PUBACK as it takes the message, before it routes it (src/net/broker-publish-hook.test.ts shows the
   * order), so the acknowledgement alone proves nothing: the broker's count of the PUBLISH packets it
   * has finished with from each adversary connection (routed to every subscriber's connection, or
   * dropped) must reach what that connection sent (#received), and a refused CONNECT or SUBSCRIBE came
   * back as its CONNACK or SUBACK code. Then the fleet's connections hold what reached them; a fence on
   * each (DeviceLink.fence) returns once every party has
   * handled it, and a device's reaction (its ack, a state change) is a message the delivery ledger
   * books when it is published — the settle barrier that follows waits for it. The wall-clock guard
   * is only the error path, as the settle barrier's: a fence that does not return (a connection a
   * fault holds) counts a stall, and the run goes on.
   */
  async #fence(): Promise<void> {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const stalled = new Promise<'stalled'>((resolve) => {
      timer = setTimeout(() => resolve('stalled'), this.#options.stallMs);
    });
    const outcome = await Promise.race([this.#received().then(() => this.#options.fence()), stalled]);
    clearTimeout(timer);
    if (outcome === 'stalled') this.#stalls++;
  }

  /**
   * Until the broker has handled every PUBLISH the adversaries' connections wrote: a flood's QoS 0
   * burst has no PUBACK, so the count the broker handled is checked against the count each connection
   * sent — an event, not a wait — and the observations and drops it causes are stamped at this instant.
   */
  async #received(): Promise<void> {
    const waits: Promise<void>[] = [];
    for (const { adversary } of this.#running.values()) {
      // A connection refused with no CONNACK never spoke MQTT: the broker's own report of it (a failed
      // handshake) may come after the attacker gave up, so it is waited for, by port.
      for (const action of adversary.actions) {
        const belowMqtt =
          action.action === 'raw' || (action.action === 'connect' && action.outcome === 'refused' && action.returnCode === undefined);
        if (!belowMqtt || action.port === undefined) continue;
        const reported = this.#options.dropped?.(action.port);
        if (reported !== undefined) waits.push(reported);
      }
    }
    for (const { run } of this.#running.values()) {
      for (const session of run.sessions) {
        if (session.sent === 0) continue;
        const counted = session.port === undefined ? undefined : this.#options.received?.(session.port, session.sent);
        if (counted !== undefined) waits.push(counted);
        else if (session.connected) waits.push(session.fence());
      }
    }
    await Promise.all(waits);
  }

  #target(launch: AttackLaunch): AttackTarget {
    const { device, attack } = launch;
    const target: AttackTarget = {
      site: this.#options.site,
      zone: device.zone,
      kind: device.kind,
      deviceId: device.deviceId,
      clientId: `medtwin-${device.deviceId}`,
    };
    if (launch.params.from === 'biomed-workstation') return { ...target, foothold: this.#biomedWorkstation(device.zone) };
    if (attack.name !== 'attack.stolen-operator-password') return target;
    // The stolen password: the target zone's clinician console's, as the run derived it (any password under open).
    const console = this.#options.security?.identities.console('clinician', device.zone);
    const clientId = console?.clientId ?? `medtwin-console-clinician-${device.zone}`;
    return { ...target, foothold: { clientId, username: clientId, password: console?.password.reveal() ?? 'stolen' } };
  }

  /** The vendor's published images: genuine builds signed with the vendor key from the seed. */
  readonly #vendorImage = (kind: string, version: string): FirmwareImage => publishedImage(this.#options.seed, kind, version);

  #compromised(target: AttackTarget): { compromised?: CompromisedDevice } {
    const device = this.#options.compromise?.(target);
    return device === undefined ? {} : { compromised: device };
  }

  /**
   * A compromised biomed laptop of `zone`: the console's password, its client certificate (under
   * mutual TLS) and its command-signing key (under signed commands, with nonces of its own) — all but
   * the vendor's image-signing key, which never leaves the vendor.
   */
  #biomedWorkstation(zone: string): NonNullable<AttackTarget['foothold']> {
    const security = this.#options.security;
    const identity = security?.identities.console('biomed', zone);
    const clientId = identity?.clientId ?? `medtwin-console-biomed-${zone}`;
    const tls = security?.clientCertificate(clientId);
    const signer =
      identity !== undefined && security?.trust !== undefined
        ? new CommandSigner(
            identity.username,
            identity.role,
            deriveSigningKey(this.#options.seed, `command/${identity.username}`).privateKey,
            new Rng(this.#options.seed).fork(`adversary/nonce/${identity.username}`),
          )
        : undefined;
    return {
      clientId,
      username: clientId,
      password: identity?.password.reveal() ?? 'stolen',
      ...(tls ? { tls } : {}),
      ...(signer ? { signer } : {}),
    };
  }
}

function describe(action: AdversaryAction, launch: AttackLaunch): Record<string, unknown> {
  const base = { id: launch.id, attack: launch.attack.name, clientId: action.clientId };
  switch (action.action) {
    case 'connect':
      return { ...base, outcome: action.outcome, ...(action.returnCode === undefined ? {} : { returnCode: action.returnCode }) };
    case 'subscribe':
      return { ...base, filter: action.filter, outcome: action.outcome };
    case 'publish':
      return { ...base, topic: action.topic, retain: action.retain, size: action.size, outcome: action.outcome };
    case 'raw':
      return { ...base, what: action.what, size: action.size, outcome: action.outcome };
  }
}
