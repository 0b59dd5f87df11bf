import mqttPacket from 'mqtt-packet';
import { describe, expect, it } from 'vitest';
import { MqttFramer, PacketType, type Segment } from './framer.ts';

const packets = [
  mqttPacket.generate({ cmd: 'connect', clientId: 'dev-1', protocolId: 'MQTT', protocolVersion: 4, clean: true, keepalive: 60 }),
  mqttPacket.generate({ cmd: 'publish', topic: 'a/b', payload: Buffer.alloc(300, 1), qos: 1, messageId: 7, retain: false, dup: false }),
  mqttPacket.generate({ cmd: 'pingreq' }),
  mqttPacket.generate({ cmd: 'publish', topic: 'c', payload: Buffer.from('x'), qos: 0, retain: false, dup: false }),
];
const stream = Buffer.concat(packets);

function splitAll(framer: MqttFramer, chunks: Buffer[]): Segment[] {
  const out: Segment[] = [];
  for (const chunk of chunks) framer.split(chunk, (s) => out.push(s));
  return out;
}

describe('MqttFramer', () => {
  it('cuts a stream into the same whole packets wherever the chunks break', () => {
    for (let cut = 1; cut < stream.length; cut++) {
      const segments = splitAll(new MqttFramer(), [stream.subarray(0, cut), stream.subarray(cut)]);
      expect(segments.map((s) => s.whole)).toEqual([true, true, true, true]);
      expect(segments.map((s) => s.type)).toEqual([PacketType.CONNECT, PacketType.PUBLISH, PacketType.PINGREQ, PacketType.PUBLISH]);
      expect(Buffer.concat(segments.map((s) => s.bytes))).toEqual(stream);
    }
    // One byte at a time, too (a slicer upstream of the proxy, or a slow link).
    const bytewise = splitAll(
      new MqttFramer(),
      [...stream].map((b) => Buffer.from([b])),
    );
    expect(bytewise.map((s) => s.bytes)).toEqual(packets);
  });

  it('sees every header go by in skip mode, and hands the tail of a skipped packet on as raw bytes when splitting starts', () => {
    const framer = new MqttFramer();
    const types: number[] = [];
    const cut = packets[0]!.length + 10; // inside the first PUBLISH
    framer.skip(stream.subarray(0, cut), (t) => types.push(t));
    const segments: Segment[] = [];
    framer.split(
      stream.subarray(cut),
      (s) => segments.push(s),
      (t) => types.push(t),
    );
    expect(types).toEqual([PacketType.CONNECT, PacketType.PUBLISH, PacketType.PINGREQ, PacketType.PUBLISH]);
    expect(segments[0]).toMatchObject({ whole: false, type: 0 });
    expect(segments[0]!.bytes.length).toBe(packets[1]!.length - 10);
    expect(segments.slice(1).map((s) => s.bytes)).toEqual(packets.slice(2));
  });

  it('gives back a half-collected packet when it switches back to skip', () => {
    const framer = new MqttFramer();
    const out: Segment[] = [];
    framer.split(packets[1]!.subarray(0, 50), (s) => out.push(s));
    expect(out).toEqual([]);
    expect(framer.release()).toEqual(packets[1]!.subarray(0, 50));
    framer.skip(packets[1]!.subarray(50));
    expect(framer.atBoundary).toBe(true);
  });

  it('passes a stream that is not MQTT through as raw bytes, unchanged', () => {
    const garbage = Buffer.from([0x30, 0xff, 0xff, 0xff, 0xff, 0x01, 1, 2, 3]);
    const framer = new MqttFramer();
    const out = splitAll(framer, [garbage.subarray(0, 3), garbage.subarray(3), Buffer.from('more')]);
    expect(framer.broken).toBe(true);
    expect(out.every((s) => !s.whole)).toBe(true);
    expect(Buffer.concat(out.map((s) => s.bytes))).toEqual(Buffer.concat([garbage, Buffer.from('more')]));
  });

  it('lets an oversized packet through raw rather than holding it', () => {
    const framer = new MqttFramer(100);
    const out = splitAll(framer, [packets[1]!.subarray(0, 60), packets[1]!.subarray(60, 200), packets[1]!.subarray(200)]);
    expect(out.every((s) => !s.whole)).toBe(true);
    expect(Buffer.concat(out.map((s) => s.bytes))).toEqual(packets[1]);
    expect(framer.atBoundary).toBe(true);
  });
});
