import type { Socket } from 'node:net';

/**
 * Reads the MQTT fixed headers in a byte stream and says when a packet is announced larger than
 * `maxPacketSize`. aedes has no such limit of its own: without one a client could announce a 256 MB
 * packet and make the broker buffer it. The fixed header gives the size before the body arrives
 * ([MQTT-2.2.3] remaining length, 1–4 bytes, 7 bits each), so the check costs a few comparisons per
 * chunk. Chunks may split a header or a body anywhere.
 */
export class PacketLengthScanner {
  readonly maxPacketSize: number;
  // Bytes of the current packet still to pass, once its header has been read.
  #remaining = 0;
  // The header being read: its length so far (type byte + remaining-length bytes) and the value.
  #headerBytes = 0;
  #length = 0;
  #multiplier = 1;

  constructor(maxPacketSize: number) {
    this.maxPacketSize = maxPacketSize;
  }

  /** Scans the next chunk of the stream; returns the error to drop the client with, if any. */
  scan(chunk: Uint8Array): PacketTooLargeError | undefined {
    let i = 0;
    while (i < chunk.length) {
      if (this.#remaining > 0) {
        const take = Math.min(this.#remaining, chunk.length - i);
        this.#remaining -= take;
        i += take;
        continue;
      }
      const byte = chunk[i++]!;
      this.#headerBytes++;
      if (this.#headerBytes === 1) continue; // the packet type and flags
      this.#length += (byte & 0x7f) * this.#multiplier;
      this.#multiplier *= 128;
      if (byte & 0x80) {
        // [MQTT-2.2.3]: at most four remaining-length bytes.
        if (this.#headerBytes > 4) return new PacketTooLargeError(Number.POSITIVE_INFINITY, this.maxPacketSize);
        continue;
      }
      const total = this.#headerBytes + this.#length;
      if (total > this.maxPacketSize) return new PacketTooLargeError(total, this.maxPacketSize);
      this.#remaining = this.#length;
      this.#headerBytes = 0;
      this.#length = 0;
      this.#multiplier = 1;
    }
    return undefined;
  }
}

/**
 * Checks every chunk a socket reads before it is buffered for its reader: a chunk that announces a
 * packet over the limit is not passed on, and `onTooLarge` is called (it should destroy the socket).
 *
 * It hooks the socket's `push` (which Node's socket calls with each chunk it reads) instead of piping
 * the socket through a Transform: at 10,000 connections the extra stream layer (pipe, transform,
 * duplex wrapper) cost the broker about a tenth of its CPU per message. broker.test.ts checks an
 * oversize packet is refused through a real socket, so a Node that stopped calling `push` would fail it.
 */
export function guardPacketSize(socket: Socket, maxPacketSize: number, onTooLarge: (error: PacketTooLargeError) => void): void {
  const scanner = new PacketLengthScanner(maxPacketSize);
  const push = socket.push;
  let refused = false;
  socket.push = function guardedPush(this: Socket, chunk: unknown, encoding?: BufferEncoding): boolean {
    if (refused) return false;
    if (chunk instanceof Uint8Array) {
      const error = scanner.scan(chunk);
      if (error !== undefined) {
        refused = true;
        onTooLarge(error);
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
