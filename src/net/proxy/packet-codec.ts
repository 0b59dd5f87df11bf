import '../quiet-debug.ts'; // first: before mqtt-packet and aedes create their loggers
import mqttPacket, { type Packet } from 'mqtt-packet';

/**
 * Decoding and encoding of single MQTT packets for the proxy's MQTT-aware faults, through mqtt-packet
 * (the codec aedes and mqtt.js use on either side of the proxy) rather than a hand-written one.
 */

const parsers = new Map<number, { parser: mqttPacket.Parser; result: Packet | Error | undefined }>();

/**
 * Decodes exactly one whole packet (as the framer cut it). A malformed packet comes back as an Error,
 * never thrown: the proxy passes such bytes on untouched and the broker decides what to do with them.
 */
export function decodePacket(bytes: Buffer, protocolVersion: number): Packet | Error {
  let entry = parsers.get(protocolVersion);
  if (entry === undefined) {
    const parser = mqttPacket.parser({ protocolVersion });
    const created: { parser: mqttPacket.Parser; result: Packet | Error | undefined } = { parser, result: undefined };
    parser.on('packet', (packet: Packet) => (created.result ??= packet));
    parser.on('error', (error: Error) => (created.result ??= error));
    parsers.set(protocolVersion, (entry = created));
  }
  entry.result = undefined;
  let left = 0;
  try {
    left = entry.parser.parse(bytes);
  } catch (error) {
    entry.result = error instanceof Error ? error : new Error(String(error));
  }
  const result = entry.result ?? new Error(`incomplete MQTT packet (${bytes.length} bytes)`);
  // A parser that failed, or was left holding bytes, starts the next packet fresh.
  if (result instanceof Error || left > 0) parsers.delete(protocolVersion);
  return result;
}

/** Encodes a packet; throws only for a packet the proxy itself built wrong. */
export function encodePacket(packet: Packet, protocolVersion: number): Buffer {
  return mqttPacket.generate(packet, { protocolVersion });
}

/**
 * Whether `topic` matches the subscription filter `filter` ([MQTT-4.7]: `+` one level, `#` the rest,
 * and neither matches a topic starting with `$` at the first level).
 */
export function topicMatches(filter: string, topic: string): boolean {
  if (filter === '#') return !topic.startsWith('$');
  const f = filter.split('/');
  const t = topic.split('/');
  if ((f[0] === '+' || f[0] === '#') && topic.startsWith('$')) return false;
  for (let i = 0; i < f.length; i++) {
    if (f[i] === '#') return true;
    if (i >= t.length) return false;
    if (f[i] !== '+' && f[i] !== t[i]) return false;
  }
  return f.length === t.length;
}
