import { describe, expect, it } from 'vitest';
import { envelope, publish, runRule, topic } from '../../../../test/helpers/ids.ts';

const pause = envelope('console', { type: 'pause' });

describe('unauthorized-command', () => {
  it('flags commands from an unknown client (critical when delivered) and from a device (high when dropped)', () => {
    const alerts = runRule('unauthorized-command', [
      publish(0, 'attacker', topic('pump-001', 'cmd'), pause),
      publish(1, 'medtwin-pump-002', topic('pump-001', 'cmd'), envelope('console', { type: 'bolus', amount: 9000 }), { delivered: false }),
    ]);
    expect(alerts.map((a) => [a.severity, a.summary])).toEqual([
      ['critical', 'unknown attacker sent pause to pump-001 (delivered)'],
      ['high', 'device medtwin-pump-002 sent bolus to pump-001 (dropped by the broker)'],
    ]);
  });

  it('flags a console commanding outside its zone or without the permission', () => {
    const alerts = runRule('unauthorized-command', [
      publish(0, 'medtwin-console-clinician-icu', topic('pump-003', 'cmd'), pause),
      publish(0, 'medtwin-console-security', topic('pump-001', 'cmd'), pause),
    ]);
    expect(alerts.map((a) => a.clientId)).toEqual(['medtwin-console-clinician-icu', 'medtwin-console-security']);
  });

  it('stays quiet for the twin and the zone’s clinician', () => {
    expect(
      runRule('unauthorized-command', [
        publish(0, 'medtwin-twin', topic('pump-003', 'cmd'), pause),
        publish(0, 'medtwin-console-clinician-icu', topic('pump-001', 'cmd'), pause),
        publish(0, 'medtwin-pump-001', topic('pump-001', 'cmd/ack'), envelope('pump-001', { accepted: true })),
      ]),
    ).toEqual([]);
  });

  it('believes the authenticated identity over the claimed client id', () => {
    const alerts = runRule('unauthorized-command', [
      publish(0, 'medtwin-twin', topic('pump-001', 'cmd'), pause, { authenticatedAs: 'medtwin-pump-002' }),
    ]);
    expect(alerts.map((a) => a.clientId)).toEqual(['medtwin-pump-002']);
  });
});
