import type { Clock } from '../core/clock.ts';
import type { Rng } from '../core/rng.ts';
import type { FaultRegistry } from '../inject/registry.ts';
import type { TargetDirectory } from '../inject/target.ts';
import type { DeliveryLedger } from '../net/delivery-ledger.ts';
import type { NetworkResult } from '../scenario/result.ts';
import type { TimelineEntry } from '../scenario/schema.ts';
import type { ConnectOptionsFor } from './fleet-builder.ts';
import { NetworkAccount, networkNeeds, routeThroughNetwork } from './network-binding.ts';
import { RunNetwork, type SiteControl } from './network-setup.ts';
import type { SelectableDevice, TagLookup } from './selector.ts';
import type { PathState } from '../net/session-book.ts';
import type { ProxyTls, Upstream } from '../net/proxy/tls-termination.ts';

export interface RunNetworkPlanOptions {
  entries: readonly TimelineEntry[];
  faults: FaultRegistry;
  agents: readonly SelectableDevice[];
  tagsOf?: TagLookup;
  clock: Clock;
  /** The run's root stream; the network forks `network`. */
  rng: Rng;
  mode: 'fast' | 'realtime';
  /** Realtime: whether the pacer is at 'max' now (RunControlsOptions.windowed); fault changes then wait as in fast mode. */
  windowed?: () => boolean;
  /** Freezes the twin's subscriber and returns what restarts it (DigitalTwin.freeze), for network.frozen-subscriber. */
  freezeTwin?: () => () => Promise<void>;
}

/**
 * The part of a run that puts its network between the fleet and the broker — only when the scenario
 * names a network fault, so every other run keeps its direct path (and its digest). The run's
 * controls (run-controls.ts) call it at four points: the timeline's targets (construction),
 * connecting (route every client through its listener), the settle barrier (what faults swallowed or hold counts as settled) and the twin's
 * arrival time (a delay a fault reported in fast mode).
 */
export class RunNetworkHost {
  readonly network: RunNetwork;
  /** The timeline freezes the twin's subscriber: the broker must keep a reader that stops from slowing the others. */
  readonly freezesTwin: boolean;
  /** The timeline restarts the broker (a site fault): the run's broker must be restartable. */
  readonly restartsBroker: boolean;
  #account: NetworkAccount | undefined;

  private constructor(network: RunNetwork, freezesTwin: boolean, restartsBroker: boolean) {
    this.network = network;
    this.freezesTwin = freezesTwin;
    this.restartsBroker = restartsBroker;
  }

  /** The network a plan needs, or undefined when its timeline names no network fault. */
  static plan(options: RunNetworkPlanOptions, site?: SiteControl): RunNetworkHost | undefined {
    const needs = networkNeeds(options.entries, options.faults, options.agents, options.tagsOf);
    if (needs === undefined) return undefined;
    const fast = options.mode === 'fast';
    return new RunNetworkHost(
      new RunNetwork({
        clock: options.clock,
        rng: options.rng.fork('network'),
        devices: options.agents.map((a) => ({ id: a.deviceId, zone: a.zone })),
        ownLinks: needs.ownLinks,
        // The twin gets a listener of its own when a fault can reach its connection: one aimed at it,
        // or the site's (a broker restart cuts it, and the session book must tell, as for every
        // device). Otherwise its connection goes straight to the broker: every message of the fleet
        // comes down it, and a listener no fault acts on would only add a socket hop to each
        // (docs/benchmarks.md, the fault proxy's cost).
        twinLink: needs.twinLink || needs.site,
        // Fast mode: delays are reported and stamped by the ledger, not slept (docs/network.md#fast-mode),
        // and the broker's keep-alive of a blackholed client runs on the simulated clock.
        timing: fast ? 'tag' : 'hold',
        brokerKeepalive: fast,
        // Fast mode (and realtime at 'max', which moves the clock in the same whole windows): a fault
        // starts or ends only once the transport has settled at that instant.
        deferred: fast || (options.windowed ?? false),
        ...(site ? { site } : {}),
        ...(needs.freezeTwin && options.freezeTwin ? { freezeTwin: options.freezeTwin } : {}),
      }),
      needs.freezeTwin,
      needs.site,
    );
  }

  get directory(): TargetDirectory {
    return this.network.directory;
  }

  /**
   * Opens the listeners in front of `brokerUrl` and starts accounting into `ledger`; `notify` wakes the
   * barrier when a fault holds a message. `tls`: the listeners terminate TLS (the run's security
   * profile has it on), and their upstream connections are TLS too. `connectInProcess`: the run's
   * broker is in this process and offers connections that skip the kernel (RunOptions.proxyUpstream);
   * the listeners facing it use them for plain connections.
   */
  async open(
    brokerUrl: string,
    ledger: DeliveryLedger,
    notify: () => void,
    tls?: ProxyTls,
    connectInProcess?: Upstream['connectInProcess'],
  ): Promise<void> {
    const url = new URL(brokerUrl);
    const upstream: Upstream = { host: url.hostname.replace(/^\[|\]$/g, ''), port: Number(url.port) };
    await this.network.start(connectInProcess ? { ...upstream, connectInProcess } : upstream, tls);
    this.#account = new NetworkAccount(this.network, ledger, notify);
  }

  /** Composes with the run's own connect options (security's credentials and TLS stay). */
  route(inner?: ConnectOptionsFor): ConnectOptionsFor {
    return routeThroughNetwork(this.network, inner);
  }

  /** Messages a fault holds now (a reorder): in flight in the ledger, but the barrier must not wait for them. */
  get held(): number {
    return this.#account?.held ?? 0;
  }

  /** A fault cut `device`'s session at the broker and it has not connected since (NetworkAccount.cutAtBroker). */
  cutAtBroker(device: string): boolean {
    return this.#account?.cutAtBroker(device) ?? false;
  }

  /** What the network knows of a client's connection (SessionBook's path). */
  pathOf(clientId: string, localPort?: number, written?: number): PathState {
    return this.network.pathOf(clientId, localPort, written);
  }

  /** A fault that acts on when bytes pass is active: every instant a client writes must settle (RunNetwork.paced). */
  get paced(): boolean {
    return this.network.paced;
  }

  /** Whether a last will would reach the twin now (wills are booked in the ledger only then). */
  set twinListening(listening: () => boolean) {
    if (this.#account) this.#account.twinListening = listening;
  }

  /** For the report: what the proxies did (the losses they caused are in the ledger, assemble-result.ts reads them). */
  result(): NetworkResult {
    return {
      fates: { ...(this.#account?.fates ?? {}) },
      listeners: this.network.accounts() as unknown as Record<string, unknown>,
    };
  }

  /** Fault changes waiting for the transport to settle at this instant (fast mode). */
  get pending(): boolean {
    return this.network.pending > 0;
  }

  applyPending(): void {
    this.network.applyPending();
  }

  idle(): Promise<void> {
    return this.network.idle();
  }

  close(): Promise<void> {
    return this.network.close();
  }
}
