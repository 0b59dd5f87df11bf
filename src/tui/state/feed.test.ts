import { describe, expect, it } from 'vitest';
import { feedItem, matchesFilter, NO_FILTER } from './feed.ts';

const zones: Record<string, string> = { 'cgm-001': 'icu', 'pump-001': 'ward' };
const zoneOf = (d: string) => zones[d];

describe('feedItem', () => {
  it('gives alarms their IEC 60601-1-8 priority as severity and names the device and zone', () => {
    const item = feedItem(
      {
        id: 7,
        t: 5000,
        source: 'pump-001',
        type: 'alarm.raised',
        data: { alarm: { code: 'occlusion.downstream', priority: 'high', message: 'Downstream occlusion' } },
      },
      zoneOf,
    )!;
    expect(item).toMatchObject({ severity: 'high', device: 'pump-001', zone: 'ward' });
    expect(item.text).toBe('ALARM high occlusion.downstream — Downstream occlusion');
  });

  it('attributes twin and injector events to the device they name', () => {
    const item = feedItem({ id: 1, t: 0, source: 'twin', type: 'twin.stale', data: { device: 'cgm-001' } }, zoneOf)!;
    expect(item).toMatchObject({ device: 'cgm-001', zone: 'icu', severity: 'warning', text: 'twin: stale (no telemetry)' });
    const injected = feedItem(
      { id: 2, t: 0, source: 'injector', type: 'fault.injected', data: { fault: 'sensor.drift', device: 'cgm-001', params: { rate: 10 } } },
      zoneOf,
    )!;
    expect(injected.text).toBe('fault sensor.drift injected {rate:10}');
  });

  it('leaves telemetry out', () => {
    expect(feedItem({ id: 1, t: 0, source: 'cgm-001', type: 'telemetry', data: {} }, zoneOf)).toBeUndefined();
  });

  it('describes commands without their generated id', () => {
    const item = feedItem(
      {
        id: 1,
        t: 0,
        source: 'twin',
        type: 'twin.command',
        data: { device: 'cgm-001', command: { type: 'acknowledge', commandId: 'twin-1' } },
      },
      zoneOf,
    )!;
    expect(item.text).toBe('command sent acknowledge');
  });
});

describe('matchesFilter', () => {
  const alarm = feedItem(
    {
      id: 1,
      t: 0,
      source: 'pump-001',
      type: 'alarm.raised',
      data: { alarm: { code: 'battery.low', priority: 'medium', message: 'Battery low' } },
    },
    zoneOf,
  )!;
  const info = feedItem({ id: 2, t: 0, source: 'cgm-001', type: 'state.changed', data: { from: 'warm-up', to: 'active' } }, zoneOf)!;

  it('filters by minimum severity, zone and part of the device id', () => {
    expect(matchesFilter(info, NO_FILTER)).toBe(true);
    expect(matchesFilter(info, { ...NO_FILTER, minSeverity: 'low' })).toBe(false);
    expect(matchesFilter(alarm, { ...NO_FILTER, minSeverity: 'medium' })).toBe(true);
    expect(matchesFilter(alarm, { ...NO_FILTER, minSeverity: 'high' })).toBe(false);
    expect(matchesFilter(alarm, { ...NO_FILTER, zone: 'icu' })).toBe(false);
    expect(matchesFilter(info, { ...NO_FILTER, zone: 'icu' })).toBe(true);
    expect(matchesFilter(alarm, { ...NO_FILTER, device: 'PUMP' })).toBe(true);
    expect(matchesFilter(info, { ...NO_FILTER, device: 'pump' })).toBe(false);
  });
});
