import { describe, expect, it } from 'vitest';
import { runRule, subscribe, topic } from '../../../../test/helpers/ids.ts';

describe('eavesdrop-subscribe', () => {
  it('flags "#" from an unknown client, and a device reaching for other topics even when refused', () => {
    const alerts = runRule('eavesdrop-subscribe', [
      subscribe(1000, 'mqtt-explorer-1', '#'),
      subscribe(2000, 'medtwin-pump-001', 'medtwin/general-hospital/icu/+/+/telemetry', { granted: false }),
    ]);
    expect(alerts.map((a) => [a.clientId, a.device, a.severity, a.summary])).toEqual([
      ['mqtt-explorer-1', undefined, 'high', 'unknown client mqtt-explorer-1 subscribed to #'],
      ['medtwin-pump-001', 'pump-001', 'high', 'device pump-001 tried to subscribe to medtwin/general-hospital/icu/+/+/telemetry'],
    ]);
    expect(alerts[0]!.evidence).toEqual([1]);
  });

  it('flags a zone console reading another zone at medium', () => {
    const alerts = runRule('eavesdrop-subscribe', [subscribe(0, 'medtwin-console-clinician-icu', 'medtwin/general-hospital/ward-a/#')]);
    expect(alerts.map((a) => a.severity)).toEqual(['medium']);
  });

  it('stays quiet for the fleet’s own subscriptions', () => {
    expect(
      runRule('eavesdrop-subscribe', [
        subscribe(0, 'medtwin-pump-001', topic('pump-001', 'cmd')),
        subscribe(0, 'medtwin-twin', 'medtwin/general-hospital/#'),
        subscribe(0, 'medtwin-console-clinician-icu', 'medtwin/general-hospital/icu/#'),
        subscribe(0, 'medtwin-console-security', '$SYS/#'),
      ]),
    ).toEqual([]);
  });
});
