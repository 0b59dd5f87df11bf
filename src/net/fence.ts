import type { MqttClient } from 'mqtt';

/** Per client: PINGREQs sent and PINGRESPs received (keepalive's included), and the fences waiting. */
interface PingCount {
  sent: number;
  answered: number;
  waiting: { upTo: number; done: () => void }[];
}

const counts = new WeakMap<MqttClient, PingCount>();

function countFor(client: MqttClient): PingCount {
  let count = counts.get(client);
  if (count !== undefined) return count;
  const fresh: PingCount = { sent: 0, answered: 0, waiting: [] };
  count = fresh;
  counts.set(client, fresh);
  client.on('packetsend', (packet) => {
    if (packet.cmd === 'pingreq') fresh.sent++;
  });
  const release = (all: boolean) => {
    const ready = all ? fresh.waiting : fresh.waiting.filter((w) => w.upTo <= fresh.answered);
    fresh.waiting = all ? [] : fresh.waiting.filter((w) => w.upTo > fresh.answered);
    for (const w of ready) w.done();
  };
  client.on('packetreceive', (packet) => {
    if (packet.cmd !== 'pingresp') return;
    fresh.answered++;
    release(false);
  });
  // A connection that is gone delivers nothing more: nothing left to wait for.
  client.on('close', () => {
    fresh.answered = fresh.sent;
    release(true);
  });
  return count;
}

/**
 * Resolves once every packet the broker wrote to this connection before it read a PINGREQ sent now has
 * been handled (its 'message' emitted): the broker answers a PINGREQ in order on the same socket, and
 * mqtt.js handles incoming packets one after another. A round trip with no payload and no log entry
 * (keepalive pings are ordinary traffic). Keepalive's own pings are counted, so an earlier PINGRESP never
 * ends a later fence. A client not connected resolves at once: nothing more can reach it.
 */
export function pingFence(client: MqttClient): Promise<void> {
  if (!client.connected) return Promise.resolve();
  const count = countFor(client);
  return new Promise((resolve) => {
    client.sendPing();
    // A connected client writes it at once ('packetsend' counted it): its answer is the count's last.
    count.waiting.push({ upTo: count.sent, done: resolve });
  });
}
