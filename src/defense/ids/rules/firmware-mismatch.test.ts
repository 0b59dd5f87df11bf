import { describe, expect, it } from 'vitest';
import { envelope, publish, runRule, topic } from '../../../../test/helpers/ids.ts';

const report = (t: number, device: string, firmware: string) =>
  publish(t, `medtwin-${device}`, topic(device, 'telemetry'), envelope(device, { firmware }, t / 1000 + 1, t));

describe('firmware-mismatch', () => {
  it('flags a version other than the fleet record, and a change from the first version reported', () => {
    const alerts = runRule('firmware-mismatch', [
      report(0, 'pump-001', '3.0.0'),
      report(0, 'pump-002', '3.2.1'),
      report(5000, 'pump-002', '2.9.0'),
    ]);
    expect(alerts.map((a) => [a.device, a.evidence, a.summary])).toEqual([
      ['pump-001', [1], 'pump-001 reports firmware 3.0.0, on record 3.2.1'],
      ['pump-002', [2, 3], 'pump-002 reports firmware 2.9.0, on record 3.2.1'],
    ]);
  });

  it('stays quiet while every device keeps reporting the version on record', () => {
    expect(
      runRule('firmware-mismatch', [report(0, 'pump-001', '3.2.1'), report(5000, 'pump-001', '3.2.1'), report(0, 'monitor-001', '1.0.0')]),
    ).toEqual([]);
  });
});
