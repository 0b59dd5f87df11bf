/**
 * One piece of a proxied byte stream. `whole`: exactly one MQTT packet, so a fault can act on it as a
 * unit (and MQTT-aware faults can decode it); otherwise raw bytes — the tail of a packet whose head
 * went by before faults were switched on, or a stream that is not MQTT at all.
 */
export interface Segment {
  bytes: Buffer;
  whole: boolean;
  /** MQTT control packet type ([MQTT-2.2.1]: 1 CONNECT ... 14 DISCONNECT), 0 when not whole. */
  type: number;
  /**
   * The whole packet whose last bytes this piece carries, when a toxic cut it up (a slicer's last
   * slice): the packet has crossed once this piece is written, so its release is reported then.
   */
  origin?: Segment;
}

/** Packet types, as the fixed header numbers them ([MQTT-2.2.1]). */
export const PacketType = {
  CONNECT: 1,
  CONNACK: 2,
  PUBLISH: 3,
  PUBACK: 4,
  SUBSCRIBE: 8,
  SUBACK: 9,
  PINGREQ: 12,
  PINGRESP: 13,
  DISCONNECT: 14,
} as const;

/**
 * Finds MQTT packet boundaries in a byte stream from the fixed headers alone ([MQTT-2.2.3]: a type
 * byte, then 1–4 remaining-length bytes of 7 bits each), without decoding anything.
 *
 * It runs in two gears. With no fault active the proxy forwards each chunk as it came (`skip`): the
 * framer only reads the headers going by, a few comparisons per packet, so it always knows where the
 * next packet starts. With a fault active it cuts the stream into whole packets (`split`), because a
 * fault must act on packets, not on whatever chunks the kernel happened to deliver: chunk boundaries
 * change from run to run, packet boundaries do not, and fast mode's determinism rests on that.
 *
 * A stream whose header breaks the rules (a fifth length byte) is not MQTT: from then on it passes as
 * raw bytes and the broker, which owns the protocol, decides what to do with it.
 */
export class MqttFramer {
  // Header of the packet being read: bytes so far (type + length bytes), its type, the length so far.
  #headerBytes = 0;
  #type = 0;
  #length = 0;
  #multiplier = 1;
  // Body bytes of the current packet still to come, once its header is complete.
  #remaining = 0;
  #inBody = false;
  // Bytes of the current packet collected while splitting, and whether its head was collected (a
  // packet whose head went by in `skip` comes out as raw bytes).
  #parts: Buffer[] = [];
  #partsBytes = 0;
  #collecting = false;
  #broken = false;
  readonly #maxPacket: number;

  /**
   * `maxPacket`: the most bytes of one packet collected before it is let through raw, so a client that
   * announces a huge packet and trickles it cannot make the proxy hold it (the broker's own limit, 256
   * KiB by default, then refuses it as it would without the proxy).
   */
  constructor(maxPacket = 256 * 1024) {
    this.#maxPacket = maxPacket;
  }

  /** Framing failed: the stream is not MQTT and passes as raw bytes. */
  get broken(): boolean {
    return this.#broken;
  }

  /** True when the stream sits between two packets. */
  get atBoundary(): boolean {
    return this.#headerBytes === 0 && !this.#inBody;
  }

  /** Reads `chunk`'s headers without cutting it (the caller forwards the chunk as it is). */
  skip(chunk: Buffer, onPacket?: (type: number) => void): void {
    if (this.#broken) return;
    this.#walk(chunk, undefined, onPacket);
  }

  /** Cuts `chunk` into segments, passing each complete one to `out`; a packet's start is kept until its end arrives. */
  split(chunk: Buffer, out: (segment: Segment) => void, onPacket?: (type: number) => void): void {
    if (this.#broken) {
      out({ bytes: chunk, whole: false, type: 0 });
      return;
    }
    this.#walk(chunk, out, onPacket);
  }

  /**
   * Hands back the partly collected packet, if any, as raw bytes, and forgets it was collecting: the
   * caller is switching back to `skip` and forwards these bytes first.
   */
  release(): Buffer | undefined {
    if (!this.#collecting) return undefined;
    this.#collecting = false;
    const bytes = this.#parts.length === 1 ? this.#parts[0]! : Buffer.concat(this.#parts);
    this.#parts = [];
    this.#partsBytes = 0;
    return bytes.length > 0 ? bytes : undefined;
  }

  #walk(chunk: Buffer, out: ((segment: Segment) => void) | undefined, onPacket: ((type: number) => void) | undefined): void {
    let i = 0;
    // Start of the not-yet-emitted part of `chunk` that belongs to the current packet.
    let from = 0;
    while (i < chunk.length) {
      if (this.#inBody) {
        const take = Math.min(this.#remaining, chunk.length - i);
        this.#remaining -= take;
        i += take;
        if (this.#remaining === 0) {
          this.#inBody = false;
          if (out) this.#emit(chunk, from, i, out);
          from = i;
        }
        continue;
      }
      if (this.#headerBytes === 0) {
        // A new packet starts here: collect it whole if splitting.
        if (out) {
          if (i > from) out({ bytes: chunk.subarray(from, i), whole: false, type: 0 });
          from = i;
          this.#collecting = true;
        }
        this.#type = chunk[i]! >> 4;
        this.#headerBytes = 1;
        i++;
        continue;
      }
      const byte = chunk[i++]!;
      this.#headerBytes++;
      this.#length += (byte & 0x7f) * this.#multiplier;
      this.#multiplier *= 128;
      if (byte & 0x80) {
        if (this.#headerBytes >= 5) return this.#break(chunk, from, out);
        continue;
      }
      onPacket?.(this.#type);
      this.#remaining = this.#length;
      this.#headerBytes = 0;
      this.#length = 0;
      this.#multiplier = 1;
      this.#inBody = this.#remaining > 0;
      if (!this.#inBody && out) {
        this.#emit(chunk, from, i, out);
        from = i;
      }
    }
    if (out && i > from) {
      if (this.#collecting) {
        this.#parts.push(chunk.subarray(from, i));
        this.#partsBytes += i - from;
        if (this.#partsBytes > this.#maxPacket) out({ bytes: this.release()!, whole: false, type: 0 });
      } else out({ bytes: chunk.subarray(from, i), whole: false, type: 0 });
    }
  }

  /** The current packet ends at `end` in `chunk`. */
  #emit(chunk: Buffer, from: number, end: number, out: (segment: Segment) => void): void {
    if (!this.#collecting) {
      if (end > from) out({ bytes: chunk.subarray(from, end), whole: false, type: 0 });
      return;
    }
    const last = chunk.subarray(from, end);
    const bytes = this.#parts.length === 0 ? last : Buffer.concat([...this.#parts, last]);
    this.#parts = [];
    this.#partsBytes = 0;
    this.#collecting = false;
    out({ bytes, whole: true, type: bytes[0]! >> 4 });
  }

  #break(chunk: Buffer, from: number, out: ((segment: Segment) => void) | undefined): void {
    this.#broken = true;
    if (!out) return;
    const held = this.release();
    const rest = chunk.subarray(from);
    const bytes = held ? Buffer.concat([held, rest]) : rest;
    if (bytes.length > 0) out({ bytes, whole: false, type: 0 });
  }
}
