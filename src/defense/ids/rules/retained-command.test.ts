import { describe, expect, it } from 'vitest';
import { envelope, publish, runRule, topic } from '../../../../test/helpers/ids.ts';

describe('retained-command', () => {
  it('flags a retained pause on a pump’s command topic', () => {
    const alerts = runRule('retained-command', [
      publish(0, 'attacker', topic('pump-001', 'cmd'), envelope('x', { type: 'pause' }), { retain: true }),
    ]);
    expect(alerts.map((a) => a.summary)).toEqual(["attacker left a retained pause on pump-001's command topic"]);
  });

  it('stays quiet for retained state (the devices’ own), commands without retain, and an empty retained message that clears one', () => {
    expect(
      runRule('retained-command', [
        publish(0, 'medtwin-pump-001', topic('pump-001', 'state'), envelope('pump-001', { state: 'infusing' }), { retain: true }),
        publish(0, 'medtwin-twin', topic('pump-001', 'cmd'), envelope('twin', { type: 'pause' })),
        publish(0, 'medtwin-console-security', topic('pump-001', 'cmd'), '', { retain: true }),
      ]),
    ).toEqual([]);
  });
});
