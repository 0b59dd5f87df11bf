import { describe, expect, it } from 'vitest';
import { decodeEnvelope, encodeEnvelope } from './envelope.ts';
import { assertTopicSegment, channelTopic, parseTopic, siteFilter } from './topics.ts';

const address = { site: 'general-hospital', zone: 'icu', kind: 'infusion-pump', deviceId: 'pump-003' };

describe('topic scheme', () => {
  it('builds and parses device topics', () => {
    const topic = channelTopic(address, 'cmd/ack');
    expect(topic).toBe('medtwin/general-hospital/icu/infusion-pump/pump-003/cmd/ack');
    expect(parseTopic(topic)).toEqual({ ...address, channel: 'cmd/ack' });
    expect(parseTopic('other/general-hospital/icu/x/y/telemetry')).toBeUndefined();
    expect(parseTopic('medtwin/too/short')).toBeUndefined();
    expect(siteFilter('general-hospital')).toBe('medtwin/general-hospital/#');
  });

  it('rejects segments that would break the hierarchy', () => {
    for (const bad of ['a/b', 'icu+', '#', 'with space', '$SYS', '']) {
      expect(() => assertTopicSegment(bad, 'fleet.zones[0].id')).toThrow(/fleet\.zones\[0\]\.id: expected letters/);
    }
    expect(() => assertTopicSegment('ward-a_2.east', 'zone')).not.toThrow();
  });
});

describe('envelope', () => {
  it('round-trips and is byte-stable', () => {
    const envelope = { v: 1 as const, device: 'cgm-001', kind: 'cgm', seq: 7, t: 300_000, body: { glucose: 143 } };
    const a = encodeEnvelope(envelope);
    expect(a.toString()).toBe('{"v":1,"device":"cgm-001","kind":"cgm","seq":7,"t":300000,"body":{"glucose":143}}');
    expect(decodeEnvelope(a)).toEqual({ ok: true, envelope });
  });

  it('reports hostile or broken payloads without throwing', () => {
    expect(decodeEnvelope('not json')).toEqual({ ok: false, error: 'payload is not JSON' });
    expect(decodeEnvelope(Buffer.from([0xff, 0xfe, 0x00]))).toMatchObject({ ok: false });
    const wrongSeq = decodeEnvelope(JSON.stringify({ v: 1, device: 'x', kind: 'cgm', seq: -1, t: 0, body: null }));
    expect(wrongSeq).toMatchObject({ ok: false, error: expect.stringMatching(/^envelope seq:/) });
    expect(decodeEnvelope('{"v":2}')).toMatchObject({ ok: false });
  });
});
