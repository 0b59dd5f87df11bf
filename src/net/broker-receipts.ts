import type { Aedes } from 'aedes';
import { onBrokerPublish } from './broker-publish-hook.ts';

/**
 * Counts the PUBLISH packets the embedded broker has handled, per connection (the client's source
 * port on loopback), and lets a caller wait until a connection's count reaches a number. A QoS 0 burst
 * has no acknowledgement, so this is how a run knows the broker has taken in every message a flood
 * sent before simulated time moves on: the sender knows how many it wrote, the broker says how many it
 * handled (dropped ones included: the publish gate drops them inside `publish`), and the wait ends on
 * that event — never on a timer.
 */
export class BrokerReceipts {
  readonly #counts = new Map<number, number>();
  readonly #waiters = new Map<number, { count: number; resolve: () => void }[]>();
  readonly #failed = new Set<number>();
  readonly #byClient = new Map<string, number>();
  #clientWaiters: { clientId: string; count: number; resolve: () => void }[] = [];
  readonly #failWaiters = new Map<number, (() => void)[]>();
  readonly #attached = new WeakSet<Aedes>();

  /** Counts what `aedes` handles; once per instance (a restarted broker is a new aedes, attached again). */
  attach(aedes: Aedes): void {
    if (this.#attached.has(aedes)) return;
    this.#attached.add(aedes);
    onBrokerPublish(aedes, (_packet, client) => {
      // Counted once the broker is done with it: routed to every subscriber's connection, or dropped.
      const port = (client?.conn as { remotePort?: number } | undefined)?.remotePort;
      const clientId = client?.id;
      return () => {
        if (port !== undefined) this.#count(port);
        if (clientId !== undefined) this.#countClient(clientId);
      };
    });
  }

  /**
   * Notes a connection the broker dropped before MQTT (EmbeddedBroker.onLog's `client.error` with a
   * cause: a failed TLS handshake, a malformed or oversized packet).
   */
  noteError(event: { type: string; cause?: string; port?: number }): void {
    // A connection refused at accept (over the connection cap) is dropped before MQTT too.
    const beforeMqtt = (event.type === 'client.error' && event.cause !== undefined) || event.type === 'connection.refused';
    if (!beforeMqtt || event.port === undefined) return;
    this.#failed.add(event.port);
    for (const resolve of this.#failWaiters.get(event.port) ?? []) resolve();
    this.#failWaiters.delete(event.port);
  }

  /** Resolves once the broker has reported dropping the connection at `port` before MQTT (see noteError). */
  waitForError(port: number): Promise<void> {
    if (this.#failed.has(port)) return Promise.resolve();
    return new Promise((resolve) => this.#failWaiters.set(port, [...(this.#failWaiters.get(port) ?? []), resolve]));
  }

  /** PUBLISH packets handled from client id `clientId` so far, over all its connections. */
  receivedFrom(clientId: string): number {
    return this.#byClient.get(clientId) ?? 0;
  }

  /** Resolves once the broker has handled `count` PUBLISH packets from client id `clientId` (see receivedFrom). */
  waitForClient(clientId: string, count: number): Promise<void> {
    if (this.receivedFrom(clientId) >= count) return Promise.resolve();
    return new Promise((resolve) => this.#clientWaiters.push({ clientId, count, resolve }));
  }

  #countClient(clientId: string): void {
    const n = (this.#byClient.get(clientId) ?? 0) + 1;
    this.#byClient.set(clientId, n);
    if (this.#clientWaiters.length === 0) return;
    this.#clientWaiters = this.#clientWaiters.filter((w) => {
      if (w.clientId !== clientId || w.count > n) return true;
      w.resolve();
      return false;
    });
  }

  /** PUBLISH packets handled from the connection at `port` so far. */
  received(port: number): number {
    return this.#counts.get(port) ?? 0;
  }

  /** Resolves once the broker has handled `count` PUBLISH packets from the connection at `port`. */
  waitFor(port: number, count: number): Promise<void> {
    if (this.received(port) >= count) return Promise.resolve();
    return new Promise((resolve) => {
      const list = this.#waiters.get(port) ?? [];
      list.push({ count, resolve });
      this.#waiters.set(port, list);
    });
  }

  #count(port: number): void {
    const n = (this.#counts.get(port) ?? 0) + 1;
    this.#counts.set(port, n);
    const list = this.#waiters.get(port);
    if (list === undefined) return;
    const remaining = list.filter((w) => {
      if (w.count > n) return true;
      w.resolve();
      return false;
    });
    if (remaining.length === 0) this.#waiters.delete(port);
    else this.#waiters.set(port, remaining);
  }
}
