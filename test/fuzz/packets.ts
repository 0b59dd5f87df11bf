import mqttPacket, { type Packet } from 'mqtt-packet';
import { Rng } from '../../src/core/rng.ts';

/**
 * Random and mutated MQTT packets for the broker fuzz campaign, all from one seeded stream: the same
 * seed sends the same bytes, so a crash found once can be replayed. Packets are generated with
 * mqtt-packet (the codec aedes and mqtt.js use) as MQTT 3.1.1 and 5 clients would write them, then
 * about half are mutated at the byte level the way a fuzzer does (bit flips, truncation, spliced
 * headers, hostile remaining lengths).
 */
export class PacketFuzzer {
  readonly rng: Rng;

  constructor(seed: string | number) {
    this.rng = new Rng(`fuzz:${seed}`);
  }

  int(max: number): number {
    return Math.floor(this.rng.next() * max);
  }

  chance(p: number): boolean {
    return this.rng.next() < p;
  }

  pick<T>(items: readonly T[]): T {
    return items[this.int(items.length)]!;
  }

  bytes(n: number): Buffer {
    const out = Buffer.alloc(n);
    for (let i = 0; i < n; i++) out[i] = this.int(256);
    return out;
  }

  /** A topic: usually plausible, sometimes empty, huge, full of wildcards or of odd characters. */
  topic(filter = false): string {
    const levels = ['medtwin', 'site', 'icu', '+', '#', '', '$SYS', 'a'.repeat(1 + this.int(300)), '\u00e9', '😀', '/', ' '];
    const n = 1 + this.int(this.chance(0.05) ? 120 : 6);
    const parts = Array.from({ length: n }, () => this.pick(levels));
    if (!filter) return parts.filter((p) => p !== '+' && p !== '#').join('/') || 'x';
    return parts.join('/');
  }

  /** A packet a client could write, valid as far as mqtt-packet's generator checks. */
  packet(): Packet {
    const messageId = 1 + this.int(65_535);
    const qos = this.int(3) as 0 | 1 | 2;
    switch (this.int(12)) {
      case 0:
        return {
          cmd: 'connect',
          protocolId: this.chance(0.9) ? 'MQTT' : 'MQIsdp',
          protocolVersion: this.pick([3, 4, 4, 4, 5] as const),
          clean: this.chance(0.7),
          clientId: this.chance(0.1) ? '' : `fuzz-${this.int(1_000_000)}`,
          keepalive: this.pick([0, 1, 30, 65_535]),
          ...(this.chance(0.3) ? { username: 'u'.repeat(this.int(40)), password: this.bytes(this.int(40)) } : {}),
          ...(this.chance(0.2) ? { will: { topic: this.topic(), payload: this.bytes(this.int(200)), qos, retain: this.chance(0.5) } } : {}),
        } as Packet;
      case 1:
      case 2:
      case 3:
        return {
          cmd: 'publish',
          topic: this.topic(),
          payload: this.bytes(this.chance(0.02) ? 20_000 + this.int(300_000) : this.int(300)),
          qos,
          retain: this.chance(0.2),
          dup: this.chance(0.1),
          ...(qos > 0 ? { messageId } : {}),
        } as Packet;
      case 4:
        return {
          cmd: 'subscribe',
          messageId,
          subscriptions: Array.from({ length: 1 + this.int(5) }, () => ({ topic: this.topic(true), qos: this.int(3) as 0 | 1 | 2 })),
        };
      case 5:
        return { cmd: 'unsubscribe', messageId, unsubscriptions: Array.from({ length: 1 + this.int(5) }, () => this.topic(true)) };
      case 6:
        return { cmd: this.pick(['puback', 'pubrec', 'pubrel', 'pubcomp'] as const), messageId };
      case 7:
        return { cmd: 'pingreq' };
      case 8:
        return { cmd: 'disconnect' };
      case 9:
        // Packets only a server sends.
        return this.chance(0.5)
          ? { cmd: 'connack', returnCode: this.int(6), sessionPresent: false }
          : { cmd: 'suback', messageId, granted: [0, 1, 128] };
      case 10:
        return { cmd: 'pingresp' };
      default:
        return { cmd: 'unsuback', messageId, granted: [] } as Packet;
    }
  }

  /** The bytes of a generated packet (a packet mqtt-packet refuses to write is replaced by PINGREQ). */
  encode(packet: Packet): Buffer {
    try {
      const version = packet.cmd === 'connect' ? (packet.protocolVersion ?? 4) : 4;
      return mqttPacket.generate(packet, { protocolVersion: version });
    } catch {
      return Buffer.from([0xc0, 0x00]);
    }
  }

  /** Byte-level damage of the kinds AFL-style fuzzers apply. */
  mutate(bytes: Buffer): Buffer {
    const out = Buffer.from(bytes);
    switch (this.int(8)) {
      case 0: // flip a few bits
        for (let i = 0, n = 1 + this.int(8); i < n && out.length > 0; i++) out[this.int(out.length)]! ^= 1 << this.int(8);
        return out;
      case 1: // truncate
        return out.subarray(0, this.int(out.length + 1));
      case 2: // random type and flags
        if (out.length > 0) out[0] = this.int(256);
        return out;
      case 3: // a hostile remaining length: huge, five bytes, or lying about the body
        return Buffer.concat([
          out.subarray(0, 1),
          this.pick([Buffer.from([0xff, 0xff, 0xff, 0x7f]), Buffer.from([0xff, 0xff, 0xff, 0xff, 0x01]), Buffer.from([this.int(128)])]),
          out.subarray(2),
        ]);
      case 4: // insert random bytes
        {
          const at = this.int(out.length + 1);
          return Buffer.concat([out.subarray(0, at), this.bytes(1 + this.int(16)), out.subarray(at)]);
        }
      case 5: // overwrite a string length
        if (out.length > 4) out.writeUInt16BE(this.int(65_536), 2 + this.int(out.length - 3));
        return out;
      case 6: // pure garbage
        return this.bytes(1 + this.int(64));
      default: {
        // duplicate a stretch
        const from = this.int(out.length + 1);
        return Buffer.concat([out, out.subarray(from, from + this.int(64))]);
      }
    }
  }

  /** One packet for the wire: generated, and mutated half of the time. */
  next(): Buffer {
    const bytes = this.encode(this.packet());
    return this.chance(0.5) ? this.mutate(bytes) : bytes;
  }

  /** A valid MQTT 3.1.1 CONNECT, so that what follows reaches aedes' packet handlers. */
  connect(): Buffer {
    return mqttPacket.generate({
      cmd: 'connect',
      protocolId: 'MQTT',
      protocolVersion: 4,
      clean: true,
      clientId: `fuzz-${this.int(1e9)}`,
      keepalive: 30,
    });
  }
}
