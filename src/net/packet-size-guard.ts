import { Transform, type TransformCallback } from 'node:stream';

/**
 * Sits between a socket and aedes and ends the connection when a client announces an MQTT packet
 * larger than `maxPacketSize`. aedes has no such limit of its own: without this a client could
 * announce a 256 MB packet and make the broker buffer it. The fixed header gives the size before the
 * body arrives ([MQTT-2.2.3] remaining length, 1–4 bytes, 7 bits each), so the check costs nothing.
 */
export class PacketSizeGuard extends Transform {
  readonly maxPacketSize: number;
  // Bytes of the current packet still to pass through, once its header has been read.
  #remaining = 0;
  #header: number[] = [];

  constructor(maxPacketSize: number) {
    super();
    this.maxPacketSize = maxPacketSize;
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    let i = 0;
    while (i < chunk.length) {
      if (this.#remaining > 0) {
        const take = Math.min(this.#remaining, chunk.length - i);
        this.#remaining -= take;
        i += take;
        continue;
      }
      this.#header.push(chunk[i]!);
      i++;
      const header = this.#header;
      if (header.length < 2) continue;
      const lengthByte = header[header.length - 1]!;
      if (lengthByte & 0x80) {
        // [MQTT-2.2.3]: at most four remaining-length bytes.
        if (header.length > 4) return callback(new PacketTooLargeError(Number.POSITIVE_INFINITY, this.maxPacketSize));
        continue;
      }
      let remainingLength = 0;
      for (let k = header.length - 1; k >= 1; k--) remainingLength = remainingLength * 128 + (header[k]! & 0x7f);
      const total = header.length + remainingLength;
      if (total > this.maxPacketSize) return callback(new PacketTooLargeError(total, this.maxPacketSize));
      this.#remaining = remainingLength;
      this.#header = [];
    }
    callback(null, chunk);
  }
}

export class PacketTooLargeError extends Error {
  readonly code = 'E_PACKET_TOO_LARGE';
  constructor(size: number, max: number) {
    super(`MQTT packet of ${Number.isFinite(size) ? `${size} bytes` : 'malformed length'} exceeds the broker limit of ${max} bytes`);
  }
}
