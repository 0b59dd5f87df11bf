import { Writable } from 'node:stream';
import fc from 'fast-check';
import mqttPacket from 'mqtt-packet';
import { describe, expect, it } from 'vitest';
import { originalWriteToStream, singleWritePublishInstalled, writePublishOnce } from './single-write-publish.ts';

type Packet = Parameters<typeof writePublishOnce>[0];

/** A Writable that keeps what it is given, with a small high-water mark so back-pressure shows. */
function recorder(options: { corkable: boolean; highWaterMark: number }) {
  const chunks: Buffer[] = [];
  const stream = new Writable({
    highWaterMark: options.highWaterMark,
    decodeStrings: false,
    write(chunk: Buffer | string, encoding, callback) {
      chunks.push(typeof chunk === 'string' ? Buffer.from(chunk, encoding) : Buffer.from(chunk));
      callback();
    },
  });
  stream.on('error', () => {});
  // As net/cork-per-tick.ts leaves a client's socket: no `cork` for mqtt-packet to call.
  if (!options.corkable) Object.defineProperty(stream, 'cork', { value: undefined });
  else stream.cork();
  return { stream, chunks, bytes: () => Buffer.concat(chunks) };
}

const ascii = fc.string({ unit: fc.constantFrom(...'abcxyz/+#-_.0123456789{}":,'.split('')), maxLength: 300 });
const text = fc.oneof(ascii, fc.string({ unit: 'binary', maxLength: 40 }));
const packet: fc.Arbitrary<Packet> = fc.record(
  {
    cmd: fc.constant('publish'),
    topic: fc.oneof(text, fc.constant(undefined), fc.constant(7)),
    payload: fc.oneof(
      text,
      fc.uint8Array({ maxLength: 400 }).map((a) => Buffer.from(a)),
      fc.constant(undefined),
      fc.constant(''),
    ),
    qos: fc.constantFrom(0, 1, 2, undefined),
    dup: fc.boolean(),
    retain: fc.boolean(),
    messageId: fc.oneof(fc.integer({ min: 0, max: 0xffff }), fc.constant(undefined), fc.constant(70_000)),
  },
  { requiredKeys: ['cmd'] },
);
const opts = fc.constantFrom(undefined, { protocolVersion: 3 }, { protocolVersion: 4 }, { protocolVersion: 5 });

describe('one write per PUBLISH', () => {
  it('is installed on the mqtt-packet mqtt.js and aedes call', () => {
    expect(singleWritePublishInstalled()).toBe(true);
    expect(mqttPacket.writeToStream).not.toBe(originalWriteToStream);
  });

  it('writes the bytes mqtt-packet writes, in one write, and returns what its last write returned', async () => {
    await fc.assert(
      fc.asyncProperty(packet, opts, fc.boolean(), fc.integer({ min: 1, max: 600 }), async (p, o, corkable, highWaterMark) => {
        const theirs = recorder({ corkable, highWaterMark });
        const ours = recorder({ corkable, highWaterMark });
        let theirResult: unknown;
        let ourResult: unknown;
        let theirError: unknown;
        let ourError: unknown;
        try {
          theirResult = originalWriteToStream(p, theirs.stream as never, o);
        } catch (error) {
          theirError = error;
        }
        const handled = (() => {
          try {
            ourResult = mqttPacket.writeToStream(p as never, ours.stream as never, o as never);
          } catch (error) {
            ourError = error;
          }
          return writePublishOnce(p, recorder({ corkable, highWaterMark }).stream, o) !== undefined;
        })();
        await new Promise((resolve) => setImmediate(resolve));
        theirs.stream.uncork();
        ours.stream.uncork();
        await new Promise((resolve) => setImmediate(resolve));
        expect(ourResult).toBe(theirResult);
        expect(String(ourError)).toBe(String(theirError));
        expect(ours.stream.destroyed).toBe(theirs.stream.destroyed);
        expect(ours.bytes().equals(theirs.bytes())).toBe(true);
        if (handled) expect(ours.chunks.length).toBe(1);
      }),
      { numRuns: 1500 },
    );
  });

  it('takes a plain device message and leaves MQTT 5, non-ASCII text and invalid ids to mqtt-packet', () => {
    const stream = recorder({ corkable: false, highWaterMark: 1 << 14 }).stream;
    const telemetry = { cmd: 'publish', topic: 'medtwin/s/z/k/d/telemetry', payload: '{"v":1}', qos: 0 };
    expect(writePublishOnce(telemetry, stream)).toBe(true);
    expect(writePublishOnce({ ...telemetry, qos: 1, messageId: 9 }, stream, { protocolVersion: 4 })).toBe(true);
    expect(writePublishOnce(telemetry, stream, { protocolVersion: 5 })).toBeUndefined();
    expect(writePublishOnce({ ...telemetry, payload: '{"drug":"µg"}' }, stream)).toBeUndefined();
    expect(writePublishOnce({ ...telemetry, topic: 'medtwin/ü' }, stream)).toBeUndefined();
    expect(writePublishOnce({ ...telemetry, qos: 1 }, stream)).toBeUndefined();
    expect(writePublishOnce({ ...telemetry, qos: 1, messageId: 70_000 }, stream)).toBeUndefined();
  });

  it('passes mqtt.js’s number-cache switch through to mqtt-packet', () => {
    const before = originalWriteToStream.cacheNumbers;
    try {
      mqttPacket.writeToStream.cacheNumbers = false;
      expect(originalWriteToStream.cacheNumbers).toBe(false);
      mqttPacket.writeToStream.cacheNumbers = true;
      expect(originalWriteToStream.cacheNumbers).toBe(true);
    } finally {
      originalWriteToStream.cacheNumbers = before;
    }
  });
});
