import { describe, expect, it } from 'vitest';
import type { TimelineEntry } from '../../scenario/schema.ts';
import { plannedInjections, selectorText, timeColumn } from './timeline.ts';

const entry = (e: Partial<TimelineEntry> & { fault: string }): TimelineEntry => ({ target: {}, params: {}, ...e }) as TimelineEntry;

describe('plannedInjections', () => {
  it('expands repeating entries, names entries as the scenario language does, and puts triggers last', () => {
    const planned = plannedInjections(
      [
        entry({ fault: 'device.reboot', when: { event: 'alarm.raised', code: 'battery.low', times: 1 } }),
        entry({ id: 'occ', fault: 'pump.occlusion-downstream', at: 3_600_000, for: 600_000, target: { kind: 'infusion-pump', count: 1 } }),
        entry({ fault: 'sensor.dropout', at: 0, every: 1_800_000, until: 3_600_000, target: { device: 'cgm-001' } }),
      ],
      7_200_000,
    );
    expect(planned.map((p) => [p.label, p.at, p.target, p.trigger])).toEqual([
      ['sensor.dropout#2', 0, 'device cgm-001', undefined],
      ['sensor.dropout#2', 1_800_000, 'device cgm-001', undefined],
      ['occ', 3_600_000, '1 × kind infusion-pump', undefined],
      ['sensor.dropout#2', 3_600_000, 'device cgm-001', undefined],
      ['device.reboot#0', undefined, 'every device', 'on alarm.raised (battery.low)'],
    ]);
    expect(planned[2]!.forMs).toBe(600_000);
  });
});

describe('selectorText and timeColumn', () => {
  it('describes selectors in words', () => {
    expect(selectorText({ zone: 'icu', fraction: 0.25 })).toBe('25% of zone icu');
  });

  it('maps time onto the bar, clamped to its ends', () => {
    expect(timeColumn(0, 1000, 10)).toBe(0);
    expect(timeColumn(500, 1000, 10)).toBe(5);
    expect(timeColumn(5000, 1000, 10)).toBe(9);
  });
});
