import { describe, expect, it } from 'vitest';
import type { Observation } from '../observation.ts';
import { IDS_FLEET, runRule } from '../../../../test/helpers/ids.ts';

describe('connect-flood', () => {
  it('flags a burst of unknown client ids, accepted or refused', () => {
    const burst: Observation[] = Array.from({ length: 30 }, (_, i) =>
      i % 2 === 0
        ? { kind: 'connect', t: i * 10, clientId: `bot-${i}`, takeover: false }
        : { kind: 'connect.refused', t: i * 10, clientId: `bot-${i}`, reason: 'anonymous' },
    );
    const alerts = runRule('connect-flood', burst, { connectFlood: { count: 20, windowMs: 10_000 } });
    expect(alerts.map((a) => [a.t, a.clientId])).toEqual([[200, '(site)']]);
  });

  it('stays quiet while the whole fleet boots at once', () => {
    const boot: Observation[] = IDS_FLEET.devices.map((d) => ({ kind: 'connect', t: 0, clientId: `medtwin-${d.id}`, takeover: false }));
    expect(runRule('connect-flood', boot, { connectFlood: { count: 2, windowMs: 10_000 } })).toEqual([]);
  });
});
