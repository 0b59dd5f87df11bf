import { describe, expect, it } from 'vitest';
import { SeriesDecimator } from './series.ts';

describe('SeriesDecimator', () => {
  it('keeps every sample while they fit', () => {
    const s = new SeriesDecimator(600);
    for (let i = 0; i < 100; i++) s.add(i * 1000, i, i + 0.5);
    const points = s.points();
    expect(points).toHaveLength(100);
    expect(points[42]).toEqual([42_000, 42, 42.5]);
  });

  it('stays within maxPoints over a day at 1 Hz, in time order, keeping spikes, dips and gaps', () => {
    const s = new SeriesDecimator(600);
    const day = 86_400;
    for (let i = 0; i < day; i++) {
      const t = i * 1000;
      const value = i === 50_000 ? 250 : i === 60_000 ? 20 : 80 + Math.sin(i / 500);
      s.add(t, i >= 70_000 && i < 70_030 ? null : value, 80);
    }
    const points = s.points();
    expect(points.length).toBeLessThanOrEqual(600);
    expect(points.length).toBeGreaterThan(250);
    for (let i = 1; i < points.length; i++) expect(points[i]![0]).toBeGreaterThan(points[i - 1]![0]);
    expect(points).toContainEqual([50_000_000, 250, 80]);
    expect(points).toContainEqual([60_000_000, 20, 80]);
    expect(points).toContainEqual([70_000_000, null, 80]);
    expect(points[0]![0]).toBe(0);
    expect(points[points.length - 1]![0]).toBeGreaterThan(86_000_000);
  });

  it('respects small bounds and starting bucket widths', () => {
    for (const [max, initial] of [
      [3, 1],
      [10, 1],
      [600, 144_000],
    ] as const) {
      const s = new SeriesDecimator(max, initial);
      for (let i = 0; i < 20_000; i++) s.add(i * 37, (i * 7919) % 101, null);
      expect(s.points().length).toBeLessThanOrEqual(max);
    }
    expect(() => new SeriesDecimator(2)).toThrow(/maxPoints must be at least 3, received 2/);
  });
});
