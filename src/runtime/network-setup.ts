import type { Clock } from '../core/clock.ts';
import type { Rng } from '../core/rng.ts';
import type { Revert } from '../fleet/fault-surface.ts';
import type { NetworkSurface, SiteSurface, TargetDirectory, TwinSurface } from '../inject/target.ts';
import type { ProxyAccount, ProxyEvent } from '../net/proxy/accounting.ts';
import { FaultProxy, type ToxicSpec } from '../net/proxy/fault-proxy.ts';
import { Flapper, type FlappingParams } from '../net/proxy/flapping.ts';
import type { Timing } from '../net/proxy/toxic.ts';

/** What the site target does to the broker; the runtime binds it to its RestartableBroker. */
export interface SiteControl {
  stop(): Promise<void>;
  start(): Promise<void>;
}

export interface RunNetworkOptions {
  /** The broker every zone's listener forwards to. */
  upstream: { host: string; port: number };
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
  timing?: Timing;
  brokerKeepalive?: boolean;
  /** The broker, for site faults; without it the run has no site target. */
  site?: SiteControl;
  /** The central station's subscriber, for twin faults; without it the run has no twin target. */
  twin?: { freeze(): Revert };
}

/** A proxy event with the listener it came from (`zone:ward-a`, `link:pump-03`). */
export type NetworkEvent = ProxyEvent & { proxy: string };

/**
 * A run's network: one fault proxy per zone between the devices and the broker, one per device whose
 * link a scenario targets (in front of its zone's), and the targets faults act on — links, zones, the
 * site and the twin (src/inject/target.ts). Every fault runs on the clock it is given, so in fast mode
 * its timing is simulated time; everything the proxies do to PUBLISHes reaches `onEvent`, for the
 * delivery account.
 */
export class RunNetwork {
  readonly #options: RunNetworkOptions;
  readonly #zones = new Map<string, FaultProxy>();
  readonly #links = new Map<string, FaultProxy>();
  readonly #zoneOf = new Map<string, string>();
  readonly #surfaces = new Map<string, NetworkSurface>();
  readonly #downs = new Map<FaultProxy, number>();
  readonly #listeners = new Set<(event: NetworkEvent) => void>();
  /** Site operations run one after another; the runtime waits on `idle()` before time moves on. */
  #siteChain: Promise<void> = Promise.resolve();
  #siteError: Error | undefined;
  #toxicNames = 0;

  private constructor(options: RunNetworkOptions) {
    this.#options = options;
    for (const device of options.devices) this.#zoneOf.set(device.id, device.zone);
  }

  /** Starts every listener; resolves once all accept connections. */
  static async start(options: RunNetworkOptions): Promise<RunNetwork> {
    const network = new RunNetwork(options);
    try {
      const zones = [...new Set(options.devices.map((d) => d.zone))];
      for (const zone of zones) network.#zones.set(zone, await network.#proxy(`zone:${zone}`, options.upstream));
      for (const id of options.ownLinks ?? []) {
        const zone = network.#zones.get(network.#zoneOf.get(id) ?? '');
        if (zone === undefined) continue;
        network.#links.set(id, await network.#proxy(`link:${id}`, { host: '127.0.0.1', port: zone.port }));
      }
    } catch (error) {
      await network.close();
      throw error;
    }
    return network;
  }

  /** The URL a device connects to: its own listener if it has one, else its zone's. */
  urlFor(deviceId: string): string {
    const proxy = this.#links.get(deviceId) ?? this.#zones.get(this.#zoneOf.get(deviceId) ?? '');
    if (proxy === undefined) throw new Error(`no listener for device "${deviceId}": it is not in the fleet the network was built for`);
    return proxy.url;
  }

