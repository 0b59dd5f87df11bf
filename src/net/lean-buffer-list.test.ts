import { createRequire } from 'node:module';
import fc from 'fast-check';
import mqttPacket from 'mqtt-packet';
import { describe, expect, it } from 'vitest';
import { leanBufferListInstalled } from './lean-buffer-list.ts';

type List = {
  readUInt8(offset?: number): number;
  readUInt16BE(offset?: number): number;
  readUInt32BE(offset?: number): number;
  slice(start?: number, end?: number): Buffer;
  toString(encoding?: BufferEncoding, start?: number, end?: number): string;
};
type ListClass = new (bufs?: Buffer[]) => List;

const fromPacket = createRequire(createRequire(import.meta.url).resolve('mqtt-packet'));
const leanStream = fromPacket('bl') as unknown as (bufs?: Buffer[]) => List;

/** bl's BufferList as shipped: its module loaded afresh, outside the require cache the patch changed. */
function pristineBufferList(): ListClass {
  const path = fromPacket.resolve('bl/BufferList.js');
  const cached = fromPacket.cache[path];
  delete fromPacket.cache[path];
  try {
    return fromPacket('bl/BufferList.js') as ListClass;
  } finally {
    fromPacket.cache[path] = cached;
  }
}

/** What a call returned, or the error it threw (class and message), to compare the two lists by. */
function outcome(call: () => unknown): unknown {
  try {
    const value = call();
    return Buffer.isBuffer(value) ? { buffer: [...value] } : { value };
  } catch (error) {
    return { error: (error as Error).constructor.name, message: (error as Error).message };
  }
}

const buffers = fc.array(fc.uint8Array({ maxLength: 12 }), { maxLength: 5 }).map((parts) => parts.map((p) => Buffer.from(p)));
// Whole offsets (and none): bl itself answers a fractional one from memory it never filled (its
// `copy` cuts a view it allocated unsafely), which no two lists need agree on.
const offset = fc.oneof(fc.integer({ min: -3, max: 40 }), fc.constant(undefined));
const encoding = fc.constantFrom<BufferEncoding | undefined>(undefined, 'utf8', 'hex', 'latin1');

describe('lean BufferList readers', () => {
  it("are installed on bl's BufferList and on the stream mqtt-packet's parser reads through", () => {
    expect(leanBufferListInstalled()).toBe(true);
  });

  it('return what bl returns, and throw what bl throws, for any split of the bytes and any arguments', () => {
    const Pristine = pristineBufferList();
    fc.assert(
      fc.property(buffers, offset, offset, encoding, (bufs, a, b, enc) => {
        const lean = leanStream(bufs);
        const shipped = new Pristine(bufs);
        for (const read of ['readUInt8', 'readUInt16BE', 'readUInt32BE'] as const)
          expect(
            outcome(() => lean[read](a)),
            `${read}(${a})`,
          ).toEqual(outcome(() => shipped[read](a)));
        expect(
          outcome(() => lean.slice(a, b)),
          `slice(${a}, ${b})`,
        ).toEqual(outcome(() => shipped.slice(a, b)));
        expect(
          outcome(() => lean.toString(enc, a, b)),
          `toString(${enc}, ${a}, ${b})`,
        ).toEqual(outcome(() => shipped.toString(enc, a, b)));
      }),
      { numRuns: 3000 },
    );
  });

  it('parses publishes split at every byte as before', () => {
    const packet = mqttPacket.generate({
      cmd: 'publish',
      topic: 'medtwin/ward/monitor-001/telemetry',
      payload: Buffer.from('{"v":1,"body":{"hr":72,"note":"ü"}}'),
      qos: 1,
      messageId: 300,
      retain: false,
      dup: false,
    });
    for (let cut = 1; cut < packet.length; cut++) {
      const parser = mqttPacket.parser();
      const parsed: mqttPacket.IPublishPacket[] = [];
      parser.on('packet', (p) => parsed.push(p as mqttPacket.IPublishPacket));
      parser.parse(packet.subarray(0, cut));
      parser.parse(packet.subarray(cut));
      expect(parsed, `cut at ${cut}`).toHaveLength(1);
      expect(parsed[0]!.topic).toBe('medtwin/ward/monitor-001/telemetry');
      expect(parsed[0]!.messageId).toBe(300);
      expect(parsed[0]!.payload.toString()).toBe('{"v":1,"body":{"hr":72,"note":"ü"}}');
    }
  });
});
