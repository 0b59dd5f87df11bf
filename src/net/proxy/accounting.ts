import type { Direction } from './toxic.ts';

/** Bytes one direction of one connection (or of a whole proxy) saw. */
export interface ByteAccount {
  /** Read from the sender. */
  in: number;
  /** Written to the receiver (copies a fault added included). */
  out: number;
  /** Swallowed by a fault, or still held when the connection closed. */
  dropped: number;
  /** Held by a fault right now (latency, bandwidth, a holding blackhole...). */
  held: number;
  /** Added by a fault (duplicates), or taken away by a rewrite (a downgrade makes a PUBLISH shorter: negative). */
  added: number;
}

/** What faults did to whole PUBLISH packets in one direction. */
export interface PublishAccount {
  dropped: number;
  delayed: number;
  duplicated: number;
  downgraded: number;
  /** PUBACKs the proxy sent back on the receiver's behalf (a downgrade with ack). */
  acked: number;
}

export interface DirectionAccount {
  bytes: ByteAccount;
  publishes: PublishAccount;
}

export interface ConnectionAccount {
  id: number;
  /** From the client's CONNECT; undefined until it arrived (or if the stream is not MQTT). */
  clientId: string | undefined;
  open: boolean;
  upstream: DirectionAccount;
  downstream: DirectionAccount;
}

export interface ProxyAccount {
  /** Connections accepted (and given an upstream connection to the broker). */
  accepted: number;
  /** Connections refused while the proxy was down (accepted by the kernel, then reset at once). */
  refused: number;
  /** Connections the proxy reset (down, flapping, reset_peer, blackhole timeout, broker-side keep-alive). */
  reset: number;
  /** Under TLS: connections refused at the handshake (no valid client certificate under mutual TLS, no identity to present upstream). */
  tlsRefused?: number;
  upstream: DirectionAccount;
  downstream: DirectionAccount;
}

/**
 * What the proxy did, one event at a time, for the delivery ledger: a PUBLISH's fate carries its
 * topic, QoS, packet id and payload (a view valid only during the call: decode it, do not keep it), so
 * the ledger can tie it to the device message it carries. `at` is the proxy's clock (simulated time in
 * fast mode).
 */
export type ProxyEvent =
  | { type: 'connection.opened'; at: number; connection: number; clientId: string | undefined }
  | { type: 'connection.closed'; at: number; connection: number; clientId: string | undefined; reason: CloseReason }
  | { type: 'connection.refused'; at: number }
  /** A fault cut a connection; `established`: the broker had accepted its session, and publishes the client's will. */
  | { type: 'session.cut'; at: number; connection: number; clientId: string | undefined; established: boolean }
  /**
   * The client closed its connection (a FIN or a reset) without a DISCONNECT — its keep-alive or
   * CONNACK timeout gave up — and that close went on towards the broker, which had accepted its
   * session: the broker publishes the client's will [MQTT-3.1.2-8]. Not when a fault had cut the
   * session already (session.cut), nor when the close is still held or swallowed by a toxic.
   */
  | { type: 'session.dropped'; at: number; connection: number; clientId: string | undefined }
  /** The proxy read the broker's CONNACK to the client (SessionBook waits for it where a fault swallows it on its way down). */
  | { type: 'session.accepted'; at: number; connection: number; clientId: string | undefined }
  /** The proxy read the client's FIN or reset (SessionBook waits for it: what the broker hears of the close comes from here). */
  | { type: 'client.closed'; at: number; connection: number; clientId: string | undefined }
  | {
      type: 'publish';
      at: number;
      connection: number;
      clientId: string | undefined;
      direction: Direction;
      fate: PublishFate;
      /** The toxic that acted. */
      toxic: string;
      topic: string;
      qos: number;
      messageId: number | undefined;
      payload: Buffer;
      /** delayed: how long it is held on the proxy's clock (Infinity: until the fault ends). */
      delayMs?: number;
    };

export type PublishFate = 'dropped' | 'delayed' | 'duplicated' | 'downgraded' | 'released';

export type CloseReason =
  | 'client-closed'
  | 'broker-closed'
  | 'client-error'
  | 'broker-error'
  | 'reset'
  | 'closed-by-fault'
  | 'proxy-closed';

export function emptyDirection(): DirectionAccount {
  return {
    bytes: { in: 0, out: 0, dropped: 0, held: 0, added: 0 },
    publishes: { dropped: 0, delayed: 0, duplicated: 0, downgraded: 0, acked: 0 },
  };
}

/** Adds `from` into `into`, field by field. */
export function addDirection(into: DirectionAccount, from: DirectionAccount): void {
  for (const key of Object.keys(into.bytes) as (keyof ByteAccount)[]) into.bytes[key] += from.bytes[key];
  for (const key of Object.keys(into.publishes) as (keyof PublishAccount)[]) into.publishes[key] += from.publishes[key];
}
