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
  /** Longest keep-alive a client may ask for, s. aedes: unlimited, which SlowITe-style attacks abuse. */
  keepaliveLimitS: number;
  /** Longest client id accepted ([MQTT-3.1.3-5] allows servers more than 23). */
  maxClientIdLength: number;
  /** Messages queued for an offline persistent session before the oldest is dropped per aedes. */
  queueLimit: number;
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
  deliveryConcurrency: 100,
};
