import { describe, expect, it } from 'vitest';
import { envelope, publish, runRule, topic } from '../../../../test/helpers/ids.ts';

const cmd = (body: Record<string, unknown>) => envelope('console', body);

describe('dose-limit-override', () => {
  it('flags the issue-17 heparin reprogram and bolus: over the soft limit with the override, and over the hard limit', () => {
    const alerts = runRule('dose-limit-override', [
      publish(
        0,
        'attacker',
        topic('pump-001', 'cmd'),
        cmd({ type: 'program', drug: 'heparin', doseRate: 3900, vtbi: 250, confirmSoftLimit: true }),
      ),
      publish(1000, 'attacker', topic('pump-001', 'cmd'), cmd({ type: 'bolus', amount: 9000, confirmSoftLimit: true })),
      publish(2000, 'attacker', topic('pump-002', 'cmd'), cmd({ type: 'program', drug: 'insulin', rate: 40, vtbi: 100 })),
    ]);
    expect(alerts.map((a) => [a.device, a.severity, a.summary])).toEqual([
      ['pump-001', 'high', 'program of 3900 U/h heparin to pump-001: over the soft limit 2000, override set'],
      ['pump-001', 'high', 'bolus of 9000 U heparin to pump-001: over the soft limit 5000, override set'],
      ['pump-002', 'critical', 'program of 40 U/h insulin to pump-002: over the hard limit 35'],
    ]);
  });

  it('stays quiet for doses inside the library, and over a soft limit without the override (the pump refuses it)', () => {
    expect(
      runRule('dose-limit-override', [
        publish(0, 'medtwin-twin', topic('pump-001', 'cmd'), cmd({ type: 'program', drug: 'heparin', doseRate: 1000, vtbi: 250 })),
        publish(1, 'medtwin-twin', topic('pump-001', 'cmd'), cmd({ type: 'bolus', amount: 4000 })),
        publish(2, 'medtwin-twin', topic('pump-002', 'cmd'), cmd({ type: 'program', drug: 'insulin', doseRate: 6, vtbi: 100 })),
      ]),
    ).toEqual([]);
  });
});
