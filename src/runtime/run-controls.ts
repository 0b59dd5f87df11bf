import { dirname } from 'node:path';
import type { GroundTruth } from '../defense/dataset/record.ts';
import type { DeviceAgent } from '../fleet/agent.ts';
import { FAULTS, type FaultRegistry } from '../inject/registry.ts';
import type { TargetDirectory } from '../inject/target.ts';
import type { LinkEndpoint, LinkOpener } from '../net/device-link.ts';
import type { NetworkResult, RunResult } from '../scenario/result.ts';
import { attackFaults } from './attack-faults.ts';
import type { BrokerHandle, BrokerPlacement, OpenBrokerOptions } from './broker-host.ts';
import { twinClientIdFor, type ConnectOptionsFor } from './fleet-builder.ts';
import { DEVICE_OFFLINE } from '../fleet/twin.ts';
import { BrokerReceipts } from '../net/broker-receipts.ts';
import { changeWindows, PatchCampaigns } from './patch-campaign.ts';
import { deviceClientId } from '../net/security/identities.ts';
import { RunAttacks } from './run-attacks.ts';
import { vendorKeys } from '../net/security/firmware/ota-offer.ts';
import { idsBrokerRefusal, planWantsIds, RunIds } from './run-ids.ts';
import { RunNetworkHost } from './run-network.ts';
import type { RunCore } from './run-core.ts';
import type { RunOptions } from './run-options.ts';
import { RestartAccount } from '../net/restart-account.ts';
import { composeConnectOptions, RunSecurity } from './run-security.ts';
import type { RunFleet } from './run-fleet.ts';
import { InputError } from '../core/errors.ts';
import { sessionLinks } from '../net/device-link.ts';
import { SessionBook } from '../net/session-book.ts';
import type { LinkPlacement } from './run-options.ts';

/** The run's core (run-core.ts; the network forks `network` from its stream), and what the controls stand in front of. */
export interface RunControlsOptions extends RunCore {
  /** The fleet the controls stand in front of (each device's command check, targets, fences). */
  fleet: Pick<RunFleet, 'plan' | 'agents' | 'tagsOf' | 'fence' | 'twin'>;
  /** RunOptions.ids: the detector on or off, whatever the plan says. */
  ids?: RunOptions['ids'];
  /** RunOptions.withholdAttacks: the counterfactual run, whose adversaries never act. */
  withholdAttacks?: boolean;
  /** RunOptions.proxyUpstream: how the fault proxies reach an in-process broker. */
  proxyUpstream?: RunOptions['proxyUpstream'];
  /** Wall time a wait on the transport may take before it counts as stalled (RunOptions.settleTimeoutMs). */
  stallMs: number;
  /** Waits until the run's transport has settled (the settle barrier). */
  settle(): Promise<void>;
  /** Wakes the settle barrier (a fault now holds a message it must not wait for). */
  notify(): void;
  /**
   * Whether the clock now moves in whole settle windows: fast mode, or realtime with its pacer at
   * 'max' (the terminal UI's key 4). Then, as in fast mode, a client's exchange with the broker (a
   * reconnect's CONNACK) completes before time moves on, and a command to a device that has noticed
   * it is offline is decided at its instant. Default: fast mode.
   */
  windowed?: () => boolean;
}

/**
 * What stands between the fleet and the broker, and who attacks and watches it: the security profile
 * (run-security.ts), the network faults' proxies (run-network.ts), the adversaries (run-attacks.ts)
 * and the intrusion detector (run-ids.ts). Each is there only when the plan (or RunOptions.ids) asks
 * for it, so a run without them keeps its direct path and its digest. Run calls this part at fixed
 * points of its life: before the broker starts (`prepare`), once it runs (`open`), when connecting
 * clients (`connectOptions`, `connectConsoles`), at each sealed window (`seal`), at each simulated
 * instant (`atInstant`), for the result (`report`) and at the end (`closeAdversaries`, `close`).
 */
