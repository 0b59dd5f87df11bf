import type { Aedes, Client } from 'aedes';

type Deliver = (packet: unknown, cb: () => void) => void;

/** What this guard touches of aedes' Client (lib/client.js), beyond its typings. */
interface ClientInternals {
  deliver0: Deliver;
  deliverQoS: Deliver;
  connackSent: boolean;
  conn: { once(event: 'close', listener: () => void): unknown };
}

/**
 * The first packet a broker sends is the CONNACK [MQTT-3.2.0-1]. aedes 1.2 restores a persistent
 * session's subscriptions *before* it writes the CONNACK (lib/handlers/connect.js: restoreSubs, then
 * storeWill and registerClient, which wait for the persistence, then doConnack), so a message
 * published meanwhile is written to the client ahead of its CONNACK (the live-message case of
 * moscajs/aedes#80). mqtt.js then deadlocks: it answers the PUBLISH with a PUBACK it may only send once
 * connected, and handles nothing more (the CONNACK included) until that PUBACK is out — a twin
 * reconnecting while devices publish never connected.
 *
 * `connackFirst(aedes)` returns a guard for each new client: deliveries reaching it before its
 * CONNACK has been written wait for it (then go out in order), and if the connection closes first
 * they are let go (a persistent session's QoS 1 copy is in its offline queue already: aedes queues
 * every message for every stored subscription and clears it on the PUBACK).
 */
export function connackFirst(aedes: Aedes): (client: Client) => void {
  const releases = new WeakMap<object, () => void>();
  aedes.on('connackSent', (_connack, client) => releases.get(client)?.());

  return (client) => {
    const c = client as unknown as ClientInternals;
    let held: { run: () => void; drop: () => void }[] | undefined = [];
    const settle = (how: 'run' | 'drop') => {
      const waiting = held ?? [];
      held = undefined;
      releases.delete(client);
      for (const delivery of waiting) delivery[how]();
    };
    releases.set(client, () => settle('run'));
    c.conn.once('close', () => settle('drop'));
    for (const key of ['deliver0', 'deliverQoS'] as const) {
      const deliver = c[key];
      c[key] = (packet, cb) => {
        if (held === undefined || c.connackSent) deliver(packet, cb);
        else held.push({ run: () => deliver(packet, cb), drop: cb });
      };
    }
  };
}
