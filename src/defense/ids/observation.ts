/**
 * What a sensor on the broker sees, one record per thing that happened, stamped with SIMULATED time
 * (the run's clock, never the wall clock). The IDS rules read only this, so they run the same on a
 * live broker (broker-tap.ts), on a recorded stream and in unit tests.
 *
 * `clientId` is what the client claimed; `authenticatedAs` is the identity the broker verified (set
 * only when authentication is on and the login succeeded). Rules that must not be fooled by a claimed
 * client id look at `authenticatedAs` when there is one.
 */
export type Observation =
  | ConnectObservation
  | ConnectRefusedObservation
  | LockoutObservation
  | DisconnectObservation
  | SubscribeObservation
  | PublishObservation;

interface Base {
  /** Simulation time, ms. */
  t: number;
  /**
   * The client's TCP source port as the broker saw it, when known: it tells two sessions with one
   * client id apart (a takeover) for ground-truth labelling. Wall-clock-ish and different every run,
   * so it never reaches a rule, the event log or the dataset.
   */
  port?: number;
}

export interface ConnectObservation extends Base {
  kind: 'connect';
  clientId: string;
  authenticatedAs?: string;
  /** True when another session with this client id was open and the broker closed it for this one [MQTT-3.1.4-2]. */
  takeover: boolean;
}

export interface ConnectRefusedObservation extends Base {
  kind: 'connect.refused';
  clientId: string;
  username?: string;
  /** The broker's reason (src/net/security/events.ts ConnectRefusal). */
  reason: string;
}

export interface LockoutObservation extends Base {
  kind: 'lockout';
  username: string;
  failures: number;
}

export interface DisconnectObservation extends Base {
  kind: 'disconnect';
  clientId: string;
}

export interface SubscribeObservation extends Base {
  kind: 'subscribe';
  clientId: string;
  authenticatedAs?: string;
  filter: string;
  qos: number;
  /** False when the broker answered 0x80 in the SUBACK. */
  granted: boolean;
}

export interface PublishObservation extends Base {
  kind: 'publish';
  clientId: string;
  authenticatedAs?: string;
  topic: string;
  qos: number;
  retain: boolean;
  /** Payload length, bytes. */
  size: number;
  /** The payload as UTF-8 text, cut at MAX_PAYLOAD_TEXT bytes (`size` keeps the real length). */
  payload: string;
  /** False when the broker dropped it (ACL or command policy): it reached no subscriber. */
  delivered: boolean;
}

/** Payload bytes kept per observation: enough for any command or telemetry envelope, bounded under a flood. */
export const MAX_PAYLOAD_TEXT = 16 * 1024;

/** An observation placed in the stream: `id` is its position in canonical order, from 1 (the evidence reference). */
export type ObservedEvent = Observation & { id: number };

/** The client an observation is about (a lockout names a user name, which is the client id here). */
export function clientOf(o: Observation): string {
  return o.kind === 'lockout' ? o.username : o.clientId;
}

/**
 * Canonical order within one instant: time, then client, then kind, then what it touched. Observations
 * from real sockets arrive in any order within a tick; sorting them like the event log does keeps the
 * rules' verdicts (and the alert evidence ids) identical from run to run.
 */
export function compareObservations(a: Observation, b: Observation): number {
  if (a.t !== b.t) return a.t - b.t;
  const ka = sortKey(a);
  const kb = sortKey(b);
  return ka < kb ? -1 : ka > kb ? 1 : 0;
}

function sortKey(o: Observation): string {
  switch (o.kind) {
    case 'publish':
      return `${o.clientId}\u0000${o.kind}\u0000${o.topic}\u0000${o.payload}`;
    case 'subscribe':
      return `${o.clientId}\u0000${o.kind}\u0000${o.filter}`;
    case 'connect.refused':
      return `${o.clientId}\u0000${o.kind}\u0000${o.username ?? ''}\u0000${o.reason}`;
    default:
      return `${clientOf(o)}\u0000${o.kind}`;
  }
}
