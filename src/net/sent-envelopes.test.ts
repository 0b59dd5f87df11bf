import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeEnvelope, EnvelopeWriter } from './envelope.ts';
import { jsonRoundTrips, SentEnvelopes } from './sent-envelopes.ts';

const TOPIC = 'medtwin/site/ward/patient-monitor/patient-monitor-001/telemetry';
const writer = new EnvelopeWriter('patient-monitor-001', 'patient-monitor');

/** Writes an envelope as a device does and keeps it; returns the text and whether it was kept. */
function send(sent: SentEnvelopes, seq: number, body: unknown, options: { t?: number; patient?: string; topic?: string } = {}) {
  const t = options.t ?? seq * 1000;
  const text = writer.write(seq, t, options.patient, body);
  const kept = sent.note(options.topic ?? TOPIC, text, 'patient-monitor-001', 'patient-monitor', seq, t, options.patient, body);
  return { text, kept };
}

/** A value as nested [key, value] pairs, so equality includes key order, -0 and undefined. */
function ordered(value: unknown): unknown {
  if (typeof value === 'number') return Object.is(value, -0) ? '-0' : value;
  if (typeof value !== 'object' || value === null) return value === undefined ? '(undefined)' : value;
  if (Array.isArray(value)) return Array.from({ length: value.length }, (_, i) => (i in value ? ordered(value[i]) : '(hole)'));
  return Object.entries(value).map(([k, v]) => [k, ordered(v)]);
}

describe('SentEnvelopes', () => {
  it('hands back the kept envelope for exactly its text on its topic, once: what decodeEnvelope parses', () => {
    const sent = new SentEnvelopes();
    const body = { alarms: [], hr: 72, nibp: { dbp: 80, map: 93, sbp: 120, t: 5 }, state: 'monitoring', temp: 36.6 };
    const { text, kept } = send(sent, 3, body, { patient: 'PSN-0123456789abcdef' });
    expect(kept).toBe(true);
    expect(sent.take(`${TOPIC}x`, text)).toBeUndefined();
    expect(sent.take(TOPIC, text.replace('"hr":72', '"hr":73'))).toBeUndefined();
    const envelope = sent.take(TOPIC, text);
    expect(envelope?.body).toBe(body);
    const parsed = decodeEnvelope(text);
    expect(parsed.ok && ordered(parsed.envelope)).toEqual(ordered(envelope));
    // A copy of the same message (QoS 1 sent again) is parsed.
    expect(sent.take(TOPIC, text)).toBeUndefined();
    expect(sent.size).toBe(0);
  });

  it('lets go of entries before the one taken (lost on the way), and looks only a few entries ahead', () => {
    const sent = new SentEnvelopes();
    const texts = Array.from({ length: 40 }, (_, i) => send(sent, i + 1, { hr: 60 + i }).text);
    expect(sent.take(TOPIC, texts[2]!)?.seq).toBe(3);
    expect(sent.take(TOPIC, texts[0]!)).toBeUndefined();
    expect(sent.size).toBe(37);
    // Far past the head: parsed, and nothing is let go.
    expect(sent.take(TOPIC, texts[39]!)).toBeUndefined();
    expect(sent.size).toBe(37);
    expect(sent.take(TOPIC, texts[3]!)?.seq).toBe(4);
  });

  it('keeps nothing after clear()', () => {
    const sent = new SentEnvelopes();
    const a = send(sent, 1, { hr: 60 }).text;
    send(sent, 1, { hr: 60 }, { topic: `${TOPIC}/other` });
    sent.clear();
    expect(sent.size).toBe(0);
    expect(sent.take(TOPIC, a)).toBeUndefined();
    // And keeps again afterwards, in the same topic's reused slots.
    const b = send(sent, 2, { hr: 61 }).text;
    expect(sent.take(TOPIC, b)?.seq).toBe(2);
  });

  it('does not keep an envelope whose parse would differ from what was written from', () => {
    const sent = new SentEnvelopes();
    class Reading {
      hr = 60;
    }
    const sparse: number[] = [];
    sparse[1] = 1;
    const refused: unknown[] = [
      { hr: undefined },
      { hr: Number.NaN },
      { hr: Number.POSITIVE_INFINITY },
      { hr: -0 },
      { at: new Date(0) },
      new Reading(),
      sparse,
      [1, undefined],
      Object.assign(Object.create(null), { hr: 60 }),
      undefined,
      { f: () => 1 },
      { n: 1n },
    ];
    for (const body of refused) {
      const t = 1000;
      const text = writerText(body);
      expect(sent.note(TOPIC, text, 'patient-monitor-001', 'patient-monitor', 1, t, undefined, body)).toBe(false);
    }
    expect(send(sent, 1, { hr: 60 }, { t: 1.5 }).kept).toBe(false);
    expect(sent.note(TOPIC, '', 'patient-monitor-001', 'patient-monitor', 0, 0, undefined, {})).toBe(false);
    expect(send(sent, 1, { hr: 60 }, { patient: '' }).kept).toBe(false);
    expect(sent.size).toBe(0);
  });

  it('freezes what it keeps under vitest, so a reader that changes a shared body fails its test', () => {
    const sent = new SentEnvelopes();
    const body = { hr: 60, nibp: { sbp: 120 } };
    send(sent, 1, body);
    expect(() => {
      (body.nibp as { sbp: number }).sbp = 1;
    }).toThrow(TypeError);
  });

  it('jsonRoundTrips only values JSON gives back unchanged, key order included', () => {
    fc.assert(
      fc.property(fc.anything({ withNullPrototype: true, withSparseArray: true, withBoxedValues: true, withDate: true }), (value) => {
        if (!jsonRoundTrips(value)) return;
        expect(ordered(JSON.parse(JSON.stringify(value)))).toEqual(ordered(value));
      }),
      { numRuns: 2000 },
    );
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        expect(jsonRoundTrips(JSON.parse(JSON.stringify(value)))).toBe(true);
      }),
      { numRuns: 1000 },
    );
  });
});

function writerText(body: unknown): string {
  try {
    return writer.write(1, 1000, undefined, body);
  } catch {
    return '';
  }
}
