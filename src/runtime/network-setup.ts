import type { Clock } from '../core/clock.ts';
import type { Rng } from '../core/rng.ts';
import type { Revert } from '../fleet/fault-surface.ts';
import type { NetworkOps, NetworkSurface, SiteSurface, TargetDirectory, TwinSurface } from '../inject/target.ts';
import type { ProxyAccount, ProxyEvent } from '../net/proxy/accounting.ts';
import { FaultProxy, type ToxicSpec } from '../net/proxy/fault-proxy.ts';
import { TOXICS } from '../net/proxy/toxics/index.ts';
import { Flapper, type FlappingParams } from '../net/proxy/flapping.ts';
import { isPaced, type Timing, type ToxicKind } from '../net/proxy/toxic.ts';
import type { ProxyTls, Upstream } from '../net/proxy/tls-termination.ts';
import type { PathState } from '../net/session-book.ts';

/** What the site target does to the broker; the runtime binds it to its RestartableBroker. */
export interface SiteControl {
  stop(): Promise<void>;
  start(): Promise<void>;
}

export interface RunNetworkOptions {
  /** The run's SimClock in fast mode, a WallClock in realtime: every fault's timing runs on it. */
  clock: Clock;
  /** The run's `network` fork: each listener and target forks its own stream from it. */
  rng: Rng;
  /** The fleet, in fleet order. */
  devices: readonly { id: string; zone: string }[];
  /**
   * Devices that get a listener of their own (a scenario targets their link). It forwards to the
   * device's zone listener, so a zone fault still reaches the device.
   */
  ownLinks?: readonly string[];
  /** The twin's connection gets a listener of its own (a scenario puts a network fault on it). */
  twinLink?: boolean;
  timing?: Timing;
  brokerKeepalive?: boolean;
  /** The broker, for site faults; without it the run has no site target. */
  site?: SiteControl;
  /**
   * Stops the central station's subscriber reading its socket (twin freeze); the function it returns
   * restarts it. Without it a freeze is refused.
   */
  freezeTwin?: () => () => Promise<void> | void;
  /**
   * Fast mode: a fault starting or ending (and each flap) is held until `applyPending()`, which the run
   * calls once the transport has settled at that instant — bytes sent before a fault began must not
   * meet it because the proxy read them late (docs/network.md#fast-mode). A function is asked at each
   * change: a realtime run defers only while its pacer is at 'max' (RunControlsOptions.windowed).
   */
  deferred?: boolean | (() => boolean);
}

/** A proxy event with the listener it came from (`zone:ward-a`, `link:pump-03`, `twin`). */
export type NetworkEvent = ProxyEvent & { proxy: string };

/**
 * A run's network: one fault proxy per zone between the devices and the broker, one per device whose
 * link a scenario targets (in front of its zone's), one for the twin when a scenario targets its
 * connection, and the targets faults act on — links, zones, the site and the twin
 * (src/inject/target.ts). Targets exist from construction (the timeline checks a scenario against
 * them before the run); the listeners open on `start`. Every fault runs on the clock it is given, so
 * in fast mode its timing is simulated time; everything the proxies do to PUBLISHes reaches
 * `onEvent`, for the delivery account.
 */
export class RunNetwork {
  readonly #options: RunNetworkOptions;
  readonly #proxies = new Map<string, FaultProxy>();
  readonly #zoneOf = new Map<string, string>();
  readonly #ownLinks: Set<string>;
  readonly #surfaces = new Map<string, NetworkSurface | TwinSurface>();
  readonly #downs = new Map<string, number>();
  readonly #listeners = new Set<(event: NetworkEvent) => void>();
  /** Each client's listeners, nearest first (a device's own link, then its zone's; the twin's), by client id. */
  readonly #chains = new Map<string, string[]>();
  /** Listeners whose upstream is the broker itself (a zone's, the twin's), not another listener. */
  readonly #facingBroker = new Set<string>();
  /** Device ids by client id (what a proxy sees of a device is its CONNECT's client id). */
  readonly #deviceOf = new Map<string, string>();
  /** Site operations run one after another; the runtime waits on `idle()` before time moves on. */
  #siteChain: Promise<void> = Promise.resolve();
  #siteError: Error | undefined;
  #toxicNames = 0;
  /** Toxics active now whose outcome depends on when bytes pass (limit_data). */
  #paced = 0;
  readonly #pacedReads = new Set<() => void>();
  #pending: (() => void)[] = [];

