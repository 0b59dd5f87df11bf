import type { AnyFaultDefinition } from '../inject/fault.ts';
import { FAULTS, type FaultRegistry } from '../inject/registry.ts';
import type { Plan } from '../scenario/plan.ts';
import { scopeOf } from '../inject/target-scope.ts';
import type { DeliveryLedger } from '../net/delivery-ledger.ts';
import { decodeEnvelope } from '../net/envelope.ts';
import { CHANNELS, parseTopic } from '../net/topics.ts';
import type { TimelineEntry } from '../scenario/schema.ts';
import type { ConnectOptionsFor } from './fleet-builder.ts';
import type { NetworkEvent, RunNetwork } from './network-setup.ts';
import { matchDevices, type SelectableDevice, type TagLookup } from './selector.ts';

/** What of the network a scenario's timeline needs: undefined when it names no network fault and no non-device target. */
export interface NetworkNeeds {
  /** Devices whose own link a fault targets (they get a listener of their own). */
  ownLinks: string[];
  /** A network fault on the twin's connection (it gets a listener of its own). */
  twinLink: boolean;
  /** A fault on the site (the broker must be restartable). */
  site: boolean;
  /** A frozen subscriber. */
  freezeTwin: boolean;
}

/**
 * Reads the timeline for what the run's network must provide. Entries with an unknown fault or a bad
 * selector are skipped: the timeline reports those, with the entry's place.
 */
export function networkNeeds(
  entries: readonly TimelineEntry[],
  faults: FaultRegistry,
  devices: readonly SelectableDevice[],
  tagsOf?: TagLookup,
): NetworkNeeds | undefined {
  const needs: NetworkNeeds = { ownLinks: [], twinLink: false, site: false, freezeTwin: false };
  let any = false;
  const links = new Set<string>();
  for (const entry of entries) {
    const fault: AnyFaultDefinition | undefined = Object.hasOwn(faults, entry.fault) ? faults[entry.fault] : undefined;
    if (fault === undefined) continue;
    const scope = scopeOf(fault, entry.target);
    if (fault.category !== 'network' && scope === 'device') continue;
    any = true;
    if (scope === 'site') needs.site = true;
    if (scope === 'twin') {
      if (fault.name === 'network.frozen-subscriber') needs.freezeTwin = true;
      else needs.twinLink = true;
    }
    if (scope !== 'link') continue;
    const { scope: _scope, ...selector } = entry.target;
    try {
      for (const device of matchDevices(selector, devices, tagsOf ? { tagsOf } : {})) links.add(device.deviceId);
    } catch {
      // An unknown device id: the timeline says so, at the entry.
    }
  }
  needs.ownLinks = devices.map((d) => d.deviceId).filter((id) => links.has(id));
  return any ? needs : undefined;
}

/**
 * The plan needs a broker of its own, in this run's process: it restarts the broker (a site fault) or
 * says where the broker keeps its state (`broker.persistence`). A broker shared by several runs, or an
 * external one, cannot be given either.
 */
export function planOwnsBroker(plan: Pick<Plan, 'timeline' | 'broker'>, faults: FaultRegistry = FAULTS): boolean {
  if (plan.broker?.persistence !== undefined) return true;
  return (plan.timeline ?? []).some(
    (entry) => Object.hasOwn(faults, entry.fault) && scopeOf(faults[entry.fault]!, entry.target) === 'site',
  );
}

/**
 * Routes each device through its listener, and the twin through its own when it has one, on top of
 * whatever `inner` decided (a security profile's credentials and TLS stay; only host and port change,
 * so `mqtts://` stays TLS end to end through the proxy).
 */
export function routeThroughNetwork(network: RunNetwork, inner?: ConnectOptionsFor): ConnectOptionsFor {
  return (client, defaults) => {
    const endpoint = inner ? inner(client, defaults) : defaults;
    const via = client.role === 'device' ? network.urlFor(client.device.id) : network.twinUrl;
    if (via !== undefined) network.register(endpoint.identity.clientId, client.role === 'device' ? client.device.id : undefined);
    return via === undefined ? endpoint : { ...endpoint, url: withHostOf(endpoint.url, via) };
  };
}

function withHostOf(url: string, via: string): string {
  const target = new URL(url);
  const proxy = new URL(via);
  target.hostname = proxy.hostname;
  target.port = proxy.port;
  return target.toString().replace(/\/$/, '');
}

/**
 * What the proxies did to messages, entered in the run's accounts: a message a fault swallowed (a
 * device's report, or a command on its way to a device) is lost in the ledger (reason
 * `network:dropped`), so fast mode's barrier never waits for what will not come; one a fault holds
 * (reorder) is counted apart, for the barrier not to wait on; a delay reported with `tag` timing is
 * kept so the twin can stamp the message's arrival at its send time plus the delay.
 */
export class NetworkAccount {
  readonly #ledger: DeliveryLedger;
  readonly #network: RunNetwork;
  readonly #wills = new Map<string, number>();
  /** Devices whose session a fault cut at the broker, or whose own close reached it without a DISCONNECT, until their next connection (cutAtBroker). */
  readonly #cut = new Set<string>();
  /** Whether a last will published now would reach the twin (its session is up): else none is booked. */
  twinListening: () => boolean = () => true;
  /** Device messages a fault holds now (reorder; a holding blackhole): settled for the barrier until released. */
  readonly #held = new Set<string>();
  /** PUBLISHes the proxies acted on, by fate. */
  readonly fates: Record<string, number> = {};

