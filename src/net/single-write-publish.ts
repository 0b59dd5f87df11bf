import { createRequire } from 'node:module';

/**
 * One `write` per PUBLISH. mqtt-packet writes a PUBLISH to its stream in five pieces — the header
 * byte, the remaining length, the topic's length, the topic and the payload — so a socket queues five
 * write requests per message, Node gathers them into a `writev` of five chunks each, and the two that
 * are strings are encoded there. A device sending a fast-mode window's two dozen messages handed its
 * socket 120 chunks; on a localhost socket, one buffer per message cost about half the CPU per message
 * of the five pieces (docs/benchmarks.md#what-limits-it, point 17).
 *
 * This wraps mqtt-packet's `writeToStream` (the one mqtt.js and aedes call, through the module's
 * exports) so that a PUBLISH it can write the same way in one piece — MQTT 3.1 or 3.1.1, an ASCII topic,
 * a string payload of ASCII or a Buffer, QoS 0 to 2 with a valid message id — goes out as one buffer
 * holding exactly the bytes the five writes held. It corks a stream that has `cork` for a tick first,
 * as mqtt-packet does (a TLS socket; net/cork-per-tick.ts hides it on a client's TCP socket). Everything
 * else, and every other packet, is mqtt-packet's own. ASCII only, because Node's Writable counts a
 * string by its length and a Buffer by its bytes: with both the same, the socket's buffered length,
 * and so what `write` returns (back-pressure), is the same as with mqtt-packet's pieces
 * (single-write-publish.test.ts compares bytes and return values).
 *
 * Imported by client.ts and broker.ts, like lean-buffer-list.ts: the module's exports are shared, so
 * once either has loaded every writer in the process uses it.
 */

interface PublishLike {
  cmd?: unknown;
  topic?: unknown;
  payload?: unknown;
  qos?: unknown;
  dup?: unknown;
  retain?: unknown;
  messageId?: unknown;
}

interface StreamLike {
  write(chunk: Buffer): boolean;
  cork?: () => void;
  uncork?: () => void;
}

type WriteToStream = ((packet: PublishLike, stream: StreamLike, opts?: { protocolVersion?: number }) => boolean) & {
  cacheNumbers?: boolean;
};

const SINGLE = Symbol.for('medtwin.single-write-publish');
/** MQTT's largest remaining length (four bytes of variable-length integer). */
const MAX_REMAINING = 268_435_455;
const PUBLISH = 0x30;

/** `Buffer#latin1Write`, which `Buffer#write` calls after checking its arguments: it allocates nothing. */
type Latin1Writable = Buffer & { latin1Write(text: string, offset: number): number };

function uncork(stream: StreamLike): void {
  stream.uncork?.();
}

/**
 * Writes `packet` as one buffer when it is a PUBLISH this can write byte for byte as mqtt-packet
 * would; returns undefined (nothing written) otherwise.
 */
export function writePublishOnce(packet: PublishLike, stream: StreamLike, opts?: { protocolVersion?: number }): boolean | undefined {
  if ((opts ? opts.protocolVersion : 4) === 5) return undefined;
  const topic = packet.topic;
  if (typeof topic !== 'string') return undefined;
  const payload = packet.payload || EMPTY;
  let payloadBytes: number;
  if (typeof payload === 'string') {
    payloadBytes = Buffer.byteLength(payload);
    if (payloadBytes !== payload.length) return undefined;
  } else if (Buffer.isBuffer(payload)) payloadBytes = payload.length;
  else return undefined;
  const topicBytes = Buffer.byteLength(topic);
  if (topicBytes !== topic.length || topicBytes > 0xffff) return undefined;
  const qos = packet.qos || 0;
  if (qos !== 0 && qos !== 1 && qos !== 2) return undefined;
  const id = packet.messageId;
  if (qos > 0 && !(typeof id === 'number' && Number.isInteger(id) && id >= 0 && id <= 0xffff)) return undefined;
  const remaining = 2 + topicBytes + (qos > 0 ? 2 : 0) + payloadBytes;
  if (remaining > MAX_REMAINING) return undefined;
  const lengthBytes = remaining < 0x80 ? 1 : remaining < 0x4000 ? 2 : remaining < 0x200000 ? 3 : 4;
  // What mqtt-packet's writeToStream does first, for every packet.
  if (stream.cork) {
    stream.cork();
    process.nextTick(uncork, stream);
  }
  const out = Buffer.allocUnsafe(1 + lengthBytes + remaining) as Latin1Writable;
  let at = 0;
  out[at++] = PUBLISH | (packet.dup ? 0x08 : 0) | (qos << 1) | (packet.retain ? 0x01 : 0);
  let rest = remaining;
  do {
    const digit = rest % 128;
    rest = (rest - digit) / 128;
    out[at++] = rest > 0 ? digit | 0x80 : digit;
  } while (rest > 0);
  out[at++] = topicBytes >> 8;
  out[at++] = topicBytes & 0xff;
  // ASCII (checked above): Latin-1 writes the same bytes as UTF-8, without encoding.
  at += out.latin1Write(topic, at);
  if (qos > 0) {
    out[at++] = (id as number) >> 8;
    out[at++] = (id as number) & 0xff;
  }
  if (typeof payload === 'string') out.latin1Write(payload, at);
  else payload.copy(out, at);
  return stream.write(out);
}

const EMPTY = Buffer.alloc(0);

const require = createRequire(import.meta.url);
const mqttPacket = require('mqtt-packet') as { writeToStream: WriteToStream };

function install(): void {
  const original = mqttPacket.writeToStream;
  if ((original as unknown as Record<symbol, unknown>)[SINGLE]) return;
  const writeToStream = ((packet: PublishLike, stream: StreamLike, opts?: { protocolVersion?: number }) => {
    if (packet?.cmd === 'publish') {
      const written = writePublishOnce(packet, stream, opts);
      if (written !== undefined) return written;
    }
    return original(packet, stream, opts);
  }) as WriteToStream;
  // mqtt.js turns mqtt-packet's number cache off through this property (its `writeCache` option).
  Object.defineProperty(writeToStream, 'cacheNumbers', {
    get: () => original.cacheNumbers,
    set: (value: boolean) => {
      original.cacheNumbers = value;
    },
  });
  Object.defineProperty(writeToStream, SINGLE, { value: original });
  mqttPacket.writeToStream = writeToStream;
}

install();

/** mqtt-packet's own writeToStream, for tests to compare with. */
export const originalWriteToStream: WriteToStream =
  ((mqttPacket.writeToStream as unknown as Record<symbol, unknown>)[SINGLE] as WriteToStream | undefined) ?? mqttPacket.writeToStream;

/** Whether mqtt-packet's writeToStream is wrapped (tests). */
export function singleWritePublishInstalled(): boolean {
  return (mqttPacket.writeToStream as unknown as Record<symbol, unknown>)[SINGLE] !== undefined;
}
