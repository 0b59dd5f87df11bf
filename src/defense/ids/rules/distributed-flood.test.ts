import { describe, expect, it } from 'vitest';
import { publish, runRule, topic } from '../../../../test/helpers/ids.ts';
import type { Observation } from '../observation.ts';

describe('distributed-flood', () => {
  it('flags five clients each publishing past the per-client rate, though none is a flood alone', () => {
    const bots: Observation[] = [];
    for (let i = 0; i < 50; i++) for (let b = 0; b < 6; b++) bots.push(publish(i * 100, `bot-${b}`, 'medtwin/general-hospital/x', 'x'));
    const alerts = runRule('distributed-flood', bots);
    expect(alerts).toHaveLength(1);
    expect(alerts[0]!.clientId).toBe('(site)');
    expect(runRule('publish-flood', bots)).toEqual([]);
  });

  it('stays quiet for fleet devices bursting their own backfill after an outage', () => {
    const backfill: Observation[] = [];
    for (const d of ['pump-001', 'pump-002', 'monitor-001', 'cgm-001', 'pump-003'])
      for (let i = 0; i < 100; i++) backfill.push(publish(i * 10, `medtwin-${d}`, topic(d, 'backfill'), 'x'));
    expect(runRule('distributed-flood', backfill)).toEqual([]);
  });
});
