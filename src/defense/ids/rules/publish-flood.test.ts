import { describe, expect, it } from 'vitest';
import { publish, runRule, topic } from '../../../../test/helpers/ids.ts';

describe('publish-flood', () => {
  it('raises once past the count within the window, then folds the rest of the flood into that alert', () => {
    const flood = Array.from({ length: 50 }, (_, i) => publish(1000 + i, 'flooder', topic('pump-001', 'telemetry'), 'x'));
    const alerts = runRule('publish-flood', flood, { publishFlood: { count: 20, windowMs: 10_000 } });
    expect(alerts.map((a) => [a.t, a.clientId, a.evidence.length])).toEqual([[1020, 'flooder', 20]]);
  });

  it('stays quiet for a device at one message a second', () => {
    const steady = Array.from({ length: 600 }, (_, i) => publish(i * 1000, 'medtwin-monitor-001', topic('monitor-001', 'telemetry'), 'x'));
    expect(runRule('publish-flood', steady)).toEqual([]);
  });
});
