import { connect as connectTcp, type Socket } from 'node:net';
import { connect as connectTls } from 'node:tls';
import mqttPacket, { type Packet } from 'mqtt-packet';

/**
 * A bare MQTT client on a raw socket, for tests that must send what no well-behaved client library
 * would (keep-alive 0 with odd flags, ill-formed strings, broken headers) and read exactly what the
 * broker answers. Packets are built and parsed with mqtt-packet, the codec aedes and mqtt.js use.
 */
export class RawMqtt {
  readonly socket: Socket;
  readonly received: Packet[] = [];
  readonly closed: Promise<void>;
  #waiters: (() => void)[] = [];

  private constructor(socket: Socket) {
    this.socket = socket;
    const parser = mqttPacket.parser({ protocolVersion: 4 });
    parser.on('packet', (packet: Packet) => {
      this.received.push(packet);
      for (const wake of this.#waiters.splice(0)) wake();
    });
    parser.on('error', () => socket.destroy());
    socket.on('data', (chunk) => parser.parse(chunk));
    socket.on('error', () => {});
    this.closed = new Promise((resolve) => socket.once('close', () => resolve()));
    this.closed.then(() => {
      for (const wake of this.#waiters.splice(0)) wake();
    });
  }

  /** Connects to `port` on loopback (TLS when `tls` is given; the test's own certificate is trusted). */
  static open(port: number, tls?: { ca: string | Buffer }): Promise<RawMqtt> {
    return new Promise((resolve, reject) => {
      const socket = tls
        ? connectTls({ port, host: '127.0.0.1', ca: tls.ca, servername: 'localhost' }, () => resolve(new RawMqtt(socket)))
        : connectTcp(port, '127.0.0.1', () => resolve(new RawMqtt(socket)));
      socket.once('error', reject);
    });
  }

  send(packet: Packet | Buffer): void {
    this.socket.write(Buffer.isBuffer(packet) ? packet : mqttPacket.generate(packet));
  }

  /** The next packet the broker sends, or undefined if it closes the connection first. */
  async next(): Promise<Packet | undefined> {
    const seen = this.received.length;
    while (this.received.length === seen && !this.socket.destroyed && this.socket.readyState !== 'closed') {
      await new Promise<void>((resolve) => this.#waiters.push(resolve));
    }
    return this.received[seen];
  }

  /** Sends CONNECT and returns the CONNACK's return code (undefined: closed without one). */
  async connect(fields: Partial<mqttPacket.IConnectPacket> = {}): Promise<number | undefined> {
    this.send({ cmd: 'connect', protocolId: 'MQTT', protocolVersion: 4, clean: true, clientId: 'raw', keepalive: 30, ...fields });
    const packet = await this.next();
    return packet?.cmd === 'connack' ? (packet.returnCode ?? 0) : undefined;
  }

  close(): void {
    this.socket.destroy();
  }
}

/** An MQTT 3.1.1 packet with `body` exactly as given (no validation): type and flags, then the body. */
export function rawPacket(typeAndFlags: number, body: Buffer): Buffer {
  const length: number[] = [];
  let x = body.length;
  do {
    let byte = x % 128;
    x = Math.floor(x / 128);
    if (x > 0) byte |= 0x80;
    length.push(byte);
  } while (x > 0);
  return Buffer.concat([Buffer.from([typeAndFlags, ...length]), body]);
}

/** A length-prefixed MQTT string field of raw bytes ([MQTT-1.5.3]). */
export function field(bytes: Buffer | string): Buffer {
  const b = Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes);
  return Buffer.concat([Buffer.from([b.length >> 8, b.length & 0xff]), b]);
}
