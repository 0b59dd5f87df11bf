import { describe, expect, it } from 'vitest';
import { formatTick, lineChart, segments, timeTicks, valueTicks } from './svg-chart.ts';

const HOUR = 3_600_000;

describe('axes', () => {
  it('picks round time steps for the span', () => {
    expect(timeTicks(0, 6 * HOUR)).toEqual({ step: HOUR, ticks: [0, 1, 2, 3, 4, 5, 6].map((h) => h * HOUR) });
    expect(timeTicks(0, 90_000).step).toBe(15_000);
    expect(timeTicks(0, 3 * 24 * HOUR).step).toBe(12 * HOUR);
    expect(timeTicks(0, 400 * 24 * HOUR).ticks.length).toBeLessThanOrEqual(7);
  });

  it('labels ticks in sim time, with seconds only when the step needs them', () => {
    expect(formatTick(90 * 60_000, HOUR)).toBe('01:30');
    expect(formatTick(15_000, 15_000)).toBe('00:00:15');
    expect(formatTick(26 * HOUR, 12 * HOUR)).toBe('1d 02:00');
  });

  it('covers the data with 1-2-5 value ticks, and widens a flat series', () => {
    expect(valueTicks(86.2, 201.7)).toMatchObject({ min: 80, max: 220, ticks: [80, 100, 120, 140, 160, 180, 200, 220], decimals: 0 });
    expect(valueTicks(0.12, 0.31)).toMatchObject({ min: 0.1, decimals: 2 });
    const flat = valueTicks(98, 98);
    expect(flat.min).toBeLessThan(98);
    expect(flat.max).toBeGreaterThan(98);
  });
});

describe('lineChart', () => {
  const points: [number, number | null][] = [
    [0, 100],
    [HOUR, 110],
    [2 * HOUR, null],
    [3 * HOUR, 120],
    [4 * HOUR, null],
    [5 * HOUR, 90],
    [6 * HOUR, 95],
  ];

  it('splits lines at nulls: two polylines and an isolated dot', () => {
    expect(segments(points).map((run) => run.length)).toEqual([2, 1, 2]);
    const svg = lineChart({ title: 'glucose', x: [0, 6 * HOUR], lines: [{ label: 'measured', color: '#00f', points }] });
    expect(svg.match(/<polyline /g)).toHaveLength(2);
    expect(svg.match(/<circle /g)).toHaveLength(1);
  });

  it('shades fault windows, open-ended ones to the edge, and adds them to the legend', () => {
    const svg = lineChart({
      title: 'glucose',
      x: [0, 6 * HOUR],
      lines: [{ label: 'truth', color: '#555', dash: '5 3', points }],
      bands: [
        { from: 2 * HOUR, to: 4 * HOUR, label: 'sensor.drift' },
        { from: 5 * HOUR, to: null, label: 'net.down' },
      ],
    });
    const rects = [...svg.matchAll(/<g class="band"><rect x="([\d.]+)" y="\d+" width="([\d.]+)"/g)].map((m) => ({
      x: Number(m[1]),
      width: Number(m[2]),
    }));
    expect(rects).toHaveLength(2);
    // Plot 52..538 px wide over 6 h: 2 h → 162 px.
    expect(rects[0]!.width).toBeCloseTo(162, 0);
    expect(rects[1]!.x + rects[1]!.width).toBeCloseTo(538, 0);
    expect(svg).toContain('>sensor.drift</text>');
    expect(svg).toContain('stroke-dasharray="5 3"');
    expect(svg).toContain('>fault window</text>');
  });

  it('escapes labels', () => {
    const svg = lineChart({ title: '<x>', x: [0, 1000], unit: 'a&b', lines: [{ label: '"q"', color: '#000', points: [] }] });
    expect(svg).toContain('<title>&lt;x&gt;</title>');
    expect(svg).toContain('>a&amp;b<');
    expect(svg).toContain('>&quot;q&quot;<');
  });

  it('keeps fault labels apart when windows start close together (issue 18, broken 8)', () => {
    const svg = lineChart({
      title: 'spo2',
      x: [0, 6 * HOUR],
      lines: [{ label: 'measured', color: '#00f', points }],
      bands: [
        { from: 2 * HOUR, to: 3 * HOUR, label: 'sensor.bias' },
        { from: 2 * HOUR + 60_000, to: 3 * HOUR, label: 'device.spo2-probe-off', note: 'alarm after 12s' },
        { from: 5.9 * HOUR, to: null, label: 'net.down' },
      ],
    });
    const labels = [...svg.matchAll(/<text x="([\d.]+)" y="([\d.]+)" class="band-label"[^>]*>([^<]*)<\/text>/g)].map((m) => ({
      x: Number(m[1]),
      y: Number(m[2]),
      w: m[3]!.length * 6,
      text: m[3]!,
    }));
    expect(labels.map((l) => l.text)).toEqual(['sensor.bias', 'device.spo2-probe-off · alarm after 12s', 'net.down']);
    for (const [i, a] of labels.entries())
      for (const b of labels.slice(i + 1)) {
        const apart = a.y !== b.y || a.x + a.w <= b.x || b.x + b.w <= a.x;
        expect(apart, `${a.text} overlaps ${b.text}`).toBe(true);
      }
    // A label near the right edge is pulled back inside the plot (52..538 px).
    for (const l of labels) expect(l.x + l.w).toBeLessThanOrEqual(538);
  });

  it('draws alarm limits as labelled lines within the value axis, and alarms as markers', () => {
    const svg = lineChart({
      title: 'spo2',
      x: [0, 6 * HOUR],
      unit: '%',
      lines: [{ label: 'measured', color: '#00f', points }],
      limits: [
        { value: 85, label: 'spo2.low high 85' },
        { value: 95, label: 'spo2.low medium 95' },
      ],
      markers: [{ t: HOUR, color: '#dc2626', title: '01:00 spo2.low high' }],
    });
    expect(svg.match(/<line class="limit"/g)).toHaveLength(2);
    expect(svg).toContain('>spo2.low high 85</text>');
    // The axis reaches down to the lower limit although the data stays above 90.
    const ticks = [...svg.matchAll(/text-anchor="end">(\d+)<\/text>/g)].map((m) => Number(m[1]));
    expect(Math.min(...ticks)).toBeLessThanOrEqual(85);
    expect(svg.match(/class="alarm-marker"/g)).toHaveLength(1);
    expect(svg).toContain('>alarm limit</text>');
  });
});
