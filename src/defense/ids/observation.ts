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
  | PublishObservation
  | ProtocolErrorObservation;

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
  /** The user name the CONNECT presented, if any (on an `open` broker too: it is in the packet, checked or not). */
  username?: string;
  /**
   * Set when the CONNECT presented a password from the well-known default list (default-passwords.ts).
   * The password itself never leaves the tap. Plaintext MQTT shows it to any network IDS too.
   */
  defaultPassword?: true;
  /** The keep-alive the CONNECT asked for, s, before the broker held it to its limit (0: none). */
  keepalive?: number;
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

/**
 * A connection the broker dropped before MQTT could name its client: a failed TLS handshake (no
 * client certificate from the run CA, or plaintext on a TLS port), a packet over the size limit, or
 * bytes that are not MQTT. `clientId` is `(no client id)`: there was none.
 */
export interface ProtocolErrorObservation extends Base {
  kind: 'protocol.error';
  clientId: string;
  reason: 'tls' | 'oversized' | 'malformed';
  /** The broker's error text. */
  detail: string;
}

/** The client id a protocol error is filed under: the broker never learnt one. */
export const NO_CLIENT_ID = '(no client id)';

/** Payload bytes kept per observation: enough for any command or telemetry envelope, bounded under a flood. */
export const MAX_PAYLOAD_TEXT = 16 * 1024;

/** An observation placed in the stream: `id` is its position in canonical order, from 1 (the evidence reference). */
export type ObservedEvent = Observation & { id: number };

/** The client an observation is about (a lockout names a user name, which is the client id here). */
export function clientOf(o: Observation): string {
  return o.kind === 'lockout' ? o.username : o.clientId;
}

/**
 * Canonical order within one instant: time, then client id, then the order the client sent them. One
 * client's packets reach the broker in the order it sent them (one TCP connection, processed in
 * order), while different clients' interleave by chance; sorting by client (a stable sort keeps each
 * client's own order) makes the stream — and the rules' verdicts and evidence ids — the same in
 * every run. In fast mode a whole settle window's traffic shares one instant, so a client's order
 * must never be lost to a content sort (telemetry seq 12 sorts before seq 2 as text).
 */
export function compareObservations(a: Observation, b: Observation): number {
  if (a.t !== b.t) return a.t - b.t;
  const ca = clientOf(a);
  const cb = clientOf(b);
  return ca < cb ? -1 : ca > cb ? 1 : 0;
}
