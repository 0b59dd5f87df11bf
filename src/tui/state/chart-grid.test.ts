import { describe, expect, it } from 'vitest';
import { chartGrid, sparkline } from './chart-grid.ts';
import { DeviceSeries, telemetryPoints } from './series.ts';
import { RingBuffer } from './ring-buffer.ts';

describe('chartGrid', () => {
  it('puts the highest value on the top row and the lowest on the bottom row, marking overlaps', () => {
    const grid = chartGrid(
      [
        { t: 0, measured: 100, truth: 100 },
        { t: 1000, measured: 200, truth: 150 },
      ],
      2,
      3,
    )!;
    expect(grid.min).toBe(100);
    expect(grid.max).toBe(200);
    expect(grid.rows).toEqual([
      ['empty', 'measured'],
      ['empty', 'truth'],
      ['both', 'empty'],
    ]);
  });

  it('marks columns where the device gave no reading but the patient had a value', () => {
    const grid = chartGrid(
      [
        { t: 0, measured: 100, truth: 100 },
        { t: 1000, measured: null, truth: 110 },
      ],
      2,
      2,
    )!;
    expect(grid.missing).toEqual([false, true]);
  });

  it('has nothing to draw without numbers', () => {
    expect(chartGrid([{ t: 0, measured: null, truth: null }], 10, 5)).toBeUndefined();
  });
});

describe('sparkline', () => {
  it('scales values to eight levels and leaves gaps blank', () => {
    expect(sparkline([0, null, 7, 14], 4)).toBe('▁ ▅█');
    expect(sparkline([1, 2, 3, 4, 5], 2)).toBe('▁█');
  });
});

describe('series', () => {
  it("reads measured and true values from telemetry; a pump's true rate is what it delivered", () => {
    expect(telemetryPoints(5, { body: { rate: 5, state: 'infusing' }, delivered: { rateMlPerH: 0 } })).toEqual([
      ['rate', { t: 5, measured: 5, truth: 0 }],
    ]);
    expect(telemetryPoints(5, { body: { hr: null, spo2: 97 }, truth: { hr: 80, spo2: 96.4 } })).toEqual([
      ['spo2', { t: 5, measured: 97, truth: 96.4 }],
      ['hr', { t: 5, measured: null, truth: 80 }],
    ]);
  });

  it('thins readings closer than the minimum spacing and keeps a bounded number', () => {
    const series = new DeviceSeries({ capacity: 3, minSpacingMs: 5000 });
    for (let t = 0; t <= 30_000; t += 1000) series.add('hr', { t, measured: t, truth: t });
    expect(series.points('hr').map((p) => p.t)).toEqual([20_000, 25_000, 30_000]);
  });

  it('ring buffer drops the oldest item when full', () => {
    const ring = new RingBuffer<number>(2);
    [1, 2, 3].forEach((n) => ring.push(n));
    expect(ring.toArray()).toEqual([2, 3]);
    expect(ring.tail(1)).toEqual([3]);
    expect(ring.last()).toBe(3);
  });
});
