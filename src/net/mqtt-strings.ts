import { isUtf8 } from 'node:buffer';

/** MQTT control packet types whose bodies carry UTF-8 strings ([MQTT-2.2.1]). */
export const PACKET_TYPE = { connect: 1, publish: 3, subscribe: 8, unsubscribe: 10, pingreq: 12, disconnect: 14 } as const;

/**
 * Checks a packet's remaining length where MQTT 3.1.1 fixes it and mqtt-packet does not: PINGREQ and
 * DISCONNECT have no body ([MQTT-3.12.1], [MQTT-3.14.1]). Returns why the packet must be refused.
 */
export function checkPacketLength(type: number, length: number): string | undefined {
  if ((type === PACKET_TYPE.pingreq || type === PACKET_TYPE.disconnect) && length !== 0) {
    return `${type === PACKET_TYPE.pingreq ? 'PINGREQ' : 'DISCONNECT'} with a body of ${length} bytes (it has none)`;
  }
  return undefined;
}

/**
 * Checks the UTF-8 strings of an MQTT 3.1/3.1.1 packet body: client id, will topic and user name in
 * CONNECT, the topic of PUBLISH, the filters of SUBSCRIBE and UNSUBSCRIBE. Returns why the packet must
 * be refused, or undefined. mqtt-packet decodes strings with Buffer#toString, which turns ill-formed
 * bytes into U+FFFD and keeps U+0000, so the broker would route a topic no conforming client can name;
 * [MQTT-1.5.3-1] (ill-formed UTF-8, including encoded surrogates) and [MQTT-1.5.3-2] (U+0000) require
 * the server to close the connection instead.
 *
 * `body` may be a prefix of the packet (PUBLISH: its topic only). A body whose lengths do not add up
 * is left to the parser, which reports it as malformed.
 */
export function checkPacketStrings(type: number, body: Uint8Array): string | undefined {
  const reader = new StringReader(body);
  switch (type) {
    case PACKET_TYPE.publish:
      return reader.string('topic');
    case PACKET_TYPE.subscribe:
    case PACKET_TYPE.unsubscribe: {
      if (!reader.skip(2)) return undefined; // packet identifier
      // [MQTT-3.8.3-3], [MQTT-3.10.3-2]: at least one topic filter (mqtt-packet accepts none).
      if (reader.done) return `${type === PACKET_TYPE.subscribe ? 'SUBSCRIBE' : 'UNSUBSCRIBE'} without a topic filter`;
      while (!reader.done) {
        const problem = reader.string('topic filter');
        if (problem !== undefined || reader.failed) return problem;
        if (type === PACKET_TYPE.subscribe && !reader.skip(1)) return undefined; // requested QoS
      }
      return undefined;
    }
    case PACKET_TYPE.connect:
      return checkConnect(reader);
    default:
      return undefined;
  }
}

function checkConnect(reader: StringReader): string | undefined {
  const protocol = reader.string('protocol name');
  if (protocol !== undefined || reader.failed) return protocol;
  const level = reader.byte();
  const flags = reader.byte();
  // MQTT 5 adds properties before the payload; aedes refuses version 5 with CONNACK 1 anyway.
  if (level === undefined || flags === undefined || level === 5 || !reader.skip(2)) return undefined;
  const clientId = reader.string('client id');
  if (clientId !== undefined || reader.failed) return clientId;
  if (flags & 0x04) {
    const willTopic = reader.string('will topic');
    if (willTopic !== undefined || reader.failed) return willTopic;
    if (!reader.binary()) return undefined; // will message: binary data, not a string
  }
  if (flags & 0x80) return reader.string('user name');
  return undefined;
}

/** Reads length-prefixed fields; `failed` once a length runs past the body. */
class StringReader {
  #bytes: Uint8Array;
  #pos = 0;
  failed = false;

  constructor(bytes: Uint8Array) {
    this.#bytes = bytes;
  }

  get done(): boolean {
    return this.#pos >= this.#bytes.length;
  }

  skip(n: number): boolean {
    if (this.#pos + n > this.#bytes.length) return !(this.failed = true);
    this.#pos += n;
    return true;
  }

  byte(): number | undefined {
    if (this.#pos >= this.#bytes.length) {
      this.failed = true;
      return undefined;
    }
    return this.#bytes[this.#pos++];
  }

  /** A length-prefixed byte field; false when it runs past the body. */
  binary(): Uint8Array | undefined {
    if (this.#pos + 2 > this.#bytes.length) {
      this.failed = true;
      return undefined;
    }
    const length = (this.#bytes[this.#pos]! << 8) | this.#bytes[this.#pos + 1]!;
    const start = this.#pos + 2;
    if (start + length > this.#bytes.length) {
      this.failed = true;
      return undefined;
    }
    this.#pos = start + length;
    return this.#bytes.subarray(start, start + length);
  }

  /** Checks a UTF-8 string field: the reason it is refused, or undefined (also when it is cut short). */
  string(what: string): string | undefined {
    const bytes = this.binary();
    if (bytes === undefined) return undefined;
    if (!isUtf8(bytes)) return `${what} is not well-formed UTF-8 [MQTT-1.5.3-1]`;
    if (bytes.includes(0)) return `${what} contains U+0000 [MQTT-1.5.3-2]`;
    return undefined;
  }
}
