import type { Socket } from 'node:net';
import { checkPacketLength, checkPacketStrings, PACKET_TYPE } from './mqtt-strings.ts';

/** Why the guard refused a client: a packet over the size limit, or one MQTT forbids (mqtt-strings.ts). */
export type PacketGuardError = PacketTooLargeError | MalformedPacketError;

/**
 * Reads the MQTT fixed headers in a byte stream and says when a packet is announced larger than
 * `maxPacketSize`. aedes has no such limit of its own: without one a client could announce a 256 MB
 * packet and make the broker buffer it. The fixed header gives the size before the body arrives
 * ([MQTT-2.2.3] remaining length, 1–4 bytes, 7 bits each), so the check costs a few comparisons per
 * chunk. Chunks may split a header or a body anywhere.
 *
 * It also checks the UTF-8 strings of CONNECT, PUBLISH, SUBSCRIBE and UNSUBSCRIBE (mqtt-strings.ts):
 * mqtt-packet decodes them leniently, so only the raw bytes show an ill-formed topic. A PUBLISH is read
 * only as far as its topic; the other three are small and read whole (they are within the size limit).
 */
export class PacketLengthScanner {
  readonly maxPacketSize: number;
  // Bytes of the current packet still to pass, once its header has been read.
  #remaining = 0;
  // The header being read: its length so far (type byte + remaining-length bytes) and the value.
  #headerBytes = 0;
  #type = 0;
  #length = 0;
  #multiplier = 1;
  // The part of the current body whose strings are checked: how much is wanted, and what has come.
  #want = 0;
  #body: Buffer = Buffer.alloc(0);
  #have = 0;
  #bodyLength = 0;
  /** A PUBLISH whose topic length has been read (its want is now the topic's end). */
  #topicSized = false;

  constructor(maxPacketSize: number) {
    this.maxPacketSize = maxPacketSize;
  }

  /** Scans the next chunk of the stream; returns the error to drop the client with, if any. */
  scan(chunk: Uint8Array): PacketGuardError | undefined {
    let i = 0;
    while (i < chunk.length) {
      if (this.#remaining > 0) {
        const take = Math.min(this.#remaining, chunk.length - i);
        if (this.#want > 0) {
          const error = this.#collect(chunk, i, take);
          if (error !== undefined) return error;
        }
        this.#remaining -= take;
        i += take;
        continue;
      }
      const byte = chunk[i++]!;
      this.#headerBytes++;
      if (this.#headerBytes === 1) {
        this.#type = byte >> 4; // the packet type; the flags are aedes' to check
        continue;
      }
      this.#length += (byte & 0x7f) * this.#multiplier;
      this.#multiplier *= 128;
      if (byte & 0x80) {
        // [MQTT-2.2.3]: at most four remaining-length bytes.
        if (this.#headerBytes > 4) return new PacketTooLargeError(Number.POSITIVE_INFINITY, this.maxPacketSize);
        continue;
      }
      const total = this.#headerBytes + this.#length;
      if (total > this.maxPacketSize) return new PacketTooLargeError(total, this.maxPacketSize);
      const wrongLength = checkPacketLength(this.#type, this.#length);
      if (wrongLength !== undefined) return new MalformedPacketError(wrongLength);
      this.#remaining = this.#length;
      this.#startBody(this.#type, this.#length);
      this.#headerBytes = 0;
      this.#length = 0;
      this.#multiplier = 1;
    }
    return undefined;
  }

  #startBody(type: number, length: number): void {
    this.#have = 0;
    this.#bodyLength = length;
    this.#topicSized = false;
    // A PUBLISH first for its topic's length (2 bytes), then for the topic.
    this.#want = type === PACKET_TYPE.publish ? Math.min(2, length) : type in STRING_PACKETS ? length : 0;
    if (this.#want > this.#body.length) this.#body = Buffer.allocUnsafe(Math.max(this.#want, 256));
  }

  /** Takes `take` bytes of the body at `chunk[start]` as far as wanted; checks them once all are in. */
  #collect(chunk: Uint8Array, start: number, take: number): MalformedPacketError | undefined {
    let from = start;
    let left = take;
    while (left > 0 && this.#want > 0) {
      const n = Math.min(left, this.#want - this.#have);
      this.#body.set(chunk.subarray(from, from + n), this.#have);
      this.#have += n;
      from += n;
      left -= n;
      if (this.#have < this.#want) return undefined;
      if (this.#type === PACKET_TYPE.publish && !this.#topicSized) {
        this.#topicSized = true;
        const topicLength = (this.#body[0]! << 8) | this.#body[1]!;
        // A topic running past the body is the parser's to report.
        const wanted = 2 + topicLength;
        this.#want = wanted <= this.#bodyLength ? wanted : 0;
        if (this.#want > this.#body.length) {
          const grown = Buffer.allocUnsafe(Math.max(this.#want, this.#body.length * 2));
          grown.set(this.#body.subarray(0, this.#have));
          this.#body = grown;
        }
        continue;
      }
      const problem = checkPacketStrings(this.#type, this.#body.subarray(0, this.#want));
      this.#want = 0;
      if (problem !== undefined) return new MalformedPacketError(problem);
    }
    return undefined;
  }
}

const STRING_PACKETS: Record<number, true> = {
  [PACKET_TYPE.connect]: true,
  [PACKET_TYPE.subscribe]: true,
  [PACKET_TYPE.unsubscribe]: true,
};

/**
 * Checks every chunk a socket reads before it is buffered for its reader: a chunk that announces a
 * packet over the limit, or carries a string MQTT forbids, is not passed on, and `onRefused` is called
 * (it should destroy the socket).
 *
 * It hooks the socket's `push` (which Node's socket calls with each chunk it reads) instead of piping
 * the socket through a Transform: at 10,000 connections the extra stream layer (pipe, transform,
 * duplex wrapper) cost the broker about a tenth of its CPU per message (docs/benchmarks.md#what-limits-it,
 * point 8). broker.test.ts checks an
 * oversize packet is refused through a real socket, so a Node that stopped calling `push` would fail it.
 */
export function guardPacketSize(socket: Socket, maxPacketSize: number, onRefused: (error: PacketGuardError) => void): void {
  const scanner = new PacketLengthScanner(maxPacketSize);
  const push = socket.push;
  let refused = false;
  socket.push = function guardedPush(this: Socket, chunk: unknown, encoding?: BufferEncoding): boolean {
    if (refused) return false;
    if (chunk instanceof Uint8Array) {
      const error = scanner.scan(chunk);
      if (error !== undefined) {
        refused = true;
        onRefused(error);
        return false;
      }
    }
    return push.call(this, chunk, encoding);
  };
}

export class PacketTooLargeError extends Error {
  readonly code = 'E_PACKET_TOO_LARGE';
  constructor(size: number, max: number) {
    super(`MQTT packet of ${Number.isFinite(size) ? `${size} bytes` : 'malformed length'} exceeds the broker limit of ${max} bytes`);
  }
}

/** A packet MQTT forbids that aedes' parser would let through: an ill-formed string, a body where none goes. */
export class MalformedPacketError extends Error {
  readonly code = 'E_MALFORMED_PACKET';
}