export class RunControls {
  /** The security profile applied to the run's traffic, when the plan names one (it may be `open`). */
  readonly security: RunSecurity | undefined;
  /** The intrusion detector, when the plan or RunOptions.ids asks for it. */
  readonly ids: RunIds | undefined;
  /** Faults and attacks a timeline or `inject` may name (attacks launched by this run's adversaries). */
  readonly faults: FaultRegistry;
  readonly #network: RunNetworkHost | undefined;
  readonly #sessions: SessionBook | undefined;
  readonly #attacks: RunAttacks;
  /** What the embedded broker handled from each connection (in-process only): an adversary's flood is counted in. */
  #receipts: BrokerReceipts | undefined;
  readonly #campaigns: PatchCampaigns | undefined;
  readonly #options: RunControlsOptions;
  /** What a broker restart costs the central station's messages, when the timeline restarts the broker. */
  readonly #restart: RestartAccount | undefined;
  #broker: BrokerHandle | undefined;
  /** The central station's reconnect attempts, held until the transport settles at their instant (fast mode). */
  #gated: (() => void)[] = [];
  /** The central station's client id as it connects (the security profile may name it). */
  #stationId: string;
  /** The last instant beforeInstant settled before. */
  #settledBefore: number | undefined;

  constructor(options: RunControlsOptions) {
    this.#options = options;
    const { plan, seed, clock, log, fleet } = options;
    this.#stationId = twinClientIdFor(seed);
    const { plan: fleetPlan, agents } = fleet;
    if (plan.security !== undefined) {
      this.security = new RunSecurity({
        config: plan.security,
        seed,
        fleet: fleetPlan,
        clock,
        log,
        ledger: options.ledger,
        ...(plan.source ? { baseDir: dirname(plan.source) } : {}),
      });
      this.security.guard(agents);
    } else {
      // No profile: devices still carry their vendor's key from manufacture, so what they install is known to be genuine or not.
      const ota = { enforce: false, vendors: vendorKeys(seed) };
      for (const agent of agents) agent.ota = ota;
    }
    const campaigns = plan.campaigns ?? [];
    this.#campaigns =
      campaigns.length === 0
        ? undefined
        : new PatchCampaigns({ campaigns, seed, clock, log, rng: options.rng, agents, tagsOf: fleet.tagsOf });
    this.#attacks = new RunAttacks({
      site: fleetPlan.site,
      seed,
      clock,
      log,
      durationMs: options.durationMs,
      ...(options.withholdAttacks ? { withhold: true } : {}),
      ...(this.security === undefined ? {} : { security: this.security }),
      twinClientId: this.#twinClientId,
      settle: options.settle,
      fence: () => fleet.fence(),
      stallMs: options.stallMs,
      received: (port, count) => this.#receipts?.waitFor(port, count),
      dropped: (port) => this.#receipts?.waitForError(port),
      compromise: (target) => {
        // The foothold: the first device (by id) of another zone, else another device of the target's.
        const byId = [...agents].sort((a, b) => (a.deviceId < b.deviceId ? -1 : a.deviceId > b.deviceId ? 1 : 0));
        const agent = byId.find((a) => a.address.zone !== target.zone) ?? byId.find((a) => a.deviceId !== target.deviceId);
        if (agent === undefined) return undefined;
        return {
          deviceId: agent.deviceId,
          zone: agent.address.zone,
          kind: agent.kind,
          clientId: deviceClientId(agent.deviceId),
          publish: async (topic, payload) => {
            const clientId = deviceClientId(agent.deviceId);
            const before = this.#receipts?.receivedFrom(clientId);
            agent.publishAsCompromised(topic, payload);
            // Until the broker has routed it (or dropped it): then the fleet's fences find it on the target's connection.
            await (before === undefined ? agent.fence() : this.#receipts!.waitForClient(clientId, before + 1));
          },
        };
      },
    });
    this.faults = { ...FAULTS, ...attackFaults(this.#attacks.launch) };
    // A scenario with an attack in its timeline, or one that asks (`ids:`), runs the detector.
    const ids = options.ids ?? (planWantsIds(plan) ? (plan.ids ?? true) : undefined);
    this.ids = ids
      ? new RunIds({
          fleetPlan,
          clock,
          log,
          twinClientId: this.#twinClientId,
          changeWindows: changeWindows(campaigns),
          ...(this.security === undefined ? {} : { security: this.security }),
          ...(typeof ids === 'object' && ids.thresholds ? { thresholds: ids.thresholds } : {}),
          keepObservations: typeof ids === 'object' && 'keepObservations' in ids && ids.keepObservations === true,
        })
      : undefined;
    this.#network = RunNetworkHost.plan(
      {
        entries: plan.timeline ?? [],
        faults: this.faults,
        agents,
        tagsOf: fleet.tagsOf,
        clock,
        rng: options.rng,
        mode: options.mode,
        windowed: () => this.#windowed(),
        freezeTwin: () => fleet.twin.freeze(),
      },
      // Bound to the run's broker once it is open (`open`).
      { stop: () => this.#stopBroker(), start: () => this.#startBroker() },
    );
    if (this.#network?.restartsBroker) {
      this.#restart = new RestartAccount({
        ledger: options.ledger,
        stationId: () => this.#stationId,
        now: () => clock.now(),
        onChange: options.notify,
      });
      const restart = this.#restart;
      fleet.twin.fromSession = (device, channel, seq) => restart.takeQueued(device, channel, seq);
    }
    if (this.#network !== undefined) {
      const network = this.#network;
      const sessions = new SessionBook();
      this.#sessions = sessions;
      sessions.countWhile(() => this.#windowed());
      sessions.setPath((clientId, localPort, written) => network.pathOf(clientId, localPort, written));
      sessions.setCloseHeard((clientId, localPort) => network.network.closeHeard(clientId, localPort));
      const twinId = this.#twinClientId;
      // A will is booked only when the twin's own session is up to take it.
      network.twinListening = () => {
        const driver = sessions.driver(twinId);
        const port = (driver?.client.stream as { localPort?: number } | undefined)?.localPort;
        return driver === undefined || (driver.state === 'connected' && network.pathOf(twinId, port) === 'open');
      };
      network.network.onEvent((event) => {
        if (event.type === 'publish') return;
        // A connection's news changes only its own client's path (pathOf follows that client's
        // connections): counting every client on each event made connecting a fleet quadratic
        // (1,000 devices through the proxies: about 1.9 s of CPU in the book, 10,000 would take minutes).
        if (event.type !== 'connection.refused' && event.clientId !== undefined) sessions.recountClient(event.clientId);
        else sessions.recount();
      });
      network.network.onPacedRead(() => sessions.recount());
    }
  }

