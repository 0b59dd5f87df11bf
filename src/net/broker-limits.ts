import { DESCRIPTOR_RESERVE, descriptorLimit } from './descriptor-limit.ts';

/**
 * Limits the embedded broker applies instead of aedes' permissive defaults (docs/broker.md). Each one
 * closes a way a hostile or broken client could hold the broker's memory or sockets.
 */
export interface BrokerLimits {
  /** Largest MQTT packet accepted, bytes. aedes has no limit; 256 KiB fits any device message by far. */
  maxPacketSize: number;
  /** A client must send CONNECT within this time, ms. aedes: 30 s; 10 s blunts connect floods. */
  connectTimeoutMs: number;
  /** A client that does not read for this long is dropped, ms. aedes: 60 s; slow readers pin memory. */
  drainTimeoutMs: number;
  /**
   * Longest silence the broker waits for, as a keep-alive in s. A client asking for more, or for 0 (no
   * keep-alive), is accepted and held to this one: it is dropped after 1.5 times it without a packet.
   * MQTT 3.1.1 lets a server disconnect an inactive client at any time ([MQTT-3.1.2-24] note), so
   * this caps SlowITe-style attacks that ask for huge keep-alives without refusing a conforming CONNECT
   * (aedes' own `keepaliveLimit` refuses keep-alive 0 with a return code MQTT 3.1.1 reserves).
   */
  keepaliveLimitS: number;
  /** Longest client id accepted ([MQTT-3.1.3-5] allows servers more than 23). */
  maxClientIdLength: number;
  /** Messages queued for an offline persistent session before the oldest is dropped per aedes. */
  queueLimit: number;
  /** Inbound QoS 2 messages one client may leave awaiting PUBREL (aedes' `maxInflightInbound`). */
  maxInflightInbound: number;
  /**
   * Connections open at once, TCP and TLS. Default: the process's descriptor limit less a reserve, so
   * a connection flood is refused (logged and counted) before the broker runs out of descriptors.
   */
  maxConnections: number;
  /**
   * New connections one address may open per second; 0 (the default) for no limit: a fleet on
   * loopback connects from one address at over 1,000 a second. Set it when the broker faces a network.
   */
  connectionsPerAddressPerSecond: number;
  /**
   * Messages the broker routes at once (aedes' `concurrency`); later ones queue, so a subscriber that
   * stops reading holds at most this many. aedes' default; the queue drains without recursion
   * (src/net/message-emitter.ts), so a long one no longer overflows the stack.
   */
  deliveryConcurrency: number;
}

export const DEFAULT_BROKER_LIMITS: BrokerLimits = {
  maxPacketSize: 256 * 1024,
  connectTimeoutMs: 10_000,
  drainTimeoutMs: 10_000,
  keepaliveLimitS: 300,
  maxClientIdLength: 64,
  queueLimit: 1000,
  maxInflightInbound: 1000,
  maxConnections: Math.max(1, (descriptorLimit() ?? 65_536) - DESCRIPTOR_RESERVE),
  connectionsPerAddressPerSecond: 0,
  deliveryConcurrency: 100,
};
