import { describe, expect, it } from 'vitest';
import { envelope, IDS_FLEET, publish, runRule, topic } from '../../../../test/helpers/ids.ts';
import { IdsContext } from '../context.ts';
import { IdsDetector } from '../detector.ts';
import type { Observation } from '../observation.ts';

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

  it('expects a change a patch campaign planned, inside its window and to its version; alerts on any other', () => {
    const context = new IdsContext({
      ...IDS_FLEET,
      changeWindows: [{ campaign: 'pumps', kind: 'infusion-pump', to: '3.3.0', zone: 'icu', from: 60_000, until: 600_000 }],
    });
    const detector = new IdsDetector(context, ['firmware-mismatch']);
    const state = (t: number, device: string, firmware: string): Observation =>
      publish(t, `medtwin-${device}`, topic(device, 'state'), envelope(device, { firmware, state: 'infusing' }, 1, t));
    const alerts = [
      [report(0, 'pump-001', '3.2.1'), report(0, 'pump-002', '3.2.1'), report(0, 'pump-003', '3.2.1')],
      // Too early for the window: a change before the campaign.
      [state(30_000, 'pump-002', '3.3.0')],
      // In the window, to the campaign's version: expected, and the record from then on.
      [state(120_000, 'pump-001', '3.3.0'), report(125_000, 'pump-001', '3.3.0')],
      // In the window, but another zone, or another version.
      [state(130_000, 'pump-003', '3.3.0'), report(140_000, 'pump-001', '2.4.0')],
    ].flatMap((batch) => detector.observe(batch));
    expect(alerts.map((a) => a.data.summary)).toEqual([
      'pump-002 reports firmware 3.3.0, on record 3.2.1',
      'pump-003 reports firmware 3.3.0, on record 3.2.1',
      'pump-001 reports firmware 2.4.0, on record 3.3.0',
    ]);
  });
});
