import { connect as connectTcp, type Socket } from 'node:net';
import { connect as connectTls } from 'node:tls';
import mqtt from 'mqtt';
import { BAD_PACKETS } from './corpus.ts';
import { PacketFuzzer } from './packets.ts';

export interface Target {
  tcpPort: number;
  /** A TLS listener's port, and the certificate its clients trust. */
  tls?: { port: number; ca: string };
}

export interface CampaignOptions {
  target: Target;
  packets: number;
  seed: string | number;
  /** Hostile connections open at once. */
  concurrency?: number;
  /** Share of connections over TLS when the target has a TLS listener. */
  tlsShare?: number;
  onProgress?(sent: number): void;
}

export interface CampaignResult {
  packetsSent: number;
  connections: { tcp: number; tls: number; closedByBroker: number };
}

/**
 * Sends `packets` random and mutated packets at a broker over many short connections: each opens,
 * usually sends a valid CONNECT first (so what follows reaches aedes' handlers rather than only its
 * CONNECT check), then a run of fuzzed packets cut into random chunks, until the broker closes it or
 * the run ends. Only bytes written while the connection was open count as sent.
 */
export async function fuzzBroker(options: CampaignOptions): Promise<CampaignResult> {
  const fuzz = new PacketFuzzer(options.seed);
  const result: CampaignResult = { packetsSent: 0, connections: { tcp: 0, tls: 0, closedByBroker: 0 } };
  let budget = options.packets;
  let reported = 0;
  const worker = async () => {
    while (budget > 0) {
      const length = Math.min(budget, 1 + fuzz.int(60));
      budget -= length;
      const tls = options.target.tls !== undefined && fuzz.chance(options.tlsShare ?? 0.3);
      const socket = await open(options.target, tls);
      if (socket === undefined) continue;
      result.connections[tls ? 'tls' : 'tcp']++;
      // A valid CONNECT first, most of the time, counts as one of the session's packets.
      const connect = fuzz.chance(0.85) ? [fuzz.connect()] : [];
      const wire = [...connect, ...Array.from({ length: length - connect.length }, () => fuzz.next())];
      let closed = false;
      socket.once('close', () => (closed = true));
      let sent = 0;
      for (const packet of wire) {
        if (closed || socket.destroyed) break;
        for (const chunk of split(packet, fuzz)) socket.write(chunk);
        sent++;
        if (fuzz.chance(0.1)) await new Promise((resolve) => setImmediate(resolve));
      }
      result.packetsSent += sent;
      // What the broker cut short goes back to the budget: N packets means N written to open connections.
      budget += Math.max(0, wire.length - sent);
      if (closed) result.connections.closedByBroker++;
      // Leave some connections to the broker's timeouts for a moment, close the rest at once.
      await new Promise((resolve) => setTimeout(resolve, fuzz.chance(0.2) ? 50 : 0));
      socket.destroy();
      if (result.packetsSent - reported >= 5000) {
        reported = result.packetsSent;
        options.onProgress?.(result.packetsSent);
      }
    }
  };
  await Promise.all(Array.from({ length: options.concurrency ?? 16 }, worker));
  return result;
}

/** Result of sending one known-bad input: whether the broker closed the connection on it. */
export interface CorpusOutcome {
  name: string;
  closed: boolean;
}

/** Sends each known-bad packet of the corpus on a connection of its own (TCP, then TLS if there is one). */
export async function sendCorpus(target: Target): Promise<CorpusOutcome[]> {
  const fuzz = new PacketFuzzer('corpus');
  const outcomes: CorpusOutcome[] = [];
  for (const tls of target.tls ? [false, true] : [false]) {
    for (const bad of BAD_PACKETS) {
      const socket = await open(target, tls);
      if (socket === undefined) throw new Error(`the broker refused a connection before "${bad.name}"`);
      const closed = new Promise<boolean>((resolve) => {
        socket.once('close', () => resolve(true));
        setTimeout(() => resolve(false), 1500);
      });
      if (bad.afterConnect) {
        const connack = new Promise<void>((resolve) => {
          socket.once('data', () => resolve());
          socket.once('close', () => resolve());
        });
        socket.write(fuzz.connect());
        await connack;
      }
      socket.write(bad.bytes);
      outcomes.push({ name: `${tls ? 'TLS' : 'TCP'}: ${bad.name}`, closed: await closed });
      socket.destroy();
    }
  }
  return outcomes;
}

/** Round trips of a well-behaved client through the broker while it is under attack. */
export class LatencyProbe {
  readonly latenciesMs: number[] = [];
  unanswered = 0;
  disconnects = 0;
  #stopping = false;
  #client: mqtt.MqttClient;
  #pending = new Map<number, number>();
  #seq = 0;
  #timer: NodeJS.Timeout | undefined;

  private constructor(client: mqtt.MqttClient) {
    this.#client = client;
    client.on('message', (_topic, payload) => {
      const seq = Number(payload.toString());
      const sent = this.#pending.get(seq);
      if (sent === undefined) return;
      this.#pending.delete(seq);
      this.latenciesMs.push(performance.now() - sent);
    });
    client.on('close', () => {
      if (!this.#stopping) this.disconnects++;
    });
  }

  static async start(url: string, everyMs = 50): Promise<LatencyProbe> {
    const client = await mqtt.connectAsync(url, { clientId: `probe-${process.pid}`, reconnectPeriod: 0, keepalive: 30 });
    await client.subscribeAsync('probe/echo', { qos: 1 });
    const probe = new LatencyProbe(client);
    probe.#timer = setInterval(() => probe.#ping(), everyMs);
    return probe;
  }

  #ping(): void {
    const seq = ++this.#seq;
    this.#pending.set(seq, performance.now());
    this.#client.publish('probe/echo', String(seq), { qos: 1 });
  }

  /** Stops pinging, waits up to `graceMs` for answers, and counts the rest as unanswered. */
  async stop(graceMs = 5000): Promise<void> {
    clearInterval(this.#timer);
    const until = performance.now() + graceMs;
    while (this.#pending.size > 0 && performance.now() < until) await new Promise((resolve) => setTimeout(resolve, 20));
    this.unanswered = this.#pending.size;
    this.#stopping = true;
    await this.#client.endAsync();
  }

  /** p50, p99 and max round trip, ms. */
  summary(): { n: number; p50: number; p99: number; max: number } {
    const sorted = [...this.latenciesMs].sort((a, b) => a - b);
    const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))] ?? Number.NaN;
    return { n: sorted.length, p50: at(0.5), p99: at(0.99), max: sorted.at(-1) ?? Number.NaN };
  }
}

function open(target: Target, tls: boolean): Promise<Socket | undefined> {
  return new Promise((resolve) => {
    const socket: Socket =
      tls && target.tls
        ? connectTls({ port: target.tls.port, host: '127.0.0.1', ca: target.tls.ca, servername: 'localhost' }, () => resolve(socket))
        : connectTcp(target.tcpPort, '127.0.0.1', () => resolve(socket));
    socket.on('error', () => resolve(undefined));
  });
}

/** Cuts a packet into 1–4 chunks at random places, so headers and bodies straddle reads. */
function split(bytes: Buffer, fuzz: PacketFuzzer): Buffer[] {
  const cuts = [...new Set(Array.from({ length: fuzz.int(4) }, () => fuzz.int(bytes.length + 1)))].sort((a, b) => a - b);
  const chunks: Buffer[] = [];
  let from = 0;
  for (const cut of [...cuts, bytes.length]) {
    if (cut > from) chunks.push(bytes.subarray(from, cut));
    from = cut;
  }
  return chunks;
}