  /**
   * What the run's embedded broker needs: a frozen central station must fall behind alone (16 MiB
   * behind, or a full socket for the drain timeout, and the broker drops it); the scenario's own
   * limits (`broker:`, e.g. a connection cap an attack exhausts).
   */
  get brokerNeeds(): Pick<OpenBrokerOptions, 'isolateSlowReaders' | 'limits' | 'restartable' | 'persistence' | 'placement'> {
    const maxConnections = this.#options.plan.broker?.maxConnections;
    const persistence = this.#options.plan.broker?.persistence;
    return {
      ...(this.#network?.freezesTwin ? { isolateSlowReaders: { maxBufferedBytes: 16 * 1024 * 1024 } } : {}),
      ...(maxConnections === undefined ? {} : { limits: { maxConnections } }),
      // A restart needs a broker the run can stop and start; the scenario may say where it keeps its state.
      ...(this.#network?.restartsBroker ? { restartable: true } : {}),
      ...(persistence ? { persistence } : {}),
      // The detector taps the broker in this process, whatever the fleet's size (a large one would get a child).
      ...(this.ids !== undefined ? { placement: 'in-process' as const } : {}),
    };
  }

  /** The adversaries launched so far and what they did (the labelled dataset's ground truth). */
  get groundTruth(): readonly GroundTruth[] {
    return this.#attacks.groundTruth;
  }

  /** Waits on the transport the adversaries' fences gave up on (see RunAttacks.stalls). */
  get stalls(): number {
    return this.#attacks.stalls;
  }

  /** Links and the site the timeline may target besides devices, when the plan has network faults. */
  get targets(): TargetDirectory | undefined {
    return this.#network?.directory;
  }

  /** Messages in flight the settle barrier must not wait for (a fault holds them), or undefined without a network. */
  get excused(): (() => number) | undefined {
    const network = this.#network;
    const restart = this.#restart;
    if (network === undefined) return undefined;
    // Messages the broker holds for the central station's session while it is away (RestartAccount).
    return restart === undefined ? () => network.held : () => network.held + restart.held;
  }

  /**
   * The sessions of the fleet's clients, when the plan has network faults: while the clock moves in
   * whole windows (`windowed`: fast mode, or realtime at 'max') the settle barrier waits for their
   * exchanges with the broker (session-book.ts); paced by the wall clock, for none.
   */
  get sessions(): SessionBook | undefined {
    return this.#sessions;
  }

  /** The clock moves in whole windows now (RunControlsOptions.windowed). */
  #windowed(): boolean {
    return this.#options.windowed?.() ?? this.#options.mode === 'fast';
  }

  /**
   * Whether the fleet's clients run their sessions on the simulation's clock (the plan has network
   * faults): the transport then keeps them on the simulation's thread unless told otherwise.
   */
  get onSimulationClock(): boolean {
    return this.#sessions !== undefined;
  }

  /**
   * The opener of the fleet's links. With network faults every client's session runs on the
   * simulation's clock (keep-alive in fast mode, CONNACK timeout and seeded reconnect back-off in
   * both), so when a device notices a cut link and when it comes back are simulated instants
   * (docs/network.md#what-a-device-notices). Those sessions need the run's clock on the clients'
   * thread: such a run keeps its clients in-thread by default (`onSimulationClock`), and one told to
   * put them on a link thread cannot have network faults (an InputError).
   */
  links(transport: { links: LinkPlacement; opener: LinkOpener }): LinkOpener {
    const sessions = this.#sessions;
    if (sessions === undefined) return transport.opener;
    if (transport.links === 'link-thread') {
      throw new InputError(
        'E_NETWORK_LINK_THREAD',
        "network faults need every client on the simulation thread (their keep-alive and reconnect run on its clock), and this run was told to put them on a link thread (RunOptions.links: 'link-thread'): leave links unset (a run with network faults keeps its clients in-thread whatever its size) or set it to 'in-thread', or drop the network faults",
      );
    }
    return sessionLinks({
      clock: this.#options.clock,
      rng: this.#options.rng.fork('sessions'),
      simulatedKeepalive: this.#options.mode === 'fast',
      book: sessions,
      // A central station that freezes is restarted by mqtt.js' own reconnect (RunFleet's twin.freeze):
      // its session stays undriven.
      ...(this.#network?.freezesTwin ? { drive: (clientId: string) => clientId !== this.#twinClientId } : {}),
      // Across a broker restart, whether a device's message found the station's session must depend on
      // simulated time alone: the station's attempts wait for the transport to settle at their instant.
      ...(this.#restart !== undefined && this.#options.mode === 'fast'
        ? {
            gate: (clientId: string) =>
              clientId === this.#stationId || this.#isConsole(clientId)
                ? (attempt: () => void) => void this.#gated.push(attempt)
                : undefined,
          }
        : {}),
    });
  }

  /**
   * Why a command to `device` cannot reach it now, or undefined when it can (as far as the run knows).
   * Fast mode with network faults: the device's link is down (`online` false: it noticed the loss at
   * a simulated instant), or a fault cut its session at the broker and it has not connected since.
   * Devices keep clean sessions, so the broker would route such a command to nobody; deciding that
   * here, at the command's simulated instant, keeps it off the wire rather than left in flight for the
   * settle barrier to give up on — and never a matter of which socket the broker read first.
   */
  undeliverable(device: string, online: boolean): string | undefined {
    if (this.#sessions === undefined || !this.#windowed()) return undefined;
    return !online || this.#network?.cutAtBroker(device) === true ? DEVICE_OFFLINE : undefined;
  }

  /** An operator console's connection (RunSecurity.connectConsoles): across a broker restart it reconnects as the station does. */
  #isConsole(clientId: string): boolean {
    return this.#active?.identities.get(clientId)?.type === 'console';
  }

  /** The twin's client id in this run: under authentication or mutual TLS its identity's, not the seed's (RunSecurity.endpointFor). */
  get #twinClientId(): string {
    const id = twinClientIdFor(this.#options.seed);
    return this.security?.twinClientId(id) ?? id;
  }

  /** The active security profile, or undefined when none or `open` (an open run keeps every path as it was). */
  get #active(): RunSecurity | undefined {
    return this.security?.active ? this.security : undefined;
  }

  /** Before the broker starts: TLS material; returns what the embedded broker must install (undefined: nothing). */
  async prepare(brokerUrl: string | undefined, placement?: BrokerPlacement): Promise<OpenBrokerOptions['security']> {
    // The detector's sensor is a tap on the embedded broker in this process (run-ids.ts): with any other
    // broker it would see nothing, and the same seed would give other alerts, verdicts and digest than on
    // the embedded one. Refused up front, as a secured run refuses --broker.
    if (this.ids !== undefined && brokerUrl !== undefined) throw idsBrokerRefusal(brokerUrl);
    if (this.ids !== undefined && placement === 'child-process') {
      throw new InputError(
        'E_IDS_BROKER',
        "the intrusion detector taps the broker in this process, and this run asked for one in a child process: leave the broker's placement to the run, or set `ids: false`",
      );
    }
    const security = this.#active;
    if (security === undefined) return undefined;
    await security.prepare(brokerUrl);
    return security.brokerSetup();
  }

  /** Once the broker runs: the detector taps it, the adversaries learn its address, the network opens its listeners. */
  async open(broker: BrokerHandle): Promise<void> {
    this.#broker = broker;
    if (broker.aedes !== undefined) {
      this.#receipts = new BrokerReceipts();
      this.#receipts.attach(broker.aedes);
      const receipts = this.#receipts;
      broker.onLog?.((event) => receipts.noteError(event));
      // Each start of a restarted broker is a new aedes: what watches it follows.
      broker.onRestart?.((aedes) => receipts.attach(aedes));
    }
    const restart = this.#restart;
    if (restart !== undefined && broker.aedes !== undefined) {
      restart.attach(broker.aedes);
      broker.onRestart?.((aedes) => restart.attach(aedes));
    }
    this.ids?.attach(broker);
    this.#attacks.open(broker.url);
    // Under TLS the proxies terminate it with the run CA's certificates (docs/network.md#under-a-security-profile).
    const tls = this.#network ? await this.#active?.proxyTls() : undefined;
    const inProcess = this.#options.proxyUpstream === 'tcp' ? undefined : broker.connectInProcess?.bind(broker);
    await this.#network?.open(broker.url, this.#options.ledger, this.#options.notify, tls, inProcess);
  }

  /**
   * How each fleet client connects: security decides credentials and TLS, then the network routes it
   * through its fault proxy. A run that restarts its broker gives the central station a persistent
   * session (`clean: false`), as a real one keeps across a broker restart.
   */
  connectOptions(inner: ConnectOptionsFor | undefined): ConnectOptionsFor | undefined {
    const security = this.#active;
    const secured = security ? composeConnectOptions(security, inner) : inner;
    const routed = this.#network ? this.#network.route(secured) : secured;
    if (this.#restart === undefined || routed === undefined) return routed;
    return (client, defaults) => {
      const endpoint = routed(client, defaults);
      if (client.role !== 'twin') return endpoint;
      this.#stationId = endpoint.identity.clientId;
      return { ...endpoint, persistentSession: true };
    };
  }

  /**
   * The site's broker stops (network.broker-restart), at an instant where the transport has settled:
   * first every connection has handled what the broker sent it (the acknowledgements of what was
   * delivered are in, so nothing delivered is sent again from a surviving session).
   */
  async #stopBroker(): Promise<void> {
    const site = this.#siteOf();
    await this.#options.fleet.fence();
    this.#restart?.stopped();
    await site.stop();
  }

  async #startBroker(): Promise<void> {
    await this.#siteOf().start();
  }

