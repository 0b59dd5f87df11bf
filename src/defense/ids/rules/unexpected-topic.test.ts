import { describe, expect, it } from 'vitest';
import { envelope, publish, runRule, topic } from '../../../../test/helpers/ids.ts';

describe('unexpected-topic', () => {
  it('flags spoofed telemetry from an unknown client and from another device (medium when the ACL dropped it)', () => {
    const low = envelope('cgm-001', { glucose: 40 });
    const alerts = runRule('unexpected-topic', [
      publish(0, 'attacker', topic('cgm-001', 'telemetry'), low),
      publish(1, 'medtwin-pump-001', topic('cgm-001', 'telemetry'), low, { delivered: false }),
    ]);
    expect(alerts.map((a) => [a.severity, a.summary])).toEqual([
      ['high', 'unknown attacker published telemetry as cgm-001'],
      ['medium', 'device medtwin-pump-001 published telemetry as cgm-001 (dropped by the broker)'],
    ]);
  });

  it('stays quiet for a device on its own channels, the twin’s shadows and commands', () => {
    expect(
      runRule('unexpected-topic', [
        publish(0, 'medtwin-cgm-001', topic('cgm-001', 'telemetry'), envelope('cgm-001', { glucose: 120 })),
        publish(0, 'medtwin-cgm-001', topic('cgm-001', 'cmd/ack'), envelope('cgm-001', {})),
        publish(0, 'medtwin-twin', topic('cgm-001', 'twin/delta'), '{}'),
        publish(0, 'attacker', topic('cgm-001', 'cmd'), '{}'),
      ]),
    ).toEqual([]);
  });
});
