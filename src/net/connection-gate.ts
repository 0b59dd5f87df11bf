/** Why the broker turned a connection away before reading from it. */
export type RefusalReason = 'max-connections' | 'rate' | 'descriptors';

export interface ConnectionGateLimits {
  /** Connections open at once (TCP and TLS together). */
  maxConnections: number;
  /** New connections one address may open per second; 0 for no limit. */
  connectionsPerAddressPerSecond: number;
}

/**
 * Decides, as each TCP connection is accepted, whether the broker takes it: under the connection cap
 * and under its address's rate for the current second. Pure bookkeeping with the time passed in, so it
 * is tested without sockets or sleeping.
 */
export class ConnectionGate {
  readonly limits: ConnectionGateLimits;
  #open = 0;
  /** Connections per address in the current one-second window. */
  #window = new Map<string, number>();
  #windowStart = Number.NEGATIVE_INFINITY;

  constructor(limits: ConnectionGateLimits) {
    this.limits = limits;
  }

  get open(): number {
    return this.#open;
  }

  /** Takes a connection from `address` at `nowMs` (a monotonic clock), or says why it is refused. */
  admit(address: string, nowMs: number): RefusalReason | undefined {
    if (this.#open >= this.limits.maxConnections) return 'max-connections';
    const perSecond = this.limits.connectionsPerAddressPerSecond;
    if (perSecond > 0) {
      // A fixed window: forgetting every address each second keeps the map as small as one second's
      // worth of addresses, whatever a flood of spoofed or many-address clients does.
      if (nowMs - this.#windowStart >= 1000) {
        this.#window.clear();
        this.#windowStart = nowMs;
      }
      const count = this.#window.get(address) ?? 0;
      if (count >= perSecond) return 'rate';
      this.#window.set(address, count + 1);
    }
    this.#open++;
    return undefined;
  }

  /** A connection admitted earlier has closed. */
  release(): void {
    this.#open = Math.max(0, this.#open - 1);
  }
}
