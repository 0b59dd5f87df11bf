import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeEnvelope, encodeEnvelope, EnvelopeWriter, type Envelope } from './envelope.ts';
import { CHANNELS, channelTopic, parseTopic } from './topics.ts';

const segment = fc.stringMatching(/^[A-Za-z0-9][A-Za-z0-9_.-]{0,20}$/);
const json: fc.Arbitrary<unknown> = fc.jsonValue();

describe('envelope codec (properties)', () => {
  it('decode(encode(e)) is e, and encoding is byte-stable', () => {
    const envelope = fc.record({
      v: fc.constant(1 as const),
      device: fc.string({ minLength: 1 }),
      kind: fc.string({ minLength: 1 }),
      seq: fc.integer({ min: 1, max: Number.MAX_SAFE_INTEGER }),
      t: fc.integer({ min: -86_400_000, max: Number.MAX_SAFE_INTEGER }),
      body: json,
    });
    fc.assert(
      fc.property(envelope, (e: Envelope) => {
        const text = encodeEnvelope(e);
        const decoded = decodeEnvelope(Buffer.from(text));
        expect(decoded.ok).toBe(true);
        if (decoded.ok) expect(encodeEnvelope(decoded.envelope)).toBe(text);
      }),
    );
  });

  it("a sender's EnvelopeWriter writes exactly what encodeEnvelope writes", () => {
    const envelope = fc.record(
      {
        v: fc.constant(1 as const),
        device: fc.string({ minLength: 1 }),
        kind: fc.string({ minLength: 1 }),
        seq: fc.integer({ min: 1, max: Number.MAX_SAFE_INTEGER }),
        t: fc.integer({ min: -86_400_000, max: Number.MAX_SAFE_INTEGER }),
        patient: fc.string({ minLength: 1 }),
        body: fc.oneof(json, fc.constant(undefined)),
      },
      { requiredKeys: ['v', 'device', 'kind', 'seq', 't'] },
    );
    fc.assert(
      fc.property(envelope, (e) => {
        const written = new EnvelopeWriter(e.device, e.kind).write(e.seq, e.t, e.patient, e.body);
        expect(written).toBe(encodeEnvelope(e as Envelope));
      }),
    );
  });

  it('never throws on hostile payloads: random bytes, random JSON, broken envelopes', () => {
    const payload = fc.oneof(
      fc.uint8Array({ maxLength: 200 }).map((b) => Buffer.from(b)),
      json.map((j) => JSON.stringify(j) ?? 'null'),
      fc.record({ v: fc.anything(), device: fc.anything(), kind: fc.anything(), seq: fc.anything(), t: fc.anything() }).map((o) => {
        try {
          return JSON.stringify(o) ?? '{}';
        } catch {
          return '{}';
        }
      }),
    );
    fc.assert(
      fc.property(payload, (p) => {
        const result = decodeEnvelope(p);
        if (!result.ok) expect(result.error).toMatch(/\S/);
        else expect(result.envelope.seq).toBeGreaterThan(0);
      }),
    );
  });
});

describe('topic parsing (properties)', () => {
  it('parseTopic(channelTopic(a, c)) gives back the address and channel', () => {
    const channel = fc.constantFrom(...Object.values(CHANNELS));
    fc.assert(
      fc.property(fc.record({ site: segment, zone: segment, kind: segment, deviceId: segment }), channel, (address, c) => {
        expect(parseTopic(channelTopic(address, c))).toEqual({ ...address, channel: c });
      }),
    );
  });

  it('anything outside the scheme parses to undefined, never throws', () => {
    const level = fc.oneof(segment, fc.constantFrom('', '+', '#', '$SYS', 'a b', '\u0000'), fc.string({ maxLength: 8 }));
    fc.assert(
      fc.property(fc.array(level, { maxLength: 9 }), fc.boolean(), (levels, medtwin) => {
        const topic = [medtwin ? 'medtwin' : 'other', ...levels].join('/');
        const parsed = parseTopic(topic);
        if (parsed !== undefined) {
          // Whatever parses must rebuild the same topic.
          expect(`medtwin/${parsed.site}/${parsed.zone}/${parsed.kind}/${parsed.deviceId}/${parsed.channel}`).toBe(topic);
        }
      }),
    );
  });
});
