import type { BrokerPlacement } from './broker-host.ts';
import type { PersistenceChoice } from '../net/broker-persistence.ts';
import type { ConnectOptionsFor } from './fleet-builder.ts';
import type { IdsThresholds } from '../defense/ids/thresholds.ts';
import type { LinkOpener } from '../net/device-link.ts';

/** What a run may be asked to do differently from its plan, and the figures it reports while it runs. */
export type RunMode = 'fast' | 'realtime';

export interface RunOptions {
  /** Overrides the plan's seed. */
  seed?: string | number;
  /** Overrides the plan's duration, ms. */
  durationMs?: number;
  mode?: RunMode;
  /** Realtime speed factor (1 = wall-clock pace, 10 = ten times faster). */
  speed?: number;
  /** An external broker URL; otherwise an embedded aedes is started. */
  brokerUrl?: string;
  /** Port of the embedded broker (0 = a free one). */
  port?: number;
  brokerPlacement?: BrokerPlacement;
  /**
   * Where the run's own broker keeps sessions, QoS 1 queues and retained messages (src/net/broker-persistence.ts):
   * memory, or Redis under a key prefix of the run's own, deleted at its end. Gives the run an in-process
   * broker of its own; refused with an external one (`brokerUrl`) or a child-process one (exit 2).
   */
  persistence?: PersistenceChoice;
  /**
   * Where the devices' MQTT clients run: on the simulation's thread, or on a link thread of their own
   * (each device keeps its own client and connection either way; src/net/link-pool.ts). Default: a
   * link thread for fleets of LINK_THREAD_THRESHOLD devices or more, unless the plan has network faults
   * (their sessions run on the simulation's clock, so the clients stay on its thread: `linksFor`).
   * Asking for a link thread with network faults is refused (E_NETWORK_LINK_THREAD).
   */
  links?: LinkPlacement;
  /**
   * How the fault proxies (network faults) reach the run's own in-process broker: `in-process` (the
   * default) hands their bytes to aedes without a loopback socket (src/net/in-process-socket.ts), the
   * proxies' cost being mostly that second socket hop on the simulation's thread
   * (docs/network.md#the-proxys-leg-to-the-broker); `tcp` dials the broker's port as for any other
   * broker. Clients reach the proxies over TCP either way; under TLS, and with a child-process or
   * external broker, the proxies use TCP. Verdicts and digests do not depend on it.
   */
  proxyUpstream?: 'in-process' | 'tcp';
  /**
   * Fast mode advances virtual time in windows of this size and lets the transport settle at the end
   * of each (also whenever a command crosses the network). Verdicts and digests do not depend on it;
   * larger windows are faster (fewer round trips, more packets per socket write) and hold more
   * messages in flight. Default: `defaultSyncMs` of the fleet's telemetry rate — 5 s for fleets of
   * 1,000 devices and more, up to 60 s for small ones.
   */
  syncMs?: number;
  /** Wall time to wait for the transport to settle before counting messages as missing. Default 10 s. */
  settleTimeoutMs?: number;
  /**
   * Where and as whom each client (device or twin) connects (fleet-builder.ts): the seam where
   * credentials, TLS material and per-zone fault proxies plug in. Default: the broker, no credentials.
   */
  connectOptionsFor?: ConnectOptionsFor;
  /**
   * Wraps the opener of every client's link (devices and twin) — a layer between the clients and the
   * network, e.g. a test that drops messages on purpose and books them lost in `run.ledger`.
   */
  wrapLinks?: (links: LinkOpener) => LinkOpener;
  /**
   * Run the intrusion detector (src/defense) on the embedded in-process broker's traffic and record its
   * `ids.alert` events in the event log. Off by default: alerts are part of the digest.
   */
  ids?: boolean | { thresholds?: Partial<IdsThresholds>; keepObservations?: boolean };
  /**
   * The counterfactual run (counterfactual.ts): every attack the timeline or `inject` launches is
   * withheld — its entry fires at its instant as before, with the same random stream, but no adversary
   * connects — so the run shows what the scenario costs without its attacks.
   */
  withholdAttacks?: boolean;
}

export type LinkPlacement = 'in-thread' | 'link-thread';

/**
 * Fleets of this many devices or more get a link thread by default: it pays from 1,000 devices and
 * makes no difference at 100 (figures: docs/benchmarks.md#what-limits-it, "The link thread").
 */
export const LINK_THREAD_THRESHOLD = 1000;

/**
 * The link placement a fleet of `devices` gets by default. `onSimulationClock`: the clients' sessions run
 * on the simulation's clock (a plan with network faults: keep-alive, CONNACK timeout and reconnect
 * back-off are simulated instants, docs/network.md#what-a-device-notices), which only the simulation's
 * thread has — so they stay on it whatever the fleet's size.
 */
export function linksFor(devices: number, onSimulationClock = false): LinkPlacement {
  if (onSimulationClock) return 'in-thread';
  return devices >= LINK_THREAD_THRESHOLD ? 'link-thread' : 'in-thread';
}

/**
 * What 'max' speed does not keep in a realtime run with network faults (Run.maxSpeedNote): the clients
 * were opened with realtime's wall-clock keep-alive (docs/network.md#realtime-mode-at-max-speed).
 */
export const MAX_SPEED_NETWORK_NOTE =
  'network faults keep a wall-clock keep-alive at max: a blackholed device may not notice (docs/network.md)';

/** Why a fleet that would get a link thread by its size keeps its clients on the simulation's thread. */
export const IN_THREAD_FOR_NETWORK_FAULTS = 'kept on the simulation thread: network faults run their sessions on its clock';

export type RunPhase = 'created' | 'starting' | 'running' | 'paused' | 'stopping' | 'finished';

export interface RunStatus {
  phase: RunPhase;
  simMs: number;
  durationMs: number;
  wallMs: number;
  speed: number | 'max';
  messages: number;
  delivered: number;
  events: number;
  /**
   * Realtime: the speed the run actually achieved over the last second or two of wall time (simulated
   * ms per wall ms), once there is such a window; below `speed` when the machine cannot keep up.
   */
  achievedSpeed?: number;
}

/**
 * Fast mode's settle window when none is given: long enough to carry about SYNC_WINDOW.messages
 * telemetry messages, between SYNC_WINDOW.minMs and SYNC_WINDOW.maxMs, in whole seconds.
 *
 * Each settle has a fixed cost (a round trip through the broker, a turn of every event loop) that fades
 * once a window carries a few thousand messages; past 60 s nothing more was gained. Digests do not
 * depend on the window (test/determinism.e2e.test.ts). Figures: docs/benchmarks.md#what-limits-it.
 */
export function defaultSyncMs(telemetryPerSecond: number): number {
  const { messages, minMs, maxMs } = SYNC_WINDOW;
  if (!(telemetryPerSecond > 0)) return maxMs;
  return Math.min(maxMs, Math.max(minMs, Math.ceil(messages / telemetryPerSecond) * 1000));
}

export const SYNC_WINDOW = { messages: 2400, minMs: 5000, maxMs: 60_000 } as const;