  /** `onHeld`: a message was just excused from the barrier's wait (held by a fault); wake the barrier. */
  constructor(network: RunNetwork, ledger: DeliveryLedger, onHeld: () => void) {
    this.#ledger = ledger;
    this.#network = network;
    network.onEvent((event) => {
      if (event.type === 'session.cut') return this.#onCut(event);
      if (event.type === 'session.dropped') return this.#onDropped(event);
      if (event.type === 'connection.opened') {
        const device = this.#network.deviceOf(event.clientId);
        if (device !== undefined) this.#cut.delete(device);
        return;
      }
      if (event.type !== 'publish') return;
      const held = this.#held.size;
      this.#onPublish(event);
      if (this.#held.size > held) onHeld();
    });
  }

  /**
   * A fault cut a device's established session at the broker: the broker publishes its last will now,
   * and the twin will take it in. Booked in the ledger (channel `will`, sent at the cut), so the settle
   * barrier waits for it and the twin marks the device offline at the cut's instant.
   */
  #onCut(event: Extract<NetworkEvent, { type: 'session.cut' }>): void {
    const device = this.#network.deviceOf(event.clientId);
    if (event.established && device !== undefined) this.#cut.add(device);
    if (event.established && device !== undefined) this.#bookWill(device, event.at);
  }

  /**
   * A device closed its connection without a DISCONNECT (its own keep-alive gave up: a downstream
   * blackhole leaves its uplink working) and the close reached the broker, which publishes its will:
   * booked as a cut's is, at the instant the close went through (fast mode settles at the instant
   * the device gave up until the network has read its close, SessionBook). Only from a listener that
   * faces the broker (behind a device's own link the close goes on to its zone's), and not when a
   * fault had cut the session first (its will is booked already).
   */
  #onDropped(event: Extract<NetworkEvent, { type: 'session.dropped' }>): void {
    const device = this.#network.deviceOf(event.clientId);
    if (device === undefined || !this.#network.facesBroker(event.proxy) || this.#cut.has(device)) return;
    this.#cut.add(device);
    this.#bookWill(device, event.at);
  }

  /** The broker publishes `device`'s will at `at`: booked (channel `will`, numbered) when the twin's session is up to take it. */
  #bookWill(device: string, at: number): void {
    if (!this.twinListening()) return;
    const seq = (this.#wills.get(device) ?? 0) + 1;
    this.#wills.set(device, seq);
    this.#ledger.published(device, 'will', seq, at);
  }

  /**
   * A fault cut the device's session at the broker (a reset, the broker's keep-alive under a
   * blackhole) and the device has not opened a connection since: the broker holds no session for it,
   * whether or not the device has noticed yet.
   */
  cutAtBroker(device: string): boolean {
    return this.#cut.has(device);
  }

  /** Held device messages: the barrier counts them as settled (they are on their way, at a time a fault decides). */
  get held(): number {
    return this.#held.size;
  }

  #onPublish(event: Extract<NetworkEvent, { type: 'publish' }>): void {
    this.fates[event.fate] = (this.fates[event.fate] ?? 0) + 1;
    const topic = parseTopic(event.topic);
    if (topic === undefined) return;
    const decoded = decodeEnvelope(event.payload);
    if (!decoded.ok) return;
    // The ledger books a command under the device it is sent to (the topic's), not its sender (the
    // envelope's: the twin, or a console).
    const device = topic.channel === CHANNELS.cmd ? topic.deviceId : decoded.envelope.device;
    const { seq } = decoded.envelope;
    const key = `${device}\u0000${topic.channel}\u0000${seq}`;
    switch (event.fate) {
      case 'dropped':
        // A held message lost with its connection (a holding blackhole reset) leaves the held set too.
        this.#held.delete(key);
        this.#ledger.lost(device, topic.channel, seq, 'network:dropped');
        return;
      case 'delayed':
        // Toxics that hold for real whatever the timing (reorder waits for overtakers; a holding
        // blackhole until it ends) versus delays only reported under tag timing (docs/network.md).
        if (holds(event.toxic) || !Number.isFinite(event.delayMs)) {
          this.#held.add(key);
          this.#ledger.parked(device, topic.channel, seq);
        } else {
          // Its stage: a copy of the message (a duplicating fault's) passing the same one adds no delay.
          const stage = `${event.proxy}\u0000${event.direction}\u0000${event.toxic}`;
          this.#ledger.delayed(device, topic.channel, seq, event.delayMs ?? 0, stage);
        }
        return;
      case 'released':
        // Goes on now (a fault's end, or overtaken): the twin takes it to arrive at this instant.
        if (this.#held.delete(key)) this.#ledger.unparked(device, topic.channel, seq, event.at);
        return;
    }
  }
}

/** Toxic names are `<type>#n`, or `mqtt-<action>#n` (RunNetwork): a reorder holds its packets in any timing. */
function holds(toxic: string): boolean {
  return toxic.startsWith('mqtt-reorder#');
}