  /** The targets faults act on, for the timeline. */
  get directory(): TargetDirectory {
    return {
      link: (id) => this.#surface('link', id, this.#links.get(id)),
      zone: (id) => this.#surface('zone', id, this.#zones.get(id)),
      site: () => this.#site(),
      twin: () => this.#twin(),
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
    for (const proxy of [...this.#zones.values(), ...this.#links.values()]) out[proxy.name] = proxy.account();
    return out;
  }

  /** Resolves once every site operation started so far (a broker stop or start) is done; rejects if one failed. */
  async idle(): Promise<void> {
    await this.#siteChain;
    if (this.#siteError) throw this.#siteError;
  }

  async close(): Promise<void> {
    await this.#siteChain.catch(() => {});
    await Promise.all([...this.#links.values(), ...this.#zones.values()].map((p) => p.close()));
  }

  async #proxy(name: string, upstream: { host: string; port: number }): Promise<FaultProxy> {
    const { clock, rng, timing, brokerKeepalive } = this.#options;
    const proxy = await FaultProxy.start({
      name,
      upstream,
      clock,
      rng: rng.fork(name),
      ...(timing ? { timing } : {}),
      ...(brokerKeepalive !== undefined ? { brokerKeepalive } : {}),
    });
    proxy.onEvent((event) => {
      for (const listener of this.#listeners) listener({ ...event, proxy: name });
    });
    return proxy;
  }

  #surface(kind: 'link' | 'zone', id: string, proxy: FaultProxy | undefined): NetworkSurface | undefined {
    if (proxy === undefined) return undefined;
    const key = `${kind}:${id}`;
    const known = this.#surfaces.get(key);
    if (known) return known;
    const devices = this.#options.devices.filter((d) => (kind === 'link' ? d.id === id : d.zone === id)).map((d) => d.id);
    const surface: NetworkSurface = {
      targetKind: kind,
      id,
      devices,
      rng: this.#options.rng.fork(`target:${key}`),
      addToxic: (spec: ToxicSpec) => {
        // Two injections of one toxic type may overlap on a listener: each gets its own name.
        const name = proxy.addToxic({ ...spec, name: `${spec.type}#${++this.#toxicNames}` });
        return () => proxy.removeToxic(name);
      },
      setDown: () => this.#down(proxy),
      flap: (params: FlappingParams, rng: Rng) => {
        let revertDown: Revert | undefined;
        const flapper = new Flapper(params, this.#options.clock, rng, (down) => {
          if (down && revertDown === undefined) revertDown = this.#down(proxy);
          else if (!down && revertDown !== undefined) {
            revertDown();
            revertDown = undefined;
          }
        });
        flapper.start();
        return () => flapper.stop();
      },
    };
    this.#surfaces.set(key, surface);
    return surface;
  }

  /** Takes a listener down; overlapping downs (a partition during a flap) bring it up only when the last ends. */
  #down(proxy: FaultProxy): Revert {
    const count = (this.#downs.get(proxy) ?? 0) + 1;
    this.#downs.set(proxy, count);
    if (count === 1) proxy.setDown(true);
    let reverted = false;
    return () => {
      if (reverted) return;
      reverted = true;
      const left = (this.#downs.get(proxy) ?? 1) - 1;
      this.#downs.set(proxy, left);
      if (left === 0) proxy.setDown(false);
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
        this.#onSite(() => site.stop());
        // The broker comes back after `downMs` of the run's time, however long the stop took in wall time.
        this.#options.clock.setTimeout(() => this.#onSite(() => site.start()), downMs);
        return () => {};
      },
    };
  }

  #onSite(operation: () => Promise<void>): void {
    this.#siteChain = this.#siteChain.then(operation).catch((error: unknown) => {
      this.#siteError ??= error instanceof Error ? error : new Error(String(error));
    });
  }

  #twin(): TwinSurface | undefined {
    const twin = this.#options.twin;
    if (twin === undefined) return undefined;
    return { targetKind: 'twin', id: 'twin', devices: [], rng: this.#options.rng.fork('target:twin'), freeze: () => twin.freeze() };
  }
}
