import { describe, expect, it } from 'vitest';
import { PacketLengthScanner } from './packet-size-guard.ts';
import { Rng } from '../core/rng.ts';

/** MQTT 3.1.1 QoS 0 PUBLISH packets with payloads of the given sizes ([MQTT-3.3]). */
function publishes(sizes: number[]): Buffer[] {
  return sizes.map((n, i) => {
    const topic = Buffer.from(`medtwin/t/${i}`);
    const body = Buffer.concat([Buffer.from([topic.length >> 8, topic.length & 0xff]), topic, Buffer.alloc(n, 0x61)]);
    const length: number[] = [];
    let x = body.length;
    do {
      let byte = x % 128;
      x = Math.floor(x / 128);
      if (x > 0) byte |= 0x80;
      length.push(byte);
    } while (x > 0);
    return Buffer.concat([Buffer.from([0x30, ...length]), body]);
  });
}

/** Feeds `bytes` to a scanner cut at random places; returns the offset of the chunk that was refused. */
function scanInPieces(scanner: PacketLengthScanner, bytes: Buffer, rng: Rng): { refusedAt?: number; message?: string } {
  let offset = 0;
  while (offset < bytes.length) {
    const size = 1 + Math.floor(rng.next() * 300);
    const error = scanner.scan(bytes.subarray(offset, offset + size));
    if (error) return { refusedAt: offset, message: error.message };
    offset += size;
  }
  return {};
}

describe('PacketLengthScanner', () => {
  it('lets through packets up to the limit however the stream is cut, across 1- to 4-byte lengths', () => {
    // Remaining lengths of 1, 2 and 3 bytes (< 128, < 16,384, < 2,097,152).
    const packets = publishes([0, 5, 100, 126, 127, 128, 3000, 16_000, 16_500, 200_000]);
    const stream = Buffer.concat(packets);
    const largest = Math.max(...packets.map((p) => p.length));
    for (let seed = 0; seed < 20; seed++) {
      expect(scanInPieces(new PacketLengthScanner(largest), stream, new Rng(seed))).toEqual({});
    }
  });

  it('refuses the first packet over the limit, wherever its header falls', () => {
    const packets = publishes([10, 20, 2000, 10]);
    const stream = Buffer.concat(packets);
    const limit = 1024;
    const oversizeStart = packets[0]!.length + packets[1]!.length;
    for (let seed = 0; seed < 20; seed++) {
      const result = scanInPieces(new PacketLengthScanner(limit), stream, new Rng(seed));
      expect(result.message).toBe(`MQTT packet of ${packets[2]!.length} bytes exceeds the broker limit of 1024 bytes`);
      // Refused in the chunk holding the end of its length, before any of its body was let through.
      expect(result.refusedAt).toBeLessThanOrEqual(oversizeStart + 3);
      expect(result.refusedAt).toBeGreaterThan(oversizeStart - 300);
    }
  });

  it('refuses a remaining length longer than four bytes as malformed', () => {
    const scanner = new PacketLengthScanner(1 << 28);
    expect(scanner.scan(Buffer.from([0x30, 0xff, 0xff, 0xff, 0xff, 0x01]))?.message).toBe(
      'MQTT packet of malformed length exceeds the broker limit of 268435456 bytes',
    );
  });

  it('reads PUBLISH topics of any length, empty included, however the stream is cut (an empty one once looped forever)', () => {
    const topics = ['', 'a', 'medtwin/site/icu/cgm/cgm-001/telemetry', 'é'.repeat(50)];
    const stream = Buffer.concat(
      topics.map((t) => {
        const topic = Buffer.from(t);
        const body = Buffer.concat([Buffer.from([topic.length >> 8, topic.length & 0xff]), topic, Buffer.from('payload')]);
        return Buffer.concat([Buffer.from([0x30, body.length]), body]);
      }),
    );
    for (let seed = 0; seed < 20; seed++) expect(scanInPieces(new PacketLengthScanner(1 << 20), stream, new Rng(seed))).toEqual({});
    const scanner = new PacketLengthScanner(1 << 20);
    for (const byte of stream) expect(scanner.scan(Buffer.from([byte]))).toBeUndefined();
  });
});
