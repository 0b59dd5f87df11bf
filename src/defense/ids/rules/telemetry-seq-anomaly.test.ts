import { describe, expect, it } from 'vitest';
import { envelope, publish, runRule, topic } from '../../../../test/helpers/ids.ts';

const telemetry = (t: number, seq: number, clientId = 'medtwin-pump-001', device = 'pump-001') =>
  publish(t, clientId, topic('pump-001', 'telemetry'), envelope(device, { state: 'infusing' }, seq, t));

describe('telemetry-seq-anomaly', () => {
  it('flags the issue-17 spoof: one message with a huge seq', () => {
    const alerts = runRule('telemetry-seq-anomaly', [telemetry(0, 1), telemetry(5000, 2), telemetry(6000, 9_007_199_254_740_000, 'x')]);
    expect(alerts.map((a) => a.summary)).toEqual(['pump-001 telemetry seq jumped from 2 to 9007199254740000 in 1000 ms']);
  });

  it('flags a repeat within a session and an envelope for another device', () => {
    const alerts = runRule('telemetry-seq-anomaly', [
      telemetry(0, 1),
      telemetry(5000, 2),
      telemetry(6000, 2),
      telemetry(7000, 3, 'x', 'pump-002'),
    ]);
    expect(alerts.map((a) => [a.severity, a.summary])).toEqual([
      ['medium', 'pump-001 telemetry seq 2 repeats or rewinds (last 2)'],
      ['high', "telemetry on pump-001's topic claims to be from pump-002"],
    ]);
  });

  it('stays quiet for a steady device and for a long outage whose messages were lost', () => {
    const steady = [1, 2, 3, 4].map((seq) => telemetry(seq * 5000, seq));
    // 10 minutes offline at one message per 5 s: seq advances by 120.
    expect(runRule('telemetry-seq-anomaly', [...steady, telemetry(620_000, 124)])).toEqual([]);
  });
});
