import { describe, expect, it } from 'vitest';
import type { Observation } from '../observation.ts';
import { publish, runRule, topic } from '../../../../test/helpers/ids.ts';

const connect = (t: number, clientId: string, keepalive: number): Observation => ({
  kind: 'connect',
  t,
  clientId,
  takeover: false,
  keepalive,
});

describe('slow-connections', () => {
  it('raises once enough idle sessions with a huge keep-alive are open together', () => {
    const held = Array.from({ length: 5 }, (_, i) => connect(1000, `slowite-${i}`, 65_535));
    const alerts = runRule('slow-connections', held, { slowConnections: { count: 5, keepaliveS: 1200 } });
    expect(alerts.map((a) => [a.t, a.clientId, a.evidence.length])).toEqual([[1000, '(site)', 5]]);
  });

  it('stays quiet for the fleet’s one-minute keep-alives, and for long keep-alive sessions that publish or leave', () => {
    const fleet = Array.from({ length: 20 }, (_, i) => connect(0, `medtwin-pump-${i}`, 60));
    const busy = Array.from({ length: 4 }, (_, i) => [
      connect(10 + 2 * i, `gateway-${i}`, 65_535),
      publish(11 + 2 * i, `gateway-${i}`, topic('pump-001', 'telemetry'), 'x'),
    ]).flat();
    const gone: Observation[] = [connect(20, 'x', 0), { kind: 'disconnect', t: 21, clientId: 'x' }];
    expect(runRule('slow-connections', [...fleet, ...busy, ...gone], { slowConnections: { count: 2, keepaliveS: 1200 } })).toEqual([]);
  });
});
