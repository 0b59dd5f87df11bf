import { describe, expect, it } from 'vitest';
import { decodeEnvelope, encodeEnvelope, ENVELOPE_VERSION, EnvelopeWriter } from './envelope.ts';

const envelope = {
  v: ENVELOPE_VERSION as typeof ENVELOPE_VERSION,
  device: 'patient-monitor-001',
  kind: 'patient-monitor',
  seq: 3,
  t: -250,
  body: { hr: 72 },
};

describe('message envelope', () => {
  it('decodes what it encodes, from a Buffer, a string or a view into a larger buffer', () => {
    const text = encodeEnvelope(envelope);
    const bytes = Buffer.from(text);
    expect(decodeEnvelope(bytes)).toEqual({ ok: true, envelope });
    expect(decodeEnvelope(text)).toEqual({ ok: true, envelope });
    const framed = Buffer.concat([Buffer.from('xx'), bytes, Buffer.from('yy')]);
    const view = new Uint8Array(framed.buffer, framed.byteOffset + 2, bytes.length);
    expect(decodeEnvelope(view)).toEqual({ ok: true, envelope });
  });

  it('carries a patient pseudonym only when given one, after t and before body', () => {
    expect(encodeEnvelope(envelope)).not.toContain('patient"');
    const named = { ...envelope, patient: 'PSN-0123456789abcdef' };
    const text = encodeEnvelope(named);
    expect(text).toBe(
      '{"v":1,"device":"patient-monitor-001","kind":"patient-monitor","seq":3,"t":-250,"patient":"PSN-0123456789abcdef","body":{"hr":72}}',
    );
    expect(decodeEnvelope(text)).toEqual({ ok: true, envelope: named });
    expect(decodeEnvelope(JSON.stringify({ ...envelope, patient: 7 }))).toMatchObject({
      ok: false,
      error: expect.stringMatching(/^envelope patient:/),
    });
  });

  it('finds the body written inside its own text, as JSON.stringify writes it', () => {
    const writer = new EnvelopeWriter('patient-monitor-001', 'patient-monitor');
    const body = { hr: 72, note: ',"body":{"x":1}', nibp: { sbp: 120 } };
    for (const patient of [undefined, 'PSN-,"body":']) {
      const text = writer.write(4, -1, patient, body);
      expect(writer.bodyOf(text)).toBe(JSON.stringify(body));
    }
    expect(writer.bodyOf(writer.write(5, 0, undefined, undefined))).toBeUndefined();
  });

  it('names what is wrong with a malformed envelope', () => {
    expect(decodeEnvelope('{nope')).toEqual({ ok: false, error: 'payload is not JSON' });
    const bad = (patch: Record<string, unknown>) => decodeEnvelope(JSON.stringify({ ...envelope, ...patch }));
    expect(bad({ v: 2 })).toMatchObject({ ok: false, error: expect.stringMatching(/^envelope v:/) });
    expect(bad({ seq: 0 })).toMatchObject({ ok: false, error: expect.stringMatching(/^envelope seq:/) });
    expect(bad({ seq: 1.5 })).toMatchObject({ ok: false, error: expect.stringMatching(/^envelope seq:/) });
    expect(bad({ t: '5' })).toMatchObject({ ok: false, error: expect.stringMatching(/^envelope t:/) });
    expect(bad({ device: '' })).toMatchObject({ ok: false, error: expect.stringMatching(/^envelope device:/) });
    expect(decodeEnvelope('[1,2]')).toMatchObject({ ok: false });
    expect(decodeEnvelope('null')).toMatchObject({ ok: false });
  });
});