  constructor(options: RunNetworkOptions) {
    this.#options = options;
    for (const device of options.devices) this.#zoneOf.set(device.id, device.zone);
    this.#ownLinks = new Set((options.ownLinks ?? []).filter((id) => this.#zoneOf.has(id)));
  }

  /**
   * Opens every listener in front of the broker at `upstream`; resolves once all accept connections.
   * `tls`: every listener terminates TLS and connects upstream over TLS (a device's own listener to
   * its zone's, the others to the broker).
   */
  async start(upstream: Upstream, tls?: ProxyTls): Promise<void> {
    try {
      for (const zone of new Set(this.#options.devices.map((d) => d.zone))) {
        await this.#open(`zone:${zone}`, upstream, tls);
        this.#facingBroker.add(`zone:${zone}`);
      }
      for (const id of this.#ownLinks) {
        const zone = this.#proxies.get(`zone:${this.#zoneOf.get(id)}`)!;
        await this.#open(`link:${id}`, { host: '127.0.0.1', port: zone.port }, tls);
      }
      if (this.#options.twinLink) {
        await this.#open('twin', upstream, tls);
        this.#facingBroker.add('twin');
      }
    } catch (error) {
      await this.close();
      throw error;
    }
  }

  /** The URL a device connects to: its own listener if it has one, else its zone's. */
  urlFor(deviceId: string): string {
    const proxy = this.#proxies.get(`link:${deviceId}`) ?? this.#proxies.get(`zone:${this.#zoneOf.get(deviceId)}`);
    if (proxy === undefined) throw new Error(`no listener for device "${deviceId}": start() the network first, with the device in it`);
    return proxy.url;
  }

  /**
   * Notes which listeners `clientId` goes through (the device `deviceId`'s, or the twin's when
   * undefined), so the network can say what it knows of that client's connection (`pathOf`).
   */
  register(clientId: string, deviceId: string | undefined): void {
    if (deviceId === undefined) {
      this.#chains.set(clientId, ['twin']);
      return;
    }
    this.#deviceOf.set(clientId, deviceId);
    const own = this.#ownLinks.has(deviceId) ? [`link:${deviceId}`] : [];
    this.#chains.set(clientId, [...own, `zone:${this.#zoneOf.get(deviceId)}`]);
  }

  /** The device a client id belongs to (register), if any. */
  deviceOf(clientId: string | undefined): string | undefined {
    return clientId === undefined ? undefined : this.#deviceOf.get(clientId);
  }

  /**
   * What the listeners `clientId` goes through know of its connection (SessionBook): swallowed if any
   * swallows its bytes, none if any has no live connection for it, open otherwise. A client that goes
   * through none of them (not registered) is `open`: the network cannot say.
   *
   * With `localPort` (the client's socket's own port) it is that very connection, followed from
   * listener to listener: `none` too while a listener has not read its CONNECT yet, so a reconnect
   * attempt is waited for until the network has it, whatever an older connection of the same client
   * (half-open in a blackhole) looks like.
   */
  pathOf(clientId: string, localPort?: number, written?: number): PathState {
    const chain = this.#chains.get(clientId);
    if (chain === undefined) return 'open';
    if (localPort !== undefined) {
      let port: number | undefined = localPort;
      let state: PathState = 'open';
      for (const [i, name] of chain.entries()) {
        const proxy = this.#proxies.get(name);
        if (proxy === undefined || port === undefined) return 'none';
        // Bytes written are the client's own at the first listener; further on, the connection in front
        // forwards them (a quota there is judged once they reach it, as the ledger settles them).
        const here = proxy.pathByPort(port, i === 0 ? written : undefined);
        if (here.state === 'swallowed') return 'swallowed';
        if (here.state === 'behind') state = 'behind';
        else if (here.state !== 'open') return 'none';
        port = here.upstreamPort;
      }
      return state;
    }
    let state: PathState = 'open';
    for (const name of chain) {
      const here = this.#proxies.get(name)?.pathOf(clientId) ?? 'none';
      if (here === 'swallowed') return 'swallowed';
      if (here === 'none') state = 'none';
    }
    return state;
  }

  /** Whether the listener `name` connects to the broker itself: what it lets through, the broker reads (a device's own link goes on to its zone's). */
  facesBroker(name: string): boolean {
    return this.#facingBroker.has(name);
  }

  /**
   * Whether the network has heard all there is of the close of `clientId`'s connection from
   * `localPort` (SessionBook): false while a listener on its way has not read that FIN or reset yet;
   * true once the last one has passed it on to the broker, or one holds or swallowed it (its release
   * is an instant on the clock), or the connection is gone.
   */
  closeHeard(clientId: string, localPort: number): boolean {
    const chain = this.#chains.get(clientId);
    if (chain === undefined) return true;
    let port: number | undefined = localPort;
    for (const name of chain) {
      const proxy = this.#proxies.get(name);
      if (proxy === undefined || port === undefined) return true;
      const here = proxy.closeByPort(port, clientId);
      if (here.state === 'unread') return false;
      if (here.state === 'held') return true;
      port = here.upstreamPort;
    }
    return true;
  }

  /** The twin's listener URL, when it has one. */
  get twinUrl(): string | undefined {
    return this.#proxies.get('twin')?.url;
  }

  /** The targets faults act on, for the timeline. */
  get directory(): TargetDirectory {
    return {
      link: (id) => (this.#ownLinks.has(id) ? this.#network('link', id) : undefined),
      zone: (id) => ([...this.#zoneOf.values()].includes(id) ? this.#network('zone', id) : undefined),
      site: () => this.#site(),
      twin: () => (this.#options.twinLink || this.#options.freezeTwin ? this.#twin() : undefined),
    };
  }

  /** Everything the proxies report (connections, PUBLISHes a fault acted on). Returns the unsubscribe. */
  onEvent(listener: (event: NetworkEvent) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** Each listener's account, by name. */
  accounts(): Record<string, ProxyAccount> {
    const out: Record<string, ProxyAccount> = {};
    for (const [name, proxy] of this.#proxies) out[name] = proxy.account();
    return out;
  }

  /**
   * A fault whose outcome depends on when bytes pass (a byte quota) is active: fast mode then settles
   * at every instant a client wrote something, so the proxy reads it at that simulated instant, not
   * at a window's end (docs/network.md#fast-mode).
   */
  get paced(): boolean {
    return this.#paced > 0;
  }

  /** Called whenever a listener read a client's bytes under a byte quota (the settle barrier counts again). Returns the unsubscribe. */
  onPacedRead(listener: () => void): () => void {
    this.#pacedReads.add(listener);
    return () => this.#pacedReads.delete(listener);
  }

  /** Fault changes waiting for `applyPending()` (deferred mode). */
  get pending(): number {
    return this.#pending.length;
  }

  /** Applies the fault changes held since the last call, in the order they were made. */
  applyPending(): void {
    const pending = this.#pending;
    this.#pending = [];
    for (const change of pending) change();
  }

  /** Runs `change` now, or holds it for `applyPending()` in deferred mode. */
  #change(change: () => void): void {
    const deferred = this.#options.deferred;
    if (deferred === true || (typeof deferred === 'function' && deferred())) this.#pending.push(change);
    else change();
  }

  /** Resolves once every site operation started so far (a broker stop or start) is done; rejects if one failed. */
  async idle(): Promise<void> {
    await this.#siteChain;
    if (this.#siteError) throw this.#siteError;
  }

  async close(): Promise<void> {
    await this.#siteChain.catch(() => {});
    await Promise.all([...this.#proxies.values()].map((p) => p.close()));
  }

  async #open(name: string, upstream: Upstream, tls: ProxyTls | undefined): Promise<void> {
    const { clock, rng, timing, brokerKeepalive } = this.#options;
    const proxy = await FaultProxy.start({
      name,
      upstream,
      ...(tls ? { tls } : {}),
      clock,
      rng: rng.fork(name),
      ...(timing ? { timing } : {}),
      ...(brokerKeepalive !== undefined ? { brokerKeepalive } : {}),
      // Fast mode: a reset or close a toxic decides waits, like a fault's start or end, for the transport to settle.
      ...(this.#options.deferred ? { defer: (cut: () => void) => this.#change(cut) } : {}),
      onPacedRead: () => {
        for (const listener of this.#pacedReads) listener();
      },
    });
    this.#proxies.set(name, proxy);
    proxy.onEvent((event) => {
      for (const listener of this.#listeners) listener({ ...event, proxy: name });
    });
  }

  /** The listener `name`, which must be open by the time a fault acts on it. */
  #proxy(name: string): FaultProxy {
    const proxy = this.#proxies.get(name);
    if (proxy === undefined) throw new Error(`the network's listener ${name} is not open: start() the network before injecting`);
    return proxy;
  }

  #ops(name: string): NetworkOps {
    return {
      addToxic: (spec: ToxicSpec) => {
        const proxy = this.#proxy(name);
        // Two injections of one toxic type may overlap on a listener: each gets its own name.
        const action = spec.type === 'mqtt' ? `-${String(spec.params?.action)}` : '';
        const toxic = `${spec.type}${action}#${++this.#toxicNames}`;
        // Params are checked now (an InputError at injection), the toxic goes in when the change applies.
        proxy.validateToxic({ ...spec, name: toxic });
        const kind = TOXICS[spec.type] as unknown as ToxicKind;
        const paced = isPaced(kind, kind.params.parse(spec.params ?? {}));
        this.#change(() => {
          proxy.addToxic({ ...spec, name: toxic });
          if (paced) this.#paced++;
        });
        return () =>
          this.#change(() => {
            proxy.removeToxic(toxic);
            if (paced) this.#paced--;
          });
      },
      setDown: () => this.#down(name),
      flap: (params: FlappingParams, rng: Rng) => {
        let up: Revert | undefined;
        const flapper = new Flapper(params, this.#options.clock, rng, (down) => {
          if (down && up === undefined) up = this.#down(name);
          else if (!down && up !== undefined) {
            up();
            up = undefined;
          }
        });
        flapper.start();
        return () => flapper.stop();
      },
    };
  }

  #network(kind: 'link' | 'zone', id: string): NetworkSurface {
    const name = `${kind}:${id}`;
    const known = this.#surfaces.get(name);
    if (known?.targetKind === kind) return known;
    const devices = this.#options.devices.filter((d) => (kind === 'link' ? d.id === id : d.zone === id)).map((d) => d.id);
    const surface: NetworkSurface = { targetKind: kind, id, devices, rng: this.#options.rng.fork(`target:${name}`), ...this.#ops(name) };
    this.#surfaces.set(name, surface);
    return surface;
  }

  /** Takes a listener down; overlapping downs (a partition during a flap) bring it up only when the last ends. */
  #down(name: string): Revert {
    const proxy = this.#proxy(name);
    const count = (this.#downs.get(name) ?? 0) + 1;
    this.#downs.set(name, count);
    if (count === 1) this.#change(() => proxy.setDown(true));
    let reverted = false;
    return () => {
      if (reverted) return;
      reverted = true;
      const left = (this.#downs.get(name) ?? 1) - 1;
      this.#downs.set(name, left);
      if (left === 0) this.#change(() => proxy.setDown(false));
    };
  }

  #site(): SiteSurface | undefined {
    const site = this.#options.site;
    if (site === undefined) return undefined;
    return {
      targetKind: 'site',
      id: 'site',
      devices: this.#options.devices.map((d) => d.id),
      rng: this.#options.rng.fork('target:site'),
      restartBroker: (downMs: number) => {
        this.#change(() => this.#onSite(() => site.stop()));
        // The broker comes back after `downMs` of the run's time, however long the stop took in wall time.
        this.#options.clock.setTimeout(() => this.#change(() => this.#onSite(() => site.start())), downMs);
        return () => {};
      },
    };
  }

  #onSite(operation: () => Promise<void>): void {
    this.#siteChain = this.#siteChain.then(operation).catch((error: unknown) => {
      this.#siteError ??= error instanceof Error ? error : new Error(String(error));
    });
  }

  #twin(): TwinSurface {
    const known = this.#surfaces.get('twin');
    if (known?.targetKind === 'twin') return known;
    const freeze = this.#options.freezeTwin;
    const surface: TwinSurface = {
      targetKind: 'twin',
      id: 'twin',
      devices: [],
      rng: this.#options.rng.fork('target:twin'),
      ...this.#ops('twin'),
      freeze: () => {
        if (freeze === undefined) throw new Error('this run cannot freeze the twin: it was built without the twin’s client');
        // Like a toxic, at the instant once the transport has settled (fast mode); thawing reconnects
        // the twin, which the run waits for (idle) before time moves on.
        let thaw: (() => Promise<void> | void) | undefined;
        this.#change(() => {
          thaw = freeze();
        });
        return () => this.#change(() => this.#onSite(async () => await thaw?.()));
      },
    };
    this.#surfaces.set('twin', surface);
    return surface;
  }
}