  #siteOf(): NonNullable<BrokerHandle['site']> {
    const site = this.#broker?.site;
    if (site === undefined)
      throw new Error('network.broker-restart: the run has no restartable broker (openBroker was not given restartable: true)');
    return site;
  }

  /**
   * Connects the operator consoles the run's commands go through (under a profile that has them).
   * `links`: the run's (RunControls.links), so that with network faults a console's keep-alive and
   * reconnects follow the run's clock, as the station's do, and whether its link is up when it sends
   * a command is a matter of simulated time.
   */
  async connectConsoles(url: string, links: LinkOpener): Promise<void> {
    await this.#active?.connectConsoles(url, links, { firmware: this.#campaigns !== undefined });
  }

  /** Schedules the plan's patch campaigns; their offers go out as the run's commands (`command`: Run.command). */
  startCampaigns(command: (deviceId: string, body: Record<string, unknown>) => void): void {
    this.#campaigns?.start(command);
  }

  /** How a command to the device at `address` travels (through a console, signed), or undefined: straight from the twin. */
  commandRoute(agent: DeviceAgent, type: unknown) {
    return this.security?.commandRoute(agent.address, type);
  }

  /** See Run.observerEndpoint. */
  observerEndpoint(url: string, clientId: string, zone: string | undefined): LinkEndpoint {
    const defaults: LinkEndpoint = { url, identity: { clientId } };
    const security = this.#active;
    if (security === undefined) return defaults;
    const endpoint = security.observerEndpoint(defaults, zone);
    if (endpoint === undefined) {
      throw new Error(
        `under security "${security.config.profile}" no console of this run that the run does not use itself may read ${zone === undefined ? 'the whole site' : `zone ${zone}`}: pick a device, or add a role with read to the scenario's security`,
      );
    }
    return endpoint;
  }

  /** Before the window ending at `t` is sealed: the detector's alerts up to `t` enter the log. */
  seal(t: number): void {
    this.ids?.flush(t);
  }

  /**
   * Work due at this simulated instant before time moves on (fast mode), or undefined when there is
   * none. A network fault starting or ending: what was sent before it crosses first, so no message
   * meets a fault because a proxy read it late (docs/network.md#fast-mode), and a broker stop or start
   * completes. Then queued attacks launch or stop (RunAttacks.runPending).
   */
  atInstant(): Promise<void> | undefined {
    // Called at every due instant of a run (about one per message in a ward): nothing here may
    // allocate when no control has work (tsx's keepNames made a closure here cost a defineProperty).
    const network = this.#network;
    // A client's exchange began at this instant (a reconnect attempt, a PINGREQ): its outcome comes
    // before time moves on (SessionBook).
    // A byte quota is active: what clients wrote at this instant is counted now (SessionBook, `behind`).
    if (network?.paced && this.#sessions && this.#windowed()) this.#sessions.recount();
    // A PINGREQ alone waits until its answer is due (beforeInstant).
    const exchanges = (this.#sessions?.urgent ?? 0) > 0;
    const gated = this.#gated.length > 0;
    if (network?.pending !== true && !this.#attacks.pending && !exchanges && !gated) return undefined;
    return this.#workAtInstant(network, exchanges, gated);
  }

  /**
   * Before the clock moves to `due`: a PINGREQ whose answer is due by then (the keep-alive's next tick)
   * is taken in first (SessionBook.pingDeadline). Once per instant: a settle that gives up on an answer
   * (a stall) must not hold the clock forever.
   */
  beforeInstant(due: number): Promise<void> | undefined {
    const deadline = this.#sessions?.pingDeadline;
    if (deadline === undefined || deadline > due || this.#settledBefore === due) return undefined;
    this.#settledBefore = due;
    return this.#options.settle();
  }

  /** atInstant's work, when there is some. */
  async #workAtInstant(network: RunNetworkHost | undefined, exchanges: boolean, gated: boolean): Promise<void> {
    if (network?.pending === true || exchanges || gated) await this.#options.settle();
    // A change can bring another at the same instant (a toxic installed on a connection that
    // resets it at once, a reconnect the settle let through meeting a fault): until none is left.
    while (network?.pending === true) {
      network.applyPending();
      await network.idle();
      // What the change did to the clients' sessions (cut, swallowed, let through) is known at this instant.
      this.#sessions?.recount();
      await this.#options.settle();
    }
    if (gated) {
      // The central station's attempt, once everything sent before it has reached the broker; its
      // outcome (connected and subscribed, or refused) comes before time moves on.
      const attempts = this.#gated;
      this.#gated = [];
      for (const attempt of attempts) attempt();
      this.#sessions?.recount();
      await this.#options.settle();
    }
    if (this.#attacks.pending) await this.#attacks.runPending();
  }

  /** Closes the audit log (before the event log's digest is taken). */
  closeLog(): void {
    this.security?.closeLog();
  }

  /** What the network's proxies did, for the result, or undefined without network faults. */
  networkResult(): NetworkResult | undefined {
    return this.#network?.result();
  }

  /** Adds the security profile's, patch campaigns' and intrusion detector's parts to the run's result. */
  report(result: RunResult): RunResult {
    if (this.security) result.security = this.security.result();
    if (this.#campaigns) result.campaigns = this.#campaigns.result();
    if (this.ids) result.ids = this.ids.result();
    return result;
  }

  /** Closes every adversary connection still open (before the fleet's own, so none acts on a half-closed run). */
  closeAdversaries(): Promise<void> {
    return this.#attacks.close();
  }

  /** Closes the consoles and the network's listeners (after the fleet and twin disconnected). */
  async close(): Promise<void> {
    await this.security?.close();
    await this.#network?.close();
  }
}
