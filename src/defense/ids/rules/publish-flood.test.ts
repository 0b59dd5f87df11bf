import { describe, expect, it } from 'vitest';
import { envelope, publish, runRule, topic } from '../../../../test/helpers/ids.ts';

describe('publish-flood', () => {
  it('raises once past the count within the window, then folds the rest of the flood into that alert', () => {
    const flood = Array.from({ length: 50 }, (_, i) => publish(1000 + i, 'flooder', topic('pump-001', 'telemetry'), 'x'));
    const alerts = runRule('publish-flood', flood, { publishFlood: { count: 20, windowMs: 10_000 } });
    expect(alerts.map((a) => [a.t, a.clientId, a.evidence.length])).toEqual([[1020, 'flooder', 20]]);
  });

  it('stays quiet for a device sending its backfill at once after an outage, not for another client sending "backfill"', () => {
    const backfill = (seq: number) => envelope('monitor-001', { spo2: 97 }, seq).replace('"seq"', '"backfill":true,"seq"');
    const own = Array.from({ length: 50 }, (_, i) =>
      publish(1000, 'medtwin-monitor-001', topic('monitor-001', 'telemetry'), backfill(i + 1)),
    );
    expect(runRule('publish-flood', own, { publishFlood: { count: 20, windowMs: 10_000 } })).toEqual([]);
    const foreign = own.map((o) => ({ ...o, clientId: 'flooder' }));
    expect(runRule('publish-flood', foreign, { publishFlood: { count: 20, windowMs: 10_000 } })).toHaveLength(1);
  });

  it('stays quiet for a device at one message a second', () => {
    const steady = Array.from({ length: 600 }, (_, i) => publish(i * 1000, 'medtwin-monitor-001', topic('monitor-001', 'telemetry'), 'x'));
    expect(runRule('publish-flood', steady)).toEqual([]);
  });
});
